"""The exact fast path for gradient-boosted trees: fitted HistGradientBoostingClassifiers as arrays.

A blend's boosted half (``HistGradientBoostingClassifier`` on ordinal-coded categories, the offer and
raw numbers) is exported tree by tree into plain arrays: per node its input column, threshold,
missing-value direction, children, leaf flag and value. A categorical split keeps, for each of the
field's codes in the pipeline's own ordinal coding, whether it goes left — with the classifier's
internal re-coding (categories unseen in its training rows are missing) and its bitsets folded in,
exactly as scikit-learn decides (``_predictor.pyx``: NaN → ``missing_go_to_left``; a number
``x <= threshold`` → left; a category in the left bitset → left, a known one → right, an unknown one
→ the missing side). Several fitted forests (the point model and the bootstrap refits) share the
arrays; ``roots`` (forest, tree slot) says where each tree starts. Evaluation compiles them once
into complete heaps with one look-up table per split (:mod:`recommender.modelling.tree_eval`) and
walks all rows and trees of all forests at once, one level per step. Results agree with
``predict_proba`` to 1e-9 (tested).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from recommender.modelling.linear import softmax
from recommender.modelling.tree_eval import HeapForests

__all__ = ["CONTRAST_FLOOR", "TREE_ARRAYS", "TreeTables", "offer_contrast"]

#: The arrays the trees are stored as (see :meth:`TreeTables.to_arrays`).
TREE_ARRAYS = (
    "tree_feature",
    "tree_threshold",
    "tree_missing_left",
    "tree_left",
    "tree_right",
    "tree_leaf",
    "tree_value",
    "tree_cat_row",
    "tree_cat_left",
    "tree_roots",
    "tree_baseline",
    "tree_class_perm",
    "tree_inputs",
    "tree_cat_fields",
    "tree_cat_values",
)
_CODES = 256  # scikit-learn's bitsets hold 256 category codes (its limit on categories)
CONTRAST_FLOOR = 1e-6  # the least probability of an outcome in offer_contrast()


def offer_contrast(
    level_mean: np.ndarray, own: np.ndarray, contrast_mean: np.ndarray, known: np.ndarray | None = None
) -> np.ndarray:
    """The tree member of :class:`~recommender.modelling.offer_contrast.OfferContrastTrees`:
    ``level_mean + own - contrast_mean`` (the level forest's mean over the offers, the contrast
    forest under the row's offer, its mean over the offers; outcomes on the last axis), floored at
    ``CONTRAST_FLOOR`` and renormalised over the outcomes (over those ``known`` is true for: an
    outcome a forest never saw stays 0).

    >>> offer_contrast(np.array([0.5, 0.5]), np.array([0.9, 0.1]), np.array([0.3, 0.7])).round(6).tolist()
    [0.999999, 1e-06]
    """
    out = level_mean + own - contrast_mean
    np.maximum(out, CONTRAST_FLOOR, out=out)
    if known is not None:
        out *= known
    out /= out.sum(axis=-1, keepdims=True)
    return out


@dataclass(frozen=True)
class TreeTables:
    """Nodes of several forests (flat, ``left``/``right`` global indices, a leaf points to itself),
    ``roots`` (F, T) each forest's tree slots (a slot a forest does not use points to the zero leaf,
    node 0), ``baseline`` (F, K') each forest's raw baseline, ``class_perm`` (F, K) each forest's
    column of outcome ``k`` (-1: never seen), ``inputs`` the input columns' field names, and the
    ordinal codes of the categorical fields (``cat_fields``/``cat_values``, code = position within
    the field)."""

    feature: np.ndarray
    threshold: np.ndarray
    missing_left: np.ndarray
    left: np.ndarray
    right: np.ndarray
    leaf: np.ndarray
    value: np.ndarray
    cat_row: np.ndarray
    cat_left: np.ndarray
    roots: np.ndarray
    baseline: np.ndarray
    class_perm: np.ndarray
    inputs: tuple[str, ...]
    cat_fields: tuple[str, ...]
    cat_values: tuple[str, ...]

    @classmethod
    def build(
        cls,
        forests: Sequence[Any],
        *,
        inputs: Sequence[str],
        categories: Mapping[str, Sequence[str]],
        class_perms: Sequence[np.ndarray],
    ) -> TreeTables:
        """From fitted HistGradientBoostingClassifiers whose input columns are ``inputs`` (field
        names; a field in ``categories`` is coded as the position of its value in that list)."""
        nodes: list[np.ndarray] = [
            np.zeros(
                1,
                dtype=[
                    ("feature", "i8"),
                    ("threshold", "f8"),
                    ("missing_left", "i8"),
                    ("left", "i8"),
                    ("right", "i8"),
                    ("leaf", "i8"),
                    ("value", "f8"),
                    ("cat_row", "i8"),
                ],
            )
        ]
        nodes[0]["leaf"], nodes[0]["cat_row"] = 1, -1
        cat_tables: list[np.ndarray] = []
        size, roots, baselines = 1, [], []
        width = max([len(categories[f]) for f in inputs if f in categories] or [1])
        for hgb in forests:
            known, f_idx_map = hgb._bin_mapper.make_known_categories_bitsets()
            internal = _internal_codes(hgb, inputs, categories)
            slots = []
            for iteration in hgb._predictors:
                for predictor in iteration:
                    raw = predictor.nodes
                    part = np.zeros(len(raw), dtype=nodes[0].dtype)
                    part["feature"] = raw["feature_idx"]
                    part["threshold"] = raw["num_threshold"]
                    part["missing_left"] = raw["missing_go_to_left"]
                    part["leaf"] = raw["is_leaf"]
                    part["value"] = raw["value"]
                    own = size + np.arange(len(raw))
                    part["left"] = np.where(raw["is_leaf"], own, size + raw["left"].astype(int))
                    part["right"] = np.where(raw["is_leaf"], own, size + raw["right"].astype(int))
                    part["cat_row"] = -1
                    for i in np.flatnonzero(raw["is_categorical"] & ~raw["is_leaf"].astype(bool)):
                        part["cat_row"][i] = len(cat_tables)
                        cat_tables.append(
                            _categorical_split(
                                raw[i],
                                predictor.raw_left_cat_bitsets,
                                known,
                                f_idx_map,
                                internal[int(raw[i]["feature_idx"])],
                                width,
                            )
                        )
                    nodes.append(part)
                    slots.append(size)
                    size += len(raw)
            roots.append(slots)
            baselines.append(np.asarray(hgb._baseline_prediction, dtype=float).ravel())
        slots_max = max(len(s) for s in roots)
        flat = np.concatenate(nodes)
        cats = [(f, str(v)) for f in inputs if f in categories for v in categories[f]]
        return cls(
            flat["feature"],
            flat["threshold"],
            flat["missing_left"].astype(np.int8),
            flat["left"],
            flat["right"],
            flat["leaf"].astype(np.int8),
            flat["value"],
            flat["cat_row"],
            np.array(cat_tables, dtype=np.int8).reshape(-1, width),
            np.array([s + [0] * (slots_max - len(s)) for s in roots], dtype=np.int64),
            np.array(baselines, dtype=float),
            np.array(class_perms, dtype=np.int64),
            tuple(inputs),
            tuple(f for f, _ in cats),
            tuple(v for _, v in cats),
        )

    # ------------------------------------------------------------------ file
    def to_arrays(self) -> dict[str, np.ndarray]:
        """The trees as plain number and text arrays for a model file."""
        return {
            "tree_feature": self.feature,
            "tree_threshold": self.threshold,
            "tree_missing_left": self.missing_left,
            "tree_left": self.left,
            "tree_right": self.right,
            "tree_leaf": self.leaf,
            "tree_value": self.value,
            "tree_cat_row": self.cat_row,
            "tree_cat_left": self.cat_left,
            "tree_roots": self.roots,
            "tree_baseline": self.baseline,
            "tree_class_perm": self.class_perm,
            "tree_inputs": np.array(self.inputs, dtype=str),
            "tree_cat_fields": np.array(self.cat_fields, dtype=str),
            "tree_cat_values": np.array(self.cat_values, dtype=str),
        }

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], *, n_outcomes: int) -> TreeTables:
        """Inverse of :meth:`to_arrays`; refuses arrays of the wrong kind, shape or references (a
        child before its parent, a column or table that does not exist), so evaluation always ends."""
        got = {k: np.asarray(arrays[k]) for k in TREE_ARRAYS}
        kinds = {
            "tree_threshold": "f",
            "tree_value": "f",
            "tree_baseline": "f",
            "tree_inputs": "U",
            "tree_cat_fields": "U",
            "tree_cat_values": "U",
        }
        for key, a in got.items():
            if a.dtype.kind != kinds.get(key, "i"):
                raise ValueError(f"tree table {key!r} has type {a.dtype}")
        n = len(got["tree_feature"])
        inputs = tuple(got["tree_inputs"].tolist())
        for key in (
            "tree_threshold",
            "tree_missing_left",
            "tree_left",
            "tree_right",
            "tree_leaf",
            "tree_value",
            "tree_cat_row",
        ):
            if got[key].shape != (n,):
                raise ValueError(f"tree table {key!r} has shape {got[key].shape}, expected ({n},)")
        if n < 1 or got["tree_leaf"][0] != 1 or got["tree_value"][0] != 0:
            # node 0 is the zero leaf every unused slot points to (the evaluation skips those slots)
            raise ValueError("tree table 'tree_leaf'/'tree_value': node 0 is not the zero leaf")
        own, inner = np.arange(n), got["tree_leaf"] == 0
        for key in ("tree_left", "tree_right"):
            if np.any(np.where(inner, got[key] <= own, got[key] != own)) or np.any(got[key] >= n):
                raise ValueError(f"tree table {key!r} points outside its tree")
        cat_left, cat_row = got["tree_cat_left"], got["tree_cat_row"]
        counts = np.unique(got["tree_cat_fields"], return_counts=True)[1]
        if (
            cat_left.ndim != 2
            or not 0 < cat_left.shape[1] <= _CODES
            or cat_left.shape[1] < max(counts.tolist() or [0])
            or np.any(cat_row >= len(cat_left))
        ):
            raise ValueError("tree table 'tree_cat_left' does not match the categorical splits")
        if np.any(inner & ((got["tree_feature"] < 0) | (got["tree_feature"] >= len(inputs)))):
            raise ValueError("tree table 'tree_feature' names a column that does not exist")
        roots, base, perm = got["tree_roots"], got["tree_baseline"], got["tree_class_perm"]
        if (
            roots.ndim != 2
            or np.any(roots < 0)
            or np.any(roots >= n)
            or base.ndim != 2
            or len(base) != len(roots)
            or perm.shape != (len(roots), n_outcomes)
            or np.any(perm >= max(base.shape[1], 2))
            or roots.shape[1] % base.shape[1]
        ):
            raise ValueError("tree tables 'tree_roots'/'tree_baseline'/'tree_class_perm' disagree")
        if got["tree_cat_fields"].shape != got["tree_cat_values"].shape:
            raise ValueError("tree tables 'tree_cat_fields'/'tree_cat_values' disagree")
        return cls(
            got["tree_feature"],
            got["tree_threshold"],
            got["tree_missing_left"],
            got["tree_left"],
            got["tree_right"],
            got["tree_leaf"],
            got["tree_value"],
            cat_row,
            cat_left,
            roots,
            base,
            perm,
            inputs,
            tuple(got["tree_cat_fields"].tolist()),
            tuple(got["tree_cat_values"].tolist()),
        )

    @property
    def n_forests(self) -> int:
        return int(self.roots.shape[0])

    # ------------------------------------------------------------------ evaluation
    @cached_property
    def heaps(self) -> HeapForests:
        """The trees compiled for evaluation (:mod:`recommender.modelling.tree_eval`), built once."""
        return HeapForests(self)

    def raw(self, X: np.ndarray, forests: np.ndarray) -> np.ndarray:
        """(len(forests), m, K') raw scores of the rows ``X`` (m, inputs) under each forest."""
        return self.heaps.raw(self.heaps.bins(X), forests)

    def proba(self, X: np.ndarray, forests: np.ndarray) -> np.ndarray:
        """(len(forests), m, K) probabilities in outcome order (zeros where a forest never saw an
        outcome), as ``predict_proba`` gives them."""
        return self.proba_binned(self.heaps.bins(X), forests)

    def proba_binned(self, bins: np.ndarray, forests: np.ndarray) -> np.ndarray:
        """:meth:`proba` of rows already binned (``heaps.bins``)."""
        forests = np.asarray(forests, dtype=np.intp)
        return self._proba(self.heaps.raw(bins, forests), forests)

    def proba_by(self, X: np.ndarray, column: int, codes: Sequence[float], forests: np.ndarray) -> np.ndarray:
        """(len(forests), m, len(codes), K) :meth:`proba` of the rows ``X`` with ``column`` set to
        each of ``codes`` in turn (each offer: a tree that does not split on it is walked once)."""
        forests = np.asarray(forests, dtype=np.intp)
        heaps = self.heaps
        code_bins = heaps.bins(np.tile(np.asarray(codes, dtype=float)[:, None], (1, X.shape[1])))
        raw = heaps.raw_by(heaps.bins(X), column, code_bins[:, column], forests)
        return self._proba(raw.reshape(len(forests), -1, raw.shape[-1]), forests).reshape(*raw.shape[:3], -1)

    def _proba(self, raw: np.ndarray, forests: np.ndarray) -> np.ndarray:
        """(forests, m, K) probabilities in outcome order from raw scores (forests, m, K')."""
        if raw.shape[-1] == 1:  # two classes: one tree per iteration, the logit of the second
            p1 = 1.0 / (1.0 + np.exp(-raw[..., 0]))
            own = np.stack([1.0 - p1, p1], axis=-1)
        else:
            own = softmax(raw)
        perm = self.class_perm[forests]  # (forests, K): each outcome's column, -1 never seen
        out = np.take_along_axis(own, np.maximum(perm, 0)[:, None, :], axis=-1)
        if np.any(perm < 0):
            out *= (perm >= 0)[:, None, :]
        return out


def _internal_codes(
    hgb: Any, inputs: Sequence[str], categories: Mapping[str, Sequence[str]]
) -> dict[int, np.ndarray]:
    """For each categorical input column: the classifier's internal code of each of our codes
    (NaN for a code it never saw, which it treats as missing)."""
    out: dict[int, np.ndarray] = {}
    encoder = hgb._preprocessor.named_transformers_["encoder"]
    columns = np.flatnonzero(hgb.is_categorical_)
    for j, seen in zip(columns, encoder.categories_):
        ours = np.arange(len(categories[inputs[int(j)]])).astype(float)
        pos = np.searchsorted(seen, ours)
        hit = (pos < len(seen)) & (seen[np.minimum(pos, len(seen) - 1)] == ours)
        out[int(j)] = np.where(hit, pos, np.nan)
    return out


def _categorical_split(
    node: Any,
    left_bitsets: np.ndarray,
    known: np.ndarray,
    f_idx_map: np.ndarray,
    internal: np.ndarray,
    width: int,
) -> np.ndarray:
    """Whether each of our codes (0..width-1) goes left at a categorical split."""
    out = np.full(width, int(node["missing_go_to_left"]), dtype=np.int8)

    def has(bitset: np.ndarray, c: int) -> bool:
        return bool((int(bitset[c // 32]) >> (c % 32)) & 1)

    for ours, c in enumerate(internal):
        if np.isnan(c):
            continue  # unseen in training: the missing side
        c = int(c)
        if has(left_bitsets[node["bitset_idx"]], c):
            out[ours] = 1
        elif has(known[f_idx_map[node["feature_idx"]]], c):
            out[ours] = 0
    return out
