"""Drawing categories for the synthetic cohort: inverse-CDF sampling (plain and stratified), ordered
categories by rank of a latent score, and matching drawn values to rows by rank within a group."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["match_by_rank", "pick", "pick_stratified", "rank_cut"]


def pick(rng: np.random.Generator, probs: ArrayLike, index: np.ndarray | None = None) -> np.ndarray:
    """One category index per row by inverse CDF.

    ``probs`` is either row-wise probabilities (n, k), or a table (g, k) with ``index`` giving each
    row's table row (a 1-D ``probs`` is one table for every row; then ``index`` gives the row count).
    """
    probs = np.asarray(probs, dtype=float)
    if index is None:
        cum = np.cumsum(probs, axis=1)
        cum /= cum[:, -1:]
        u = rng.random(len(probs))
        return np.minimum((u[:, None] > cum).sum(axis=1), probs.shape[1] - 1)
    table = np.atleast_2d(probs)
    cum = np.cumsum(table, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(index))
    out = np.empty(len(index), dtype=np.int64)
    for g in range(len(table)):
        sel = index == g
        out[sel] = np.searchsorted(cum[g], u[sel], side="right")
    return np.minimum(out, table.shape[1] - 1)


def pick_stratified(rng: np.random.Generator, table: np.ndarray, index: np.ndarray) -> np.ndarray:
    """Like :func:`pick` with a table, but each table row's uniforms are stratified (one in each
    of ``m`` equal slices of [0, 1), in random order), so the drawn categories follow the table up to
    rounding instead of up to sampling noise. Used for the 243 criteria patterns, whose published
    shares rest on few citizens and whose raked compromise leaves little room for noise.

    >>> rng = np.random.default_rng(0)
    >>> np.bincount(pick_stratified(rng, np.array([[0.25, 0.75]]), np.zeros(8, dtype=np.int64)))
    array([2, 6])
    """
    cum = np.cumsum(table, axis=1)
    cum /= cum[:, -1:]
    out = np.empty(len(index), dtype=np.int64)
    for g in range(len(table)):
        sel = np.flatnonzero(index == g)
        u = (rng.permutation(len(sel)) + rng.random(len(sel))) / max(len(sel), 1)
        out[sel] = np.searchsorted(cum[g], u, side="right")
    return np.minimum(out, table.shape[1] - 1)


def rank_cut(
    rng: np.random.Generator,
    score: np.ndarray,
    rows: np.ndarray,
    shares_by_group,
    group: np.ndarray,
    extra_share=None,
) -> np.ndarray:
    """Ordered categories by rank of ``score`` within each group, in exactly the published shares.

    ``shares_by_group[g]`` lists shares from the lowest to the highest category; ``extra_share[g]``
    (optional) is the share of a separate category (index ``k``) drawn at random (e.g. not relevant).
    Returns category indices for ``rows`` (others -1).

    >>> rng = np.random.default_rng(0)
    >>> rank_cut(rng, np.array([3.0, 1.0, 2.0, 0.0]), np.ones(4, bool), [[0.5, 0.5]],
    ...          np.zeros(4, dtype=np.int64)).tolist()
    [1, 0, 1, 0]
    """
    out = np.full(len(score), -1, dtype=np.int64)
    for g, shares in enumerate(shares_by_group):
        idx = np.flatnonzero(rows & (group == g))
        if extra_share is not None:
            extra = rng.random(len(idx)) < extra_share[g]
            out[idx[extra]] = len(shares)
            idx = idx[~extra]
        shares = np.asarray(shares, dtype=float) / np.sum(shares)
        cuts = np.round(np.cumsum(shares) * len(idx)).astype(int)
        labels = np.repeat(np.arange(len(shares)), np.diff(np.concatenate([[0], cuts])))
        order = np.argsort(score[idx] + 1e-9 * rng.random(len(idx)), kind="stable")
        out[idx[order]] = labels
    return out


def match_by_rank(
    rng: np.random.Generator,
    values: np.ndarray,
    value_rank: np.ndarray,
    row_shift: np.ndarray,
    rows: np.ndarray,
) -> np.ndarray:
    """Reassign ``values`` among ``rows`` so that rows with a higher ``row_shift`` (plus standard
    normal noise) tend to get values with a higher ``value_rank``.

    The multiset of values within ``rows`` is unchanged, so every share of the group still holds;
    only who gets which value moves. Returns a copy of ``values``.

    >>> rng = np.random.default_rng(0)
    >>> out = match_by_rank(rng, np.array([0, 1, 2, 3]), np.array([0., 1, 2, 3]),
    ...                     np.array([30., 20, 10, 0]), np.ones(4, bool))
    >>> out.tolist(), sorted(out.tolist())
    ([3, 2, 1, 0], [0, 1, 2, 3])
    """
    out = values.copy()
    idx = np.flatnonzero(rows)
    by_value = np.argsort(value_rank[idx] + 1e-6 * rng.random(len(idx)), kind="stable")
    by_row = np.argsort(row_shift[idx] + rng.standard_normal(len(idx)), kind="stable")
    out[idx[by_row]] = values[idx[by_value]]
    return out
