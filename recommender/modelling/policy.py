"""Decision quality of a candidate model, judged from the cohort itself: the cross-fitted
doubly-robust value of the policy "give each citizen the model's top offer".

For a candidate with out-of-fold probabilities ``p(x, a)`` for every offer ``a``, the policy is
``π(x) = argmax_a Σ_k w_k·p_k(x, a)`` (``w`` the outcome weights). Its value — the mean weighted
outcome if every citizen had received ``π(x)`` — is estimated by the augmented inverse-propensity
(doubly robust) estimator

    V = mean_i [ m(x_i, π(x_i)) + 1{a_i = π(x_i)} / e(a_i | x_i) · (w_{y_i} − m(x_i, a_i)) ]

with a cross-fitted outcome model ``m`` (the same for every candidate, so differences between
candidates come from where their policies differ) and a cross-fitted propensity ``e`` (clipped at
``MIN_PROPENSITY``). Unlike log loss, it sees only the ranking of offers — what the product uses.

>>> import numpy as np
>>> p = np.array([[[0.9, 0.1], [0.2, 0.8]]] * 2)      # 2 citizens, 2 offers, 2 outcomes
>>> values = dr_contributions({"a": p}, offer_idx=np.array([0, 1]), y_idx=np.array([0, 0]),
...                           weights=np.array([1.0, 0.0]), propensity=np.full((2, 2), 0.5),
...                           nuisance=p)
>>> values["a"].round(2).tolist()    # policy: offer 0 for both; row 0 got it (residual 0.1 / 0.5)
[1.1, 0.9]
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

__all__ = ["MIN_PROPENSITY", "dr_contributions", "offer_means", "paired_se"]

MIN_PROPENSITY = 0.05


def dr_contributions(
    proba: Mapping[str, np.ndarray],
    *,
    offer_idx: np.ndarray,
    y_idx: np.ndarray,
    weights: np.ndarray,
    propensity: np.ndarray,
    nuisance: np.ndarray,
) -> dict[str, np.ndarray]:
    """Per-row doubly-robust contributions (their mean is the policy value) for each candidate.

    ``proba``: name → (n, offers, outcomes) out-of-fold probabilities; ``offer_idx``/``y_idx``: the
    offer received and the outcome (indices); ``weights`` (outcomes,); ``propensity`` (n, offers)
    out-of-fold P(offer | citizen); ``nuisance`` (n, offers, outcomes) the outcome model ``m``.
    """
    rows = np.arange(len(offer_idx))
    m = nuisance @ weights
    e = np.clip(propensity[rows, offer_idx], MIN_PROPENSITY, 1.0)
    residual = (weights[y_idx] - m[rows, offer_idx]) / e
    out = {}
    for name, p in proba.items():
        pi = (p @ weights).argmax(axis=1)
        out[name] = m[rows, pi] + (pi == offer_idx) * residual
    return out


def paired_se(a: np.ndarray, b: np.ndarray) -> float:
    """Standard error of mean(a) − mean(b) for per-row contributions of the same rows."""
    return float(np.std(a - b, ddof=1) / np.sqrt(len(a))) if len(a) > 1 else float("inf")


def offer_means(
    offer_idx: np.ndarray, y_idx: np.ndarray, folds: list, n_offers: int, n_classes: int
) -> np.ndarray:
    """Cross-fitted outcome shares per offer, (n, offers, outcomes): the judge's outcome model
    ``m``. It is none of the candidates, so no candidate is judged by its own predictions (a
    policy that maximises the judge's model would look better than it is). An offer missing from
    a training fold gets that fold's overall shares.

    >>> folds = [(np.array([0, 1]), np.array([2, 3])), (np.array([2, 3]), np.array([0, 1]))]
    >>> offer_means(np.array([0, 1, 0, 0]), np.array([1, 0, 0, 1]), folds, 2, 2)[2].tolist()
    [[0.0, 1.0], [1.0, 0.0]]
    """
    onehot = np.eye(n_classes)[y_idx]
    out = np.zeros((len(y_idx), n_offers, n_classes))
    for train, test in folds:
        overall = onehot[train].mean(axis=0)
        out[test] = np.stack(
            [
                onehot[train][offer_idx[train] == o].mean(axis=0)
                if np.any(offer_idx[train] == o)
                else overall
                for o in range(n_offers)
            ]
        )
    return out
