"""From a citizen to a recommendation: ``recommend()``, ranking, the adviser's screen, batch scoring.

``recommend`` combines rules and model; ``ordering`` is the one function it shares with ``scoring``:
``evidence`` shrinks each offer's estimate by its evidence, ``ranking`` orders the offers by one rule,
``certainty`` gives ``p_best`` and the verdict; ``sparse`` finds answers few earlier citizens gave;
``directions`` reads the report's documented directions; ``wording`` and ``screen`` render the Danish
adviser's screen; ``scoring`` scores a whole file; ``citizen_json`` reads one citizen file.
"""
