"""From a citizen to a recommendation: ``recommend()``, ranking, the adviser's screen, batch scoring.

``recommend`` combines rules and model; ``ranking`` orders the offers; ``screen`` renders the Danish
adviser's screen; ``scoring`` scores a whole file; ``citizen_json`` reads one citizen file.
"""
