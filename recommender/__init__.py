"""Offer recommender for Danish job-centre advisers working with spouse-supported immigrants.

Rules (``rules.yaml``) give the job-goal typology, the labour-force criteria and readiness guards;
a scikit-learn model estimates, per offer, the chance of each closure outcome; :func:`recommend`
combines both into a ranked, explained suggestion. The estimates are associations learnt from earlier
citizens, not causal effects, and the adviser decides.

>>> import recommender
>>> sorted(recommender.__all__)[:4]
['Citizen', 'RankedOffer', 'Recommendation', 'RecommenderError']
"""

from recommender.errors import RecommenderError
from recommender.recommending.recommend import recommend
from recommender.citizen import Citizen
from recommender.model import load_model, train
from recommender.recommendation import RankedOffer, Recommendation
from recommender.typology import TypologyResult, load_rules

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
