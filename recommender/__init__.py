"""Offer recommender for Danish job-centre advisers working with spouse-supported immigrants.

Rules (``rules.yaml``) give the job-goal typology, the labour-force criteria and readiness guards;
a scikit-learn model estimates, per offer, the chance of each closure outcome; :func:`recommend`
combines both into a ranked, explained suggestion. The estimates are associations learnt from earlier
citizens, not causal effects, and the adviser decides.

>>> import recommender
>>> sorted(recommender.__all__)[:4]
['Citizen', 'RankedOffer', 'Recommendation', 'RecommenderError']
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from recommender import process_cache
from recommender.errors import RecommenderError

if TYPE_CHECKING:
    from recommender.citizen import Citizen
    from recommender.model import load_model, train
    from recommender.recommendation import RankedOffer, Recommendation
    from recommender.recommending.recommend import recommend
    from recommender.typology import TypologyResult, load_rules

# The public names are imported on first use: ``import recommender`` (and so the command line's start,
# while Ctrl-C is not yet handled) stays quick; scikit-learn and pandas load only when needed.
_LAZY = {
    "Citizen": "recommender.citizen",
    "RankedOffer": "recommender.recommendation",
    "Recommendation": "recommender.recommendation",
    "TypologyResult": "recommender.typology",
    "load_model": "recommender.model",
    "load_rules": "recommender.typology",
    "recommend": "recommender.recommending.recommend",
    "train": "recommender.model",
}


def _default_model() -> object:
    """The built-in model that ``load_model(None)`` returns: wired here, so that ``recommender.model``
    and ``recommender.modelling.default`` (which builds it with ``train`` and reads it with
    ``load_model``) never import each other."""
    from recommender.modelling.default import default_model

    return default_model()


process_cache.provide("default_model", _default_model)


def __getattr__(name: str) -> object:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'recommender' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "Citizen",
    "RankedOffer",
    "Recommendation",
    "RecommenderError",
    "TypologyResult",
    "load_model",
    "load_rules",
    "recommend",
    "train",
]
__version__ = "0.1.0"
