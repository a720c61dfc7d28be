"""The bare scikit-learn pipeline the speed benchmarks compare against (issue 27).

The reference is the model's own fitted estimator, with one exception: a blend whose tree member is
an :class:`~recommender.modelling.offer_contrast.OfferContrastTrees` (on more than 5,000 selection
rows) predicts every row under every offer through two forests, so its scikit-learn
``predict_proba`` costs about eight times a plain forest's. Used as the reference it would flatter
every ratio. :func:`plain_reference` gives the same fitted blend with that member replaced by its
own fitted level forest: the pipeline a scikit-learn user would run, as for a model with a plain
``hgb``, so the ratios stay comparable across models.
"""

from __future__ import annotations

import copy
from typing import Any

from sklearn.pipeline import Pipeline

from recommender.modelling.offer_contrast import OfferContrastTrees

__all__ = ["plain_reference"]


def plain_reference(estimator: Any) -> tuple[Any, str]:
    """The reference estimator and a few words saying what it is (see the module)."""
    clf = estimator[-1] if isinstance(estimator, Pipeline) else estimator
    members = getattr(clf, "estimators_", None)
    if not members or not isinstance(members[-1][-1], OfferContrastTrees):
        return estimator, "the model's fitted scikit-learn estimator"
    trees = members[-1]
    plain = copy.copy(clf)
    plain.estimators_ = [*members[:-1], Pipeline([*trees.steps[:-1], ("clf", trees[-1].level_)])]
    out = Pipeline([*estimator.steps[:-1], ("clf", plain)]) if isinstance(estimator, Pipeline) else plain
    return (
        out,
        "the model's fitted estimator with its offer-contrast member's level forest as the tree member",
    )
