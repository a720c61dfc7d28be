"""Ranking of the four offers (spec §7, with the evidence rule): which offer comes first, and why.

Offers are ranked in three tiers: advised offers whose estimate rests on adequate evidence (support
``ok``), then advised offers whose estimate rests on little evidence (support ``low``), then blocked
offers. This is the **evidence rule**: an estimate that rests on little evidence is shown, but never
ranked above an advised offer with adequate evidence on expected value alone. When every advised offer
is low-evidence the two advised tiers are one (value decides among them as before). Without support
flags (``low=None``) there is one advised tier, as in the original spec §7.

Within a tier: by score, highest first; where two scores differ by less than ``tie_margin`` the
typology's preferred order decides. That rule is not transitive on its own (a ≈ b and b ≈ c do not
give a ≈ c), so it is made exact by a greedy choice: at each step take, among the offers left whose
score is within ``tie_margin`` of the best score left, the one first in the preferred order. For every
pair of neighbours (i, i+1) in one tier: ``score[i] >= score[i+1]``, or ``score[i+1] - score[i] <
tie_margin`` and ``i`` comes first in the preferred order.

:func:`rank_reasons` names, for every offer, the rule that put it where it is (:data:`REASON_CODES`);
``recommend()`` and batch scoring both use it, so the screen and the ``score`` CSV agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["REASON_CODES", "rank_matrix", "rank_offers", "rank_reasons", "tiers"]

#: Why an offer has its rank (see :func:`rank_reasons`).
REASON_CODES: dict[str, str] = {
    "highest_score": "first, and no advised offer has a higher expected value",
    "tie_preferred_order": "a neighbour within tie_margin has a higher value; the preferred order put "
                           "this offer first (on the offer placed first)",
    "evidence_rule": "placed before an advised offer with a higher value whose estimate rests on little "
                     "evidence",
    "lower_score": "an offer before it in the same tier has an equal or higher value",
    "tie_after": "its value is higher than that of the offer before it, by less than tie_margin; the "
                 "preferred order put that offer first",
    "low_evidence": "rests on little evidence, so it follows every advised offer with adequate evidence",
    "blocked": "a readiness guard blocks it (not advised)",
}


def tiers(blocked: np.ndarray, low: np.ndarray | None) -> np.ndarray:
    """Tier per offer (n, k): 0 advised with adequate evidence, 1 advised low-evidence, 2 blocked.
    Where every advised offer of a citizen is low-evidence, they are all tier 0.

    >>> tiers(np.array([[False, False, True]]), np.array([[True, False, False]])).tolist()
    [[1, 0, 2]]
    >>> tiers(np.array([[False, False, True]]), np.array([[True, True, False]])).tolist()
    [[0, 0, 2]]
    """
    blocked = np.asarray(blocked, dtype=bool)
    low = np.zeros_like(blocked) if low is None else np.asarray(low, dtype=bool)
    some_ok = (~blocked & ~low).any(axis=1, keepdims=True)
    return np.where(blocked, 2, np.where(low & some_ok, 1, 0))


def rank_offers(
    scores: Mapping[str, float],
    blocked: Mapping[str, bool],
    preferred: Sequence[str],
    tie_margin: float,
    low: Mapping[str, bool] | None = None,
) -> list[str]:
    """The offers in ranked order (``low``: offer → its estimate rests on little evidence).

    >>> rank_offers({"a": 0.50, "b": 0.51, "c": 0.9, "d": 0.2}, {"c": True}, ["a", "b", "c", "d"], 0.02)
    ['a', 'b', 'd', 'c']
    >>> rank_offers({"a": 0.50, "b": 0.60}, {}, ["a", "b"], 0.02)
    ['b', 'a']
    >>> rank_offers({"a": 0.50, "b": 0.60}, {}, ["a", "b"], 0.02, low={"b": True})
    ['a', 'b']
    """
    offers = list(scores)
    tier = tiers(np.array([[bool(blocked.get(o)) for o in offers]]),
                 np.array([[bool((low or {}).get(o)) for o in offers]]))[0]
    order = {offer: i for i, offer in enumerate(preferred)}
    ranked: list[str] = []
    for t in (0, 1, 2):
        left = [o for o, ti in zip(offers, tier) if ti == t]
        while left:
            best = max(scores[o] for o in left)
            close = [o for o in left if scores[o] == best or best - scores[o] < tie_margin]
            pick = min(close, key=lambda o: order[o])
            ranked.append(pick)
            left.remove(pick)
    return ranked


def rank_matrix(
    scores: np.ndarray,
    blocked: np.ndarray,
    preferred: np.ndarray,
    tie_margin: float,
    low: np.ndarray | None = None,
) -> np.ndarray:
    """Vectorised :func:`rank_offers` for many citizens at once.

    ``scores``, ``blocked`` and ``low`` are (n, k); ``preferred`` is (n, k) with each offer's position
    in that citizen's preferred order (0 = first). Returns (n, k) ranks, 1 = first. Same greedy rule
    as above, as k passes of array operations (k = 4 offers), no Python loop over citizens.

    >>> rank_matrix(np.array([[0.50, 0.51, 0.9, 0.2]]), np.array([[0, 0, 1, 0]], bool),
    ...             np.array([[0, 1, 2, 3]]), 0.02).tolist()
    [[1, 2, 4, 3]]
    """
    n, k = scores.shape
    tier = tiers(blocked, low)
    ranks = np.zeros((n, k), dtype=np.int64)
    left = np.ones((n, k), dtype=bool)
    rows = np.arange(n)
    for step in range(1, k + 1):
        # the lowest tier left competes alone
        first_tier = np.where(left, tier, 3).min(axis=1, keepdims=True)
        competing = left & (tier == first_tier)
        best = np.where(competing, scores, -np.inf).max(axis=1, keepdims=True)
        close = competing & ((scores == best) | (best - scores < tie_margin))
        pick = np.where(close, preferred, k + 1).argmin(axis=1)
        ranks[rows, pick] = step
        left[rows, pick] = False
    return ranks


def rank_reasons(scores: np.ndarray, blocked: np.ndarray, low: np.ndarray | None,
                 ranks: np.ndarray) -> np.ndarray:
    """For every citizen and offer (n, k), the code (:data:`REASON_CODES`) of the rule that placed it.

    For the first offer: ``highest_score`` when no advised offer has a higher value, else
    ``evidence_rule`` when a higher-valued advised offer is low-evidence, else ``tie_preferred_order``.
    For a later advised offer, compared with the offer just before it: ``low_evidence`` when the evidence
    rule put it behind (it is low-evidence, the previous one not), ``lower_score`` when the previous one
    has an equal or higher value, else ``tie_after``. Blocked offers: ``blocked``.

    >>> s = np.array([[0.60, 0.61, 0.70, 0.10]])
    >>> r = rank_matrix(s, np.array([[0, 0, 0, 1]], bool), np.array([[0, 1, 2, 3]]), 0.02,
    ...                 low=np.array([[0, 0, 1, 0]], bool))
    >>> r.tolist(), rank_reasons(s, np.array([[0, 0, 0, 1]], bool), np.array([[0, 0, 1, 0]], bool),
    ...                          r).tolist()
    ([[1, 2, 3, 4]], [['evidence_rule', 'tie_after', 'low_evidence', 'blocked']])
    """
    n, k = scores.shape
    tier = tiers(blocked, low)
    advised = tier < 2
    order = np.argsort(ranks, axis=1)                      # offer index at each position
    rows = np.arange(n)[:, None]
    s_sorted, t_sorted = scores[rows, order], tier[rows, order]
    out = np.empty((n, k), dtype=object)
    best_advised = np.where(advised, scores, -np.inf).max(axis=1)
    higher_low = (advised & (scores > s_sorted[:, :1]) & (tier == 1)).any(axis=1)
    first = np.where(~advised[rows[:, 0], order[:, 0]], "blocked",
                     np.where(s_sorted[:, 0] >= best_advised, "highest_score",
                              np.where(higher_low, "evidence_rule", "tie_preferred_order")))
    out[rows[:, 0], order[:, 0]] = first
    for pos in range(1, k):
        j = order[:, pos]
        prev_s, this_s = s_sorted[:, pos - 1], s_sorted[:, pos]
        code = np.where(t_sorted[:, pos] == 2, "blocked",
                        np.where(t_sorted[:, pos] > t_sorted[:, pos - 1], "low_evidence",
                                 np.where(prev_s >= this_s, "lower_score", "tie_after")))
        out[rows[:, 0], j] = code
    return out
