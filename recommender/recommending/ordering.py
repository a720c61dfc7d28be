"""The one function ``recommend()`` and batch scoring share: from the model's estimates and draws to the
shrunk estimates, the ranks, the rank reasons and ``p_best`` (so the screen and the ``score`` CSV agree).

Steps: the bootstrap draws are centred on the point estimate (each draw minus the draws' median plus the
estimate: the same basic, shift-invariant centring as the model's intervals, so the draws spread around
the value that is ranked rather than around a shifted median); the estimates and every draw are shrunk by
the offers' evidence (:mod:`~recommender.recommending.evidence`); the shrunk expected values are ranked
by the ordering rule (:mod:`~recommender.recommending.ranking`); ``p_best`` counts, per draw, which offer
the same rule puts first (:mod:`~recommender.recommending.certainty`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from recommender.model import weights_vector
from recommender.recommending.certainty import p_best
from recommender.recommending.evidence import (
    evidence_weights,
    shrink_draws,
    shrink_estimates,
)
from recommender.recommending.ranking import rank_matrix, rank_reasons
from recommender.recommending.sparse import fewest_answers, real_size

if TYPE_CHECKING:
    from collections.abc import Mapping

    import pandas as pd

    from recommender.model import OutcomeModel
    from recommender.modelling.estimates import OfferEstimates
    from recommender.typology import RuleSet

__all__ = ["Ordered", "citizens_like", "order_offers"]


def citizens_like(rows: pd.DataFrame | Mapping[str, object], model: OutcomeModel, minimum: int) -> np.ndarray:
    """(n,) how many of the citizens the model's estimates rest on were like each citizen of ``rows``:
    the evidence size; for a citizen with thin data (an answer fewer than ``minimum`` earlier citizens
    gave, :mod:`~recommender.recommending.sparse`) only those who gave that rarest answer, scaled to the
    evidence size."""
    size = float(model.manifest.evidence_size)
    fewest = fewest_answers(rows, model)
    return np.where(fewest < minimum, np.minimum(size, fewest * size / real_size(model)), size)


@dataclass(frozen=True)
class Ordered:
    """The shrunk estimates, ranks (n, k; 1 = first), rank-reason codes (n, k) and ``p_best`` (n, k)."""

    estimates: OfferEstimates
    ranks: np.ndarray
    reasons: np.ndarray
    p_best: np.ndarray


def order_offers(
    est: OfferEstimates,
    draw_scores: np.ndarray,
    blocked: np.ndarray,
    preferred: np.ndarray,
    rules: RuleSet,
    like: np.ndarray,
) -> Ordered:
    """Shrink, rank and count ``p_best`` for ``n`` citizens.

    ``est``: the model's estimates (n citizens); ``draw_scores``: (B, n, k) the model's bootstrap draws
    of the expected value (``OutcomeModel.score_draws``); ``blocked``: (n, k) offers the rules advise
    against; ``preferred``: (n, k) each offer's place in the citizen's preferred order;
    ``like``: (n,) the citizens like each one the estimates rest on (:func:`citizens_like`).
    """
    shrunk = shrink_estimates(est, like, weights_vector(rules))
    centred = draw_scores - np.median(draw_scores, axis=0) + est.score[None]
    draws = shrink_draws(centred, est.propensity, evidence_weights(est.propensity, like))
    ranks = rank_matrix(shrunk.score, blocked, preferred, rules.tie_margin)
    return Ordered(
        shrunk,
        ranks,
        rank_reasons(shrunk.score, blocked, ranks),
        p_best(draws, ~np.asarray(blocked, dtype=bool), preferred, rules.tie_margin),
    )
