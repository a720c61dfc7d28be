"""Evaluating many boosted trees at once: every forest's trees laid out as complete binary heaps.

:class:`~recommender.modelling.trees.TreeTables` stores trees as linked nodes (as scikit-learn
does). For evaluation they are compiled once into :class:`HeapForests`:

* every input column is read as a small whole number, its **bin**: a categorical column's code (the
  field's missing code one past the last), a number's position among the split thresholds used on
  that column by any tree (``searchsorted``, so ``x <= threshold`` is ``bin <= threshold's bin``;
  NaN its own last bin);
* every split node becomes one row of a lookup table over bins, 1 where the row goes right, so a
  categorical split with its bitset, a numeric threshold and the missing-value side are the same
  single look-up;
* every tree is padded to a complete heap of the forests' largest depth ``D`` (a leaf above the
  bottom fills its whole subtree, both its children being itself), so a walk is ``D`` steps of
  ``pos = 2·pos + right`` for all rows and all trees of all forests at once: one gather of the
  node's column, one of the row's bin, one of the table per level, then one of the leaf values.

The results are scikit-learn's to rounding (the tests check 1e-9 against ``predict_proba``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from recommender.modelling.trees import TreeTables

__all__ = ["MAX_DEPTH", "HeapForests"]

MAX_DEPTH = 12  # deeper trees would make the padded heaps too large (the models here use depth 3)
_BLOCK = 1 << 18  # (row, tree) pairs per step: bounds the work arrays to a few MB


class HeapForests:
    """Compiled trees (see the module): ``feature`` and ``lut`` per heap node, ``value`` per heap
    leaf, ``baseline`` per forest, ``thresholds`` per numeric column."""

    def __init__(self, trees: TreeTables) -> None:
        n_forests, n_slots = trees.roots.shape
        self.n_slots, self.n_classes = n_slots, trees.baseline.shape[1]
        self.baseline = trees.baseline
        inner = trees.leaf == 0
        cats = {f: sum(g == f for g in trees.cat_fields) for f in dict.fromkeys(trees.cat_fields)}
        self.is_cat = np.array([name in cats for name in trees.inputs])
        self.n_codes = np.array([cats.get(name, 0) for name in trees.inputs], dtype=np.intp)
        self.thresholds: list[np.ndarray] = []
        for j in range(len(trees.inputs)):
            numeric = inner & (trees.feature == j) & (trees.cat_row < 0)
            if self.is_cat[j] and numeric.any():
                raise ValueError(f"tree table: a numeric split on the categorical column {j}")
            self.thresholds.append(np.unique(trees.threshold[numeric]))
        widths = [n + 1 if c else len(t) + 2 for c, n, t in zip(self.is_cat, self.n_codes, self.thresholds)]
        self.width = max(widths + [1])
        # the heaps, level by level: level d holds 2**d node ids per tree (a leaf repeats itself)
        level = trees.roots.reshape(-1, 1)
        levels: list[np.ndarray] = []
        while not np.all(trees.leaf[level] != 0):
            if len(levels) == MAX_DEPTH:
                raise ValueError(f"tree table: trees deeper than {MAX_DEPTH} levels")
            levels.append(level)
            nxt = np.empty((len(level), 2 * level.shape[1]), dtype=np.int64)
            nxt[:, 0::2], nxt[:, 1::2] = trees.left[level], trees.right[level]
            level = nxt
        self.depth = len(levels)
        nodes = np.concatenate(levels, axis=1) if levels else np.zeros((len(level), 0), np.int64)
        self.n_inner, self.n_leaves = nodes.shape[1], level.shape[1]
        self.value = trees.value[level].ravel()
        node = nodes.ravel()
        split = trees.leaf[node] == 0
        self.feature = np.where(split, trees.feature[node], 0).astype(np.intp)
        lut = np.zeros((len(node), self.width), dtype=np.int8)
        bins = np.arange(self.width)
        cat = split & (trees.cat_row[node] >= 0)
        if cat.any():
            used = min(trees.cat_left.shape[1], self.width)
            lut[cat, :used] = 1 - trees.cat_left[trees.cat_row[node[cat]], :used]
        for col in np.flatnonzero(~self.is_cat):
            on = split & (self.feature == col)
            if on.any():
                k = np.searchsorted(self.thresholds[col], trees.threshold[node[on]])
                lut[on] = bins[None, :] > k[:, None]
        missing = self.n_codes[self.feature] + np.where(
            self.is_cat[self.feature], 0, np.array([len(t) + 1 for t in self.thresholds])[self.feature]
        )
        lut[np.flatnonzero(split), missing[split]] = 1 - trees.missing_left[node[split]]
        self.lut = lut.ravel()
        # which columns each tree splits on (a tree that never reads a column gives every value of it
        # the same leaf)
        self.reads = np.zeros((n_forests * n_slots, len(trees.inputs)), dtype=bool)
        self.reads[np.repeat(np.arange(n_forests * n_slots), self.n_inner)[split], self.feature[split]] = True
        # a slot a forest does not use (a smaller forest beside a larger one) is the zero leaf: skipped
        self.used = trees.roots.ravel() != 0
        self._layouts: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}

    def bins(self, X: np.ndarray) -> np.ndarray:
        """(m, inputs) whole-number bins of the input rows ``X`` (m, inputs)."""
        out = np.empty(X.shape, dtype=np.intp)
        cat, n = X[:, self.is_cat], self.n_codes[self.is_cat]
        code = np.where(np.isnan(cat), -1.0, cat)
        ok = (code >= 0) & (code < n) & (code == np.floor(code))
        out[:, self.is_cat] = np.where(ok, code, n).astype(np.intp)
        for j in np.flatnonzero(~self.is_cat):
            col, t = X[:, j], self.thresholds[j]
            nan = np.isnan(col)
            out[:, j] = np.where(nan, len(t) + 1, np.searchsorted(t, np.where(nan, 0.0, col)))
        return out

    def raw(self, bins: np.ndarray, forests: np.ndarray) -> np.ndarray:
        """(len(forests), m, K') raw scores of the binned rows ``bins`` (m, inputs) under each forest:
        the forest's baseline plus its trees' leaf values, summed per class."""
        forests = np.asarray(forests, dtype=np.intp)
        slots, seg = self._slots(forests)
        sums = self._sums(bins, slots, seg, len(forests) * self.n_classes)
        return (
            sums.reshape(len(bins), len(forests), self.n_classes).transpose(1, 0, 2)
            + self.baseline[forests][:, None, :]
        )

    def raw_by(self, bins: np.ndarray, column: int, codes: np.ndarray, forests: np.ndarray) -> np.ndarray:
        """(len(forests), m, len(codes), K') raw scores of the rows ``bins`` with ``column`` set to
        each of ``codes`` in turn (e.g. each offer). A tree that never splits on ``column`` is
        walked once per row, not once per code."""
        forests = np.asarray(forests, dtype=np.intp)
        slots, seg = self._slots(forests)
        n_seg, (m, n_cols), n_codes = len(forests) * self.n_classes, bins.shape, len(codes)
        varying = self.reads[slots, column]
        fixed = self._sums(bins, slots[~varying], seg[~varying], n_seg)
        each = np.repeat(bins[:, None, :], n_codes, axis=1)
        each[:, :, column] = codes
        per_code = self._sums(each.reshape(m * n_codes, n_cols), slots[varying], seg[varying], n_seg)
        total = per_code.reshape(m, n_codes, n_seg) + fixed[:, None, :]
        return (
            total.reshape(m, n_codes, len(forests), self.n_classes).transpose(2, 0, 1, 3)
            + self.baseline[forests][:, None, None, :]
        )

    def _slots(self, forests: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The forests' tree slots, each forest's class by class (slot = iteration·K' + class), and
        each slot's (forest position, class) segment: ascending, so a segment is contiguous. Unused
        slots (the zero leaf) are left out: they add nothing."""
        key = forests.tobytes()
        if key not in self._layouts:  # a handful of distinct forest lists per model: kept
            order = np.arange(self.n_slots).reshape(-1, self.n_classes).T.ravel()
            slots = (forests[:, None] * self.n_slots + order[None, :]).ravel()
            seg = (
                np.arange(len(forests))[:, None] * self.n_classes + order[None, :] % self.n_classes
            ).ravel()
            keep = self.used[slots]
            self._layouts[key] = (slots[keep], seg[keep])
        return self._layouts[key]

    def _sums(self, bins: np.ndarray, slots: np.ndarray, seg: np.ndarray, n_seg: int) -> np.ndarray:
        """(m, n_seg) the leaf values of the trees ``slots`` for the rows ``bins``, summed per segment
        ``seg`` (ascending)."""
        m, n_cols = bins.shape
        out = np.zeros((m, n_seg))
        if not len(slots) or not m:
            return out
        starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
        node_base, leaf_base = slots * self.n_inner, slots * self.n_leaves
        flat = np.ascontiguousarray(bins).ravel()
        step = max(1, _BLOCK // len(slots))
        for start in range(0, m, step):
            r = min(step, m - start)
            row_off = ((start + np.arange(r)) * n_cols)[:, None]
            pos = np.zeros((r, len(slots)), dtype=np.intp)
            for d in range(self.depth):
                node = pos + (node_base + (2**d - 1))
                b = flat.take(self.feature.take(node) + row_off)
                node *= self.width
                node += b
                pos <<= 1
                pos += self.lut.take(node)
            pos += leaf_base
            out[start : start + r, seg[starts]] = np.add.reduceat(self.value.take(pos), starts, axis=1)
        return out
