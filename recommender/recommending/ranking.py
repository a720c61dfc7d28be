"""Ranking of the four offers (spec §7, issue 24): one rule an adviser can say in one sentence.

**The advised offers come first, by expected value; where two values differ by less than the tie margin,
the typology's preferred order decides; the offers the rules advise against come last.** Little
evidence for an offer shows in its estimate, its interval and its flag
(:mod:`~recommender.recommending.evidence`), not in its place: down the list of advised offers the
value never rises by more than ``tie_margin``.

The tie rule is not transitive on its own (a ≈ b and b ≈ c do not give a ≈ c), so it is made exact by
a greedy choice: at each step take, among the offers left whose score is within ``tie_margin`` of the
best score left, the one first in the preferred order. For every pair of neighbours (i, i+1) among the
advised offers: ``score[i] >= score[i+1]``, or ``score[i+1] - score[i] < tie_margin`` and ``i`` comes
first in the preferred order.

:func:`rank_reasons` names, for every offer, the rule that put it where it is (:data:`REASON_CODES`);
``recommend()`` and batch scoring both use it, so the screen and the ``score`` CSV agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["REASON_CODES", "rank_matrix", "rank_offers", "rank_reasons"]

#: Why an offer has its rank (see :func:`rank_reasons`).
REASON_CODES: dict[str, str] = {
    "highest_score": "first, and no advised offer has a higher expected value",
    "tie_preferred_order": "a neighbour within tie_margin has a higher value; the preferred order put "
    "this offer first (on the offer placed first)",
    "lower_score": "the offer before it has an equal or higher value",
    "tie_after": "its value is higher than that of the offer before it, by less than tie_margin; the "
    "preferred order put that offer first",
    "blocked": "a readiness guard blocks it (not advised)",
}


def rank_offers(
    scores: Mapping[str, float],
    blocked: Mapping[str, bool],
    preferred: Sequence[str],
    tie_margin: float,
) -> list[str]:
    """The offers in ranked order.

    >>> rank_offers({"a": 0.50, "b": 0.51, "c": 0.9, "d": 0.2}, {"c": True}, ["a", "b", "c", "d"], 0.02)
    ['a', 'b', 'd', 'c']
    >>> rank_offers({"a": 0.50, "b": 0.60}, {}, ["a", "b"], 0.02)
    ['b', 'a']
    """
    offers = list(scores)
    order = {offer: i for i, offer in enumerate(preferred)}
    ranked: list[str] = []
    for tier in (False, True):
        left = [o for o in offers if bool(blocked.get(o)) == tier]
        while left:
            best = max(scores[o] for o in left)
            close = [o for o in left if scores[o] == best or best - scores[o] < tie_margin]
            pick = min(close, key=lambda o: order[o])
            ranked.append(pick)
            left.remove(pick)
    return ranked


def rank_matrix(
    scores: np.ndarray, blocked: np.ndarray, preferred: np.ndarray, tie_margin: float
) -> np.ndarray:
    """Vectorised :func:`rank_offers` for many citizens at once.

    ``scores`` and ``blocked`` are (n, k); ``preferred`` is (n, k) with each offer's position in that
    citizen's preferred order (0 = first). Returns (n, k) ranks, 1 = first. Same greedy rule as above,
    as k passes of array operations (k = 4 offers), no Python loop over citizens.

    >>> rank_matrix(np.array([[0.50, 0.51, 0.9, 0.2]]), np.array([[0, 0, 1, 0]], bool),
    ...             np.array([[0, 1, 2, 3]]), 0.02).tolist()
    [[1, 2, 4, 3]]
    """
    n, k = scores.shape
    tier = np.asarray(blocked, dtype=np.int64)
    ranks = np.zeros((n, k), dtype=np.int64)
    left = np.ones((n, k), dtype=bool)
    rows = np.arange(n)
    for step in range(1, k + 1):
        first_tier = np.where(left, tier, 2).min(axis=1, keepdims=True)  # advised before blocked
        competing = left & (tier == first_tier)
        best = np.where(competing, scores, -np.inf).max(axis=1, keepdims=True)
        close = competing & ((scores == best) | (best - scores < tie_margin))
        pick = np.where(close, preferred, k + 1).argmin(axis=1)
        ranks[rows, pick] = step
        left[rows, pick] = False
    return ranks


def rank_reasons(scores: np.ndarray, blocked: np.ndarray, ranks: np.ndarray) -> np.ndarray:
    """For every citizen and offer (n, k), the code (:data:`REASON_CODES`) of the rule that placed it.

    For the first offer: ``highest_score`` when no advised offer has a higher value, else
    ``tie_preferred_order``. For a later advised offer, compared with the offer just before it:
    ``lower_score`` when that one has an equal or higher value, else ``tie_after``. Blocked offers:
    ``blocked``.

    >>> s = np.array([[0.60, 0.61, 0.50, 0.10]])
    >>> b = np.array([[0, 0, 0, 1]], bool)
    >>> r = rank_matrix(s, b, np.array([[0, 1, 2, 3]]), 0.02)
    >>> r.tolist(), rank_reasons(s, b, r).tolist()
    ([[1, 2, 3, 4]], [['tie_preferred_order', 'tie_after', 'lower_score', 'blocked']])
    """
    n, k = scores.shape
    blocked = np.asarray(blocked, dtype=bool)
    advised = ~blocked
    order = np.argsort(ranks, axis=1)  # offer index at each position
    rows = np.arange(n)[:, None]
    s_sorted, b_sorted = scores[rows, order], blocked[rows, order]
    out = np.empty((n, k), dtype=object)
    best_advised = np.where(advised, scores, -np.inf).max(axis=1)
    first = np.where(
        b_sorted[:, 0],
        "blocked",
        np.where(s_sorted[:, 0] >= best_advised, "highest_score", "tie_preferred_order"),
    )
    out[rows[:, 0], order[:, 0]] = first
    for pos in range(1, k):
        j = order[:, pos]
        prev_s, this_s = s_sorted[:, pos - 1], s_sorted[:, pos]
        code = np.where(b_sorted[:, pos], "blocked", np.where(prev_s >= this_s, "lower_score", "tie_after"))
        out[rows[:, 0], j] = code
    return out
