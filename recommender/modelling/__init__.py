"""The outcome model's parts: features, candidate selection, uncertainty, serving tables, files.

``features`` builds the feature schema; ``selection`` the candidates and their cross-validated choice;
``uncertainty`` bootstrap intervals and offer support; ``linear`` the exact numpy serving tables;
``estimates`` the per-offer estimate types; ``persist`` the safe model file; ``default`` the built-in
model. The public front is :mod:`recommender.model` (``train``, ``load_model``, ``OutcomeModel``).
"""
