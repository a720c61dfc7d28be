"""The outcome model's parts: schema, features, candidate selection, training, uncertainty, serving
tables, manifest, files.

``schema`` the feature schema (plain data); ``features`` builds it and the encoders; ``selection`` the
candidates and their cross-validated choice; ``training`` the fitting steps (point model, bootstrap,
manifest); ``fitted`` the scikit-learn side of a trained model; ``uncertainty`` bootstrap intervals
and offer support; ``linear`` the exact numpy serving tables of a linear model, ``trees`` those of
boosted trees, ``lean_blend`` a blend of the two; ``blend`` the averaging classifier; ``estimates``
the per-offer estimate types; ``manifest`` the typed, checked manifest; ``persist`` the safe model
file; ``default`` the built-in model. The public front is :mod:`recommender.model` (``train``,
``load_model``, ``OutcomeModel``). Serving needs only ``schema``, ``linear``, ``trees``,
``lean_blend``, ``estimates``, ``manifest`` and ``persist`` (numpy, no scikit-learn or pandas).
"""
