"""Offer recommender for Danish job-centre advisers working with spouse-supported immigrants.

Rules (``rules.yaml``) give the job-goal typology, the labour-force criteria and readiness guards;
a scikit-learn model estimates, per offer, the chance of each closure outcome; ``recommend`` combines
both into a ranked, explained suggestion. The estimates are associations learnt from earlier
citizens, not causal effects, and the adviser decides.
"""

from ._errors import RecommenderError
from .citizen import Citizen

__all__ = ["Citizen", "RecommenderError"]
__version__ = "0.1.0"
