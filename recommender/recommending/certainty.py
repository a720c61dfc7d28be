"""How sure the first choice is: ``p_best`` per offer from the model's bootstrap draws, and a verdict.

``p_best`` of an advised offer is the share of the model's bootstrap draws in which that offer has the
highest expected value among the advised offers (a draw in which several offers share the highest value
counts as a fraction for each). The advised offers' ``p_best`` sum to 1; a blocked offer's is 0 (and
every offer's is 0 when all are blocked). The **verdict** follows the first-ranked offer's ``p_best``:

* ``distinguishable`` (a clear first choice) when it is at least :data:`CLEAR_P_BEST` (0.6);
* otherwise "ingen klar forskel" (no clear difference) between the first offer and every other advised
  offer whose ``p_best`` is at least :data:`NAMED_P_BEST` (0.1), named in ranked order.

One function computes both for ``recommend()`` and for batch scoring, so they agree exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["CLEAR_P_BEST", "NAMED_P_BEST", "Verdict", "distinguishable", "p_best", "verdicts"]

CLEAR_P_BEST = 0.6
NAMED_P_BEST = 0.1


def p_best(draw_scores: np.ndarray, advised: np.ndarray) -> np.ndarray:
    """(n, k) share of draws in which each offer has the highest expected value among the advised.

    ``draw_scores``: (B, n, k) expected value of each offer in each bootstrap draw; ``advised``: (n, k).

    >>> draws = np.array([[[0.5, 0.4, 0.9]], [[0.3, 0.4, 0.9]], [[0.6, 0.6, 0.1]], [[0.7, 0.2, 0.0]]])
    >>> p_best(draws, np.array([[True, True, False]])).tolist()
    [[0.625, 0.375, 0.0]]
    """
    advised = np.asarray(advised, dtype=bool)
    masked = np.where(advised[None], draw_scores, -np.inf)
    best = masked.max(axis=2, keepdims=True)
    winners = (masked == best) & advised[None]
    counts = winners.sum(axis=2, keepdims=True)
    share = np.where(counts > 0, winners / np.maximum(counts, 1), 0.0)
    return share.mean(axis=0)


def distinguishable(pb: np.ndarray, ranks: np.ndarray, advised: np.ndarray) -> np.ndarray:
    """(n,) whether the first-ranked offer is a clear first choice (its ``p_best`` ≥ 0.6).

    >>> distinguishable(np.array([[0.7, 0.3], [0.5, 0.5]]), np.array([[1, 2], [1, 2]]),
    ...                 np.ones((2, 2), bool)).tolist()
    [True, False]
    """
    first = np.argmin(ranks, axis=1)
    rows = np.arange(len(pb))
    return np.asarray(advised, dtype=bool).any(axis=1) & (pb[rows, first] >= CLEAR_P_BEST)


@dataclass(frozen=True)
class Verdict:
    """Whether the first offer is a clear first choice, and which offers cannot be told apart."""

    distinguishable: bool
    first: str | None
    p_best_first: float
    indistinct: tuple[str, ...]   # the first offer and the offers it cannot be told apart from

    def to_dict(self) -> dict[str, object]:
        return {"distinguishable": self.distinguishable, "first": self.first,
                "p_best_first": self.p_best_first, "indistinct": list(self.indistinct)}


def verdicts(pb: np.ndarray, ranks: np.ndarray, advised: np.ndarray,
             offers: tuple[str, ...]) -> list[Verdict]:
    """One :class:`Verdict` per citizen from ``p_best`` (n, k), ranks (n, k, 1 = first) and advised.

    >>> v = verdicts(np.array([[0.5, 0.45, 0.05, 0.0]]), np.array([[1, 2, 3, 4]]),
    ...              np.array([[1, 1, 1, 0]], bool), ("a", "b", "c", "d"))[0]
    >>> v.distinguishable, v.indistinct
    (False, ('a', 'b'))
    """
    clear_rows = distinguishable(pb, ranks, advised)
    out = []
    for i in range(len(pb)):
        order = np.argsort(ranks[i])
        if not advised[i].any():
            out.append(Verdict(False, None, 0.0, ()))
            continue
        first = int(order[0])
        clear = bool(clear_rows[i])
        named = (first,) if clear else (first, *(int(j) for j in order[1:]
                                                  if advised[i, j] and pb[i, j] >= NAMED_P_BEST))
        out.append(Verdict(clear, offers[first], float(pb[i, first]),
                           tuple(offers[j] for j in named)))
    return out
