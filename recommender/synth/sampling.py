"""Drawing categories for the synthetic cohort: inverse-CDF sampling, plain and stratified."""

from __future__ import annotations

import numpy as np

__all__ = ["pick", "pick_stratified"]


def pick(rng: np.random.Generator, probs: np.ndarray, index: np.ndarray | None = None) -> np.ndarray:
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
