"""Ranking of the four offers (spec §7): advised first by score, ties broken by the preferred order.

The rule "where two scores differ by less than ``tie_margin`` the typology's preferred order decides" is
not transitive on its own (a ≈ b and b ≈ c do not give a ≈ c), so it is made exact by a greedy choice:
at each step take, among the offers left whose score is within ``tie_margin`` of the best score left, the
one first in the preferred order. This guarantees for every pair of neighbours (i, i+1) in the result:
``score[i] >= score[i+1]``, or ``score[i+1] - score[i] < tie_margin`` and ``i`` comes first in the
preferred order. Blocked offers follow all advised ones, ranked the same way among themselves.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

__all__ = ["rank_offers", "rank_matrix"]


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
    order = {offer: i for i, offer in enumerate(preferred)}
    ranked: list[str] = []
    for group in ([o for o in scores if not blocked.get(o)], [o for o in scores if blocked.get(o)]):
        left = list(group)
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
    ranks = np.zeros((n, k), dtype=np.int64)
    left = np.ones((n, k), dtype=bool)
    rows = np.arange(n)
    for step in range(1, k + 1):
        # advised offers first: while any advised offer is left, only advised offers compete
        any_advised = (left & ~blocked).any(axis=1, keepdims=True)
        competing = left & np.where(any_advised, ~blocked, blocked)
        best = np.where(competing, scores, -np.inf).max(axis=1, keepdims=True)
        close = competing & ((scores == best) | (best - scores < tie_margin))
        pick = np.where(close, preferred, k + 1).argmin(axis=1)
        ranks[rows, pick] = step
        left[rows, pick] = False
    return ranks
