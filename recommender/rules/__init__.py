"""The rules engine behind ``rules.yaml``: conditions, the rules file, and the rule checker.

``conditions`` compiles the YAML condition language (scalar and vectorised evaluation);
``file`` parses and checks the whole rules file; ``check`` proves every possible record gets exactly
one typology. The public front is :mod:`recommender.typology` (``load_rules``, ``RuleSet``).
"""
