"""How sure the first choice is: ``p_best`` per offer from the model's bootstrap draws, and a verdict.

``p_best`` of an advised offer is the share of the model's bootstrap draws in which the **ordering rule**
(:mod:`~recommender.recommending.ranking`: value, the tie margin and the preferred order) would put that
offer first, on the same evidence-shrunk values that are ranked (:mod:`~recommender.recommending.evidence`).
So ``p_best`` and the order agree: the offer ranked first is the offer most often first in the draws,
unless the draws and the point estimate really disagree. Without a rule (``preferred=None``) a draw's
first is simply its highest value (a draw in which several offers share it counts as a fraction for
each). The advised offers' ``p_best`` sum to 1; a blocked offer's is 0 (and every offer's is 0 when all
are blocked). The **verdict** follows the first-ranked offer's ``p_best``:

* ``distinguishable`` (a clear first choice) when it is at least :data:`CLEAR_P_BEST` (0.6) and the
  data are not thin (:mod:`~recommender.recommending.sparse`);
* otherwise "ingen klar forskel" (no clear difference) between the first offer and every other advised
  offer whose ``p_best`` is at least :data:`NAMED_P_BEST` (0.1), named in ranked order; when the data
  are thin and no other offer reaches that share, between all the advised offers.

The offers the verdict is about (:func:`verdict_offers`): rank 1 and every other advised offer whose
``p_best`` is at least :data:`NAMED_P_BEST`, the offers an unclear verdict names. Their answer × offer
combinations are checked for thin data (:mod:`~recommender.recommending.sparse`); the set does not
depend on whether the data are thin, so there is no circle.

One function computes both for ``recommend()`` and for batch scoring, so they agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from recommender.recommending.ranking import rank_matrix

__all__ = [
    "CLEAR_P_BEST",
    "NAMED_P_BEST",
    "Verdict",
    "distinguishable",
    "p_best",
    "verdict_offers",
    "verdicts",
]

CLEAR_P_BEST = 0.6
NAMED_P_BEST = 0.1


def p_best(
    draw_scores: np.ndarray, advised: np.ndarray, preferred: np.ndarray | None = None, tie_margin: float = 0.0
) -> np.ndarray:
    """(n, k) share of draws in which each offer comes first among the advised.

    ``draw_scores``: (B, n, k) expected value of each offer in each bootstrap draw; ``advised``: (n, k);
    ``preferred`` (n, k) positions in the preferred order and ``tie_margin``: the ordering rule (without
    them, the highest value of each draw).

    >>> draws = np.array([[[0.5, 0.4, 0.9]], [[0.3, 0.4, 0.9]], [[0.6, 0.6, 0.1]], [[0.7, 0.2, 0.0]]])
    >>> p_best(draws, np.array([[True, True, False]])).tolist()
    [[0.625, 0.375, 0.0]]
    >>> p_best(draws, np.array([[True, True, False]]), np.array([[1, 0, 2]]), 0.15).tolist()
    [[0.25, 0.75, 0.0]]
    """
    advised = np.asarray(advised, dtype=bool)
    if preferred is not None:
        b, n, k = draw_scores.shape
        ranks = rank_matrix(
            draw_scores.reshape(b * n, k), np.tile(~advised, (b, 1)), np.tile(preferred, (b, 1)), tie_margin
        ).reshape(b, n, k)
        first = (ranks == 1) & advised[None]
        return first.mean(axis=0)
    masked = np.where(advised[None], draw_scores, -np.inf)
    best = masked.max(axis=2, keepdims=True)
    winners = (masked == best) & advised[None]
    counts = winners.sum(axis=2, keepdims=True)
    share = np.where(counts > 0, winners / np.maximum(counts, 1), 0.0)
    return share.mean(axis=0)


def distinguishable(
    pb: np.ndarray, ranks: np.ndarray, advised: np.ndarray, sparse: np.ndarray | None = None
) -> np.ndarray:
    """(n,) whether the first-ranked offer is a clear first choice (its ``p_best`` ≥ 0.6, data not thin).

    >>> distinguishable(np.array([[0.7, 0.3], [0.5, 0.5]]), np.array([[1, 2], [1, 2]]),
    ...                 np.ones((2, 2), bool)).tolist()
    [True, False]
    >>> distinguishable(np.array([[0.7, 0.3]]), np.array([[1, 2]]), np.ones((1, 2), bool),
    ...                 sparse=np.array([True])).tolist()
    [False]
    """
    first = np.argmin(ranks, axis=1)
    rows = np.arange(len(pb))
    clear = np.asarray(advised, dtype=bool).any(axis=1) & (pb[rows, first] >= CLEAR_P_BEST)
    return clear if sparse is None else clear & ~np.asarray(sparse, dtype=bool)


def verdict_offers(pb: np.ndarray, ranks: np.ndarray, advised: np.ndarray) -> np.ndarray:
    """(n, k) the offers the verdict is about: the first-ranked advised offer and every advised offer
    best in at least :data:`NAMED_P_BEST` of the draws.

    >>> verdict_offers(np.array([[0.3, 0.65, 0.05, 0.0]]), np.array([[2, 1, 3, 4]]),
    ...                np.array([[1, 1, 1, 0]], bool)).tolist()
    [[True, True, False, False]]
    """
    advised = np.asarray(advised, dtype=bool)
    return advised & ((ranks == ranks.min(axis=1, keepdims=True)) | (pb >= NAMED_P_BEST))


@dataclass(frozen=True)
class Verdict:
    """Whether the first offer is a clear first choice, and which offers cannot be told apart."""

    distinguishable: bool
    first: str | None
    p_best_first: float
    indistinct: tuple[str, ...]  # the first offer and the offers it cannot be told apart from

    def to_dict(self) -> dict[str, object]:
        return {
            "distinguishable": self.distinguishable,
            "first": self.first,
            "p_best_first": self.p_best_first,
            "indistinct": list(self.indistinct),
        }


def verdicts(
    pb: np.ndarray,
    ranks: np.ndarray,
    advised: np.ndarray,
    offers: tuple[str, ...],
    sparse: np.ndarray | None = None,
) -> list[Verdict]:
    """One :class:`Verdict` per citizen from ``p_best`` (n, k), ranks (n, k, 1 = first), advised and
    (optionally) whether the citizen's data are thin (n,).

    >>> v = verdicts(np.array([[0.5, 0.45, 0.05, 0.0]]), np.array([[1, 2, 3, 4]]),
    ...              np.array([[1, 1, 1, 0]], bool), ("a", "b", "c", "d"))[0]
    >>> v.distinguishable, v.indistinct
    (False, ('a', 'b'))
    >>> verdicts(np.array([[0.9, 0.1, 0.0]]), np.array([[1, 2, 3]]), np.array([[1, 1, 1]], bool),
    ...          ("a", "b", "c"), sparse=np.array([True]))[0].indistinct
    ('a', 'b')
    """
    clear_rows = distinguishable(pb, ranks, advised, sparse)
    out = []
    for i in range(len(pb)):
        order = np.argsort(ranks[i])
        if not advised[i].any():
            out.append(Verdict(False, None, 0.0, ()))
            continue
        first = int(order[0])
        clear = bool(clear_rows[i])
        later = [int(j) for j in order[1:] if advised[i, j]]
        named = (first,) if clear else (first, *(j for j in later if pb[i, j] >= NAMED_P_BEST))
        if not clear and len(named) == 1:
            named = (first, *later)  # thin data: nothing tells the advised offers apart
        out.append(Verdict(clear, offers[first], float(pb[i, first]), tuple(offers[j] for j in named)))
    return out
