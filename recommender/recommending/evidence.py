"""Little evidence shows in the estimate, not in the place: each offer's contrast shrunk by its evidence.

The model estimates every offer for every citizen, also offers few citizens like this one ever had. Such
an estimate is mostly extrapolation. Rather than moving the offer down the list (the evidence rule of
earlier versions, which let a list show a lower value above a higher one), its **contrast** is shrunk
toward what the data supports for this citizen:

* ``like``: how many of the citizens the model's estimates rest on were like this one: the evidence
  size, and for a citizen with thin data only those who gave the citizen's rarest answer
  (:func:`~recommender.recommending.ordering.citizens_like`);
* ``evidence`` of offer *j*: about how many of them had offer *j*: ``propensity_j × like``;
* ``weight`` ``w_j = evidence_j / (evidence_j + PRIOR_CITIZENS)``: near 1 with plenty of evidence, near 0
  with none (:data:`PRIOR_CITIZENS` = 20: an offer 20 such citizens had keeps half its contrast);
* ``centre``: what citizens like this one reached on average over the offers they actually had, the
  propensity-weighted mean ``m = Σ_j propensity_j · value_j``;
* shrunk value ``m + w_j (value_j − m)``, for the probabilities of each closure and hence for the
  expected value (the shrinkage is linear, so the shrunk chances still sum to 1 and the shrunk expected
  value is still the chances weighted by the outcome weights).

The same shrinkage is applied to every bootstrap draw, so ``p_best`` is computed on the values that are
ranked. The interval is the model's interval moved with the estimate and widened to reach the model's
own (unshrunk) estimate: less evidence, a larger move, a wider interval. The support flag is unchanged.

>>> import numpy as np
>>> shrink_values(np.array([[0.2, 0.8]]), np.array([[0.5, 0.5]]), np.array([[1.0, 1.0]])).tolist()
[[0.2, 0.8]]
>>> shrink_values(np.array([[0.2, 0.8]]), np.array([[0.9, 0.1]]), np.array([[1.0, 0.0]])).round(2).tolist()
[[0.2, 0.26]]
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from recommender.modelling.estimates import OfferEstimates

__all__ = ["PRIOR_CITIZENS", "evidence_weights", "shrink_draws", "shrink_estimates", "shrink_values"]

#: The evidence (citizens like this one who had the offer) at which an offer keeps half its contrast.
PRIOR_CITIZENS = 20.0


def evidence_weights(propensity: np.ndarray, like: np.ndarray | float) -> np.ndarray:
    """(n, k) weight of each offer's own contrast, from the propensity (n, k) and the citizens like
    each one (n,) or a number for all.

    >>> evidence_weights(np.array([[0.9, 0.1]]), 200).round(3).tolist()
    [[0.9, 0.5]]
    """
    like = np.asarray(like, dtype=float)
    evidence = np.asarray(propensity, dtype=float) * (like[:, None] if like.ndim else like)
    return evidence / (evidence + PRIOR_CITIZENS)


def _centre(values: np.ndarray, propensity: np.ndarray) -> np.ndarray:
    """The propensity-weighted mean over offers (axis 1 of ``values``, shape (n, k, ...))."""
    p = propensity / np.maximum(propensity.sum(axis=1, keepdims=True), 1e-12)
    p = p.reshape(p.shape + (1,) * (values.ndim - 2))
    return (values * p).sum(axis=1, keepdims=True)


def shrink_values(values: np.ndarray, propensity: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """``values`` (n, k) or (n, k, outcomes) with each offer's contrast to the centre shrunk by ``weight``."""
    w = weight.reshape(weight.shape + (1,) * (values.ndim - 2))
    centre = _centre(values, propensity)
    return centre + w * (values - centre)


def shrink_draws(draws: np.ndarray, propensity: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """(B, n, k) draws of the expected value, each shrunk as :func:`shrink_values` (same weights)."""
    return np.stack([shrink_values(d, propensity, weight) for d in draws])


def _moved(
    point: np.ndarray, shrunk: np.ndarray, low: np.ndarray, high: np.ndarray, top: float
) -> tuple[np.ndarray, np.ndarray]:
    shift = shrunk - point
    lo = np.clip(np.minimum(low + shift, point), 0.0, top)
    hi = np.clip(np.maximum(high + shift, point), 0.0, top)
    return np.minimum(lo, shrunk), np.maximum(hi, shrunk)


def shrink_estimates(est: OfferEstimates, like: np.ndarray | float, weights: np.ndarray) -> OfferEstimates:
    """``est`` with probabilities, expected values and their intervals shrunk by the evidence
    (``like``: citizens like each one, see :func:`evidence_weights`). ``weights``: the outcome weights
    in ``OUTCOME.codes`` order. Intervals that were not computed (NaN) stay NaN."""
    w = evidence_weights(est.propensity, like)
    proba = shrink_values(est.proba, est.propensity, w)
    score = proba @ weights
    p_lo, p_hi = _moved(est.proba, proba, est.proba_low, est.proba_high, 1.0)
    s_lo, s_hi = _moved(est.score, score, est.score_low, est.score_high, float(weights.max()))
    nan_p, nan_s = np.isnan(est.proba_low), np.isnan(est.score_low)
    return dataclasses.replace(
        est,
        proba=proba,
        score=score,
        proba_low=np.where(nan_p, np.nan, p_lo),
        proba_high=np.where(nan_p, np.nan, p_hi),
        score_low=np.where(nan_s, np.nan, s_lo),
        score_high=np.where(nan_s, np.nan, s_hi),
    )
