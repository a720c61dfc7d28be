"""The exact fast path for a blend: linear tables, trees and the prior, mixed as ``AverageClassifier``.

A blend's probabilities are the weighted mixture ``Σ_j mix_j · linear_j + mix_t · trees +
mix_p · prior`` of its linear members (:class:`LinearTables`, each computed with temperature 1), its
boosted member (:class:`TreeTables`) and the outcome shares it was fitted on (``prior``, one row per
draw), then, like the scikit-learn path, ``softmax(beta · log(clip(mixture, 1e-15, 1)))`` over the
outcomes the blend knows. Every bootstrap draw pairs its own linear refits with a boosted refit
(``draw_forest``: the forest of each row, 0 for the point model); when the boosted member is an
offer contrast (:class:`~recommender.modelling.offer_contrast.OfferContrastTrees`, on many rows)
``draw_forest`` names the point model's level forest and ``draw_contrast`` its contrast forest
(−1 for the bootstrap draws, whose boosted refits are plain forests), and the member is
:func:`~recommender.modelling.trees.offer_contrast` of the two forests' probabilities under every
offer (walked in the same pass as the draws' forests). A citizen is encoded once: the
linear members' one-hot/standardised vector (shared: each member's weights are folded onto the
point model's standardisation) followed by the trees' inputs (ordinal codes and raw numbers, the
offer column set per offer).
No scikit-learn or pandas is needed. Results agree with the pipeline to 1e-9 (tested).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from recommender.modelling.linear import TABLE_ARRAYS, CitizenVector, LinearTables, softmax
from recommender.modelling.schema import FeatureSchema
from recommender.modelling.trees import TreeTables, offer_contrast

__all__ = ["BLEND_ARRAYS", "CONTRAST_ARRAY", "BlendTables", "BlendVector"]

#: The arrays a blend stores besides the linear tables and the trees (linear member ``j >= 1`` stores
#: its tables under the prefix ``lin{j}_``). An offer-contrast member adds ``CONTRAST_ARRAY``.
BLEND_ARRAYS = ("blend_beta", "blend_draw_forest", "blend_known", "blend_mix", "blend_prior")
CONTRAST_ARRAY = "blend_draw_contrast"


def _prefix(j: int) -> str:
    return "" if j == 0 else f"lin{j}_"


class BlendVector:
    """Encodes a record as ``[x, t]``: ``x`` the linear half's vector (:class:`CitizenVector`,
    ``width`` columns), ``t`` the trees' input columns (the offer column left at 0)."""

    def __init__(self, linear: CitizenVector, trees: TreeTables) -> None:
        self.linear, self.schema, self.width = linear, linear.schema, linear.width
        self.inputs = trees.inputs
        self._code = {
            (f, v): float(i)
            for f in dict.fromkeys(trees.cat_fields)
            for i, v in enumerate(v for g, v in zip(trees.cat_fields, trees.cat_values) if g == f)
        }
        self._cat = {f for f in trees.cat_fields}
        self._values = {
            f: [v for g, v in zip(trees.cat_fields, trees.cat_values) if g == f] for f in self._cat
        }
        self.offer_pos = self.inputs.index("offer")
        self.offer_codes = [
            self._code[("offer", v)]
            for v in (v for g, v in zip(trees.cat_fields, trees.cat_values) if g == "offer")
        ]

    def canonical(self, name: str, value: object) -> str:
        return self.linear.canonical(name, value)

    def encode(self, record: Mapping[str, object]) -> np.ndarray:
        t = np.zeros(len(self.inputs))
        for j, name in enumerate(self.inputs):
            if name == "offer":
                continue
            if name in self._cat:
                t[j] = self._code[(name, self.canonical(name, record.get(name)))]
            else:
                t[j] = float(record[name])  # type: ignore[arg-type]
        return np.concatenate([self.linear.encode(record), t])

    def encode_many(self, records: Sequence[Mapping[str, object]]) -> np.ndarray:
        return np.stack([self.encode(r) for r in records])

    def encode_frame(self, X: Any) -> np.ndarray:
        """(n, width + inputs) vectors of a prepared frame, column by column (as :meth:`encode`)."""
        import pandas as pd

        t = np.zeros((len(X), len(self.inputs)))
        for j, name in enumerate(self.inputs):
            if name == "offer":
                continue
            if name in self._cat:
                values = self._values[name]
                code = pd.Categorical(X[name].to_numpy(dtype=object), categories=values).codes
                if np.any(code < 0):
                    raise ValueError(f"{name}: a value is not one of the trees' {values}")
                t[:, j] = code
            else:
                t[:, j] = X[name].to_numpy(dtype=float)
        return np.concatenate([self.linear.encode_frame(X), t], axis=1)

    def patch(self, x: np.ndarray, name: str, value: object) -> np.ndarray:
        """A copy of ``x`` with the field ``name`` encoded as ``value`` (see ``CitizenVector.patch``)."""
        y = np.concatenate([self.linear.patch(x[: self.width], name, value), x[self.width :]])
        if name in self.inputs:
            j = self.width + self.inputs.index(name)
            y[j] = self._code[(name, self.canonical(name, value))] if name in self._cat else float(value)  # type: ignore[arg-type]
        return y

    def to_arrays(self) -> dict[str, np.ndarray]:
        return self.linear.to_arrays()


@dataclass(frozen=True)
class BlendTables:
    """``linears`` (each temperature 1), ``trees``, ``beta`` the calibration's, ``draw_forest`` (B+1,)
    the forest of each row, ``known`` (K,) 1 for the outcomes the blend was fitted on, ``mix``
    (B+1, members + 2) each draw's weights of the linear members, the trees and the prior (a refit
    at a much smaller evidence size has its own), ``prior`` (B+1, K) each draw's outcome shares,
    ``draw_contrast`` (B+1,) the point model's contrast forest in row 0 when its member is an offer
    contrast (then ``draw_forest[0]`` is its level forest) and −1 in every draw's row (their boosted
    refits are plain forests); ``None`` when the member is a plain forest."""

    linears: tuple[LinearTables, ...]
    trees: TreeTables
    beta: float
    draw_forest: np.ndarray
    known: np.ndarray
    offer_codes: tuple[float, ...]
    offer_pos: int
    mix: np.ndarray
    prior: np.ndarray
    draw_contrast: np.ndarray | None = None

    @classmethod
    def build(
        cls,
        linears: Sequence[LinearTables],
        trees: TreeTables,
        *,
        beta: float,
        draw_forest: Any,
        known: Any,
        mix: Any,
        prior: Any,
        vector: BlendVector,
        draw_contrast: Any = None,
    ) -> BlendTables:
        return cls(
            tuple(linears),
            trees,
            float(beta),
            np.asarray(draw_forest, dtype=np.int64),
            np.asarray(known, dtype=np.int64),
            tuple(vector.offer_codes),
            vector.offer_pos,
            np.asarray(mix, dtype=np.float64),
            np.asarray(prior, dtype=np.float64),
            None if draw_contrast is None else np.asarray(draw_contrast, dtype=np.int64),
        )

    @property
    def linear(self) -> LinearTables:
        """The first linear member (its propensity tables serve the support figures)."""
        return self.linears[0]

    def to_arrays(self) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for j, lin in enumerate(self.linears):
            out.update({_prefix(j) + k: v for k, v in lin.to_arrays().items()})
        return {
            **out,
            **self.trees.to_arrays(),
            "blend_beta": np.array(self.beta),
            "blend_draw_forest": self.draw_forest,
            "blend_known": self.known,
            "blend_mix": self.mix,
            "blend_prior": self.prior,
            **({} if self.draw_contrast is None else {CONTRAST_ARRAY: self.draw_contrast}),
        }

    @classmethod
    def from_arrays(
        cls, schema: FeatureSchema, arrays: Mapping[str, np.ndarray], *, n_offers: int, n_outcomes: int
    ) -> tuple[BlendVector, BlendTables]:
        """The vector and tables of a model file; refuses arrays of the wrong shape or type."""
        linear_vector = CitizenVector.from_arrays(schema, arrays)
        mix = np.asarray(arrays["blend_mix"])
        if (
            mix.ndim != 2
            or mix.dtype.kind != "f"
            or mix.shape[1] < 3
            or np.any(mix < 0)
            or not np.allclose(mix.sum(axis=1), 1.0)
        ):
            raise ValueError(
                "the blend's weights must be rows of at least 3 non-negative numbers summing to 1"
            )
        linears = [
            LinearTables.from_arrays(
                {k: arrays[_prefix(j) + k] for k in TABLE_ARRAYS},
                p=linear_vector.width,
                n_offers=n_offers,
                n_outcomes=n_outcomes,
            )
            for j in range(mix.shape[1] - 2)
        ]
        trees = TreeTables.from_arrays(arrays, n_outcomes=n_outcomes)
        expected = set(schema.categories) | set(schema.numeric) | {"offer"}
        if sorted(trees.inputs) != sorted(expected):
            raise ValueError("the trees' input columns do not match the feature schema")
        pairs = list(zip(trees.cat_fields, trees.cat_values))
        if (
            sorted(p for p in pairs if p[0] != "offer")
            != sorted((n, c) for n, cs in schema.categories.items() for c in cs)
            or sum(f == "offer" for f, _ in pairs) != n_offers
        ):
            raise ValueError("the trees' categories do not match the feature schema")
        vector = BlendVector(linear_vector, trees)
        beta, forest, known, _, prior = (np.asarray(arrays[k]) for k in BLEND_ARRAYS)
        draws = linears[0].n_draws + 1
        contrast = np.asarray(arrays[CONTRAST_ARRAY]) if CONTRAST_ARRAY in arrays else None
        if (
            beta.shape != ()
            or beta.dtype.kind != "f"
            or forest.dtype.kind != "i"
            or forest.shape != (draws,)
            or np.any(forest < 0)
            or np.any(forest >= trees.n_forests)
            or known.shape != (n_outcomes,)
            or known.dtype.kind != "i"
            or any(t.n_draws + 1 != draws for t in linears)
            or mix.shape[0] != draws
            or prior.shape != (draws, n_outcomes)
            or prior.dtype.kind != "f"
        ):
            raise ValueError("the blend's arrays do not match its tables")
        if contrast is not None and (
            contrast.dtype.kind != "i"
            or contrast.shape != (draws,)
            or not 0 <= contrast[0] < trees.n_forests
            or np.any(contrast[1:] != -1)  # the draws' boosted refits are plain forests
            or np.any(trees.class_perm[contrast[0]] != trees.class_perm[forest[0]])
        ):
            raise ValueError("the blend's offer-contrast forest does not match its tables")
        used = set(forest.tolist()) | ({int(contrast[0])} if contrast is not None else set())
        if used != set(range(trees.n_forests)):  # e.g. a contrast forest whose array was dropped
            raise ValueError("the blend's tables hold a forest no draw uses")
        return vector, cls.build(
            linears,
            trees,
            beta=float(beta),
            draw_forest=forest,
            known=known,
            mix=mix,
            prior=prior,
            vector=vector,
            draw_contrast=contrast,
        )

    @property
    def n_draws(self) -> int:
        return self.linear.n_draws

    def _mix(
        self, lins: Sequence[np.ndarray], tree: np.ndarray, prior: np.ndarray, mix: np.ndarray
    ) -> np.ndarray:
        """The mixture of the members' probabilities (each (…, offers, K)) and ``prior`` (…, K),
        broadcast over the offers, with ``mix`` (…, members + 2) the weights of each row."""
        m = len(lins)
        w = mix[..., None, None, :]
        out = w[..., m] * tree
        for j, p in enumerate(lins):
            out += w[..., j] * p
        out += w[..., m + 1] * prior[..., None, :]
        np.clip(out, 1e-15, 1.0, out=out)
        if self.beta == 1.0:  # softmax(log(p)) is p over the known outcomes, renormalised
            out *= self.known != 0
            out /= out.sum(axis=-1, keepdims=True)
            return out
        z = np.where(self.known != 0, np.log(out), -np.inf)
        return softmax(self.beta * z)

    def _trees(self, t: np.ndarray, forests: np.ndarray) -> np.ndarray:
        """(len(forests), m, offers, K) the trees' probabilities of the inputs ``t`` (m, inputs),
        binned once, the offer column set per offer (a tree that does not split on the offer is
        walked once per citizen)."""
        return self.trees.proba_by(t, self.offer_pos, self.offer_codes, forests)

    def _member(self, t: np.ndarray, draws: np.ndarray) -> np.ndarray:
        """(len(draws), m, offers, K) the boosted member of the ``draws`` (each distinct forest
        evaluated once; an offer contrast from its level and contrast forests)."""
        level = self.draw_forest[draws]
        contrast = None if self.draw_contrast is None else self.draw_contrast[draws]
        if contrast is None or not np.any(contrast >= 0):
            used, back = np.unique(level, return_inverse=True)
            return self._trees(t, used)[back]
        has = contrast >= 0
        used, back = np.unique(np.concatenate([level, contrast[has]]), return_inverse=True)
        walked = self._trees(t, used)
        out, ct = walked[back[: len(draws)]], walked[back[len(draws) :]]
        known = (self.trees.class_perm[level[has]] >= 0)[:, None, None, :]
        out[has] = offer_contrast(
            out[has].mean(axis=2, keepdims=True), ct, ct.mean(axis=2, keepdims=True), known
        )
        return out

    def _draw_trees(self, t: np.ndarray) -> np.ndarray:
        """(B+1, m, offers, K) the boosted member of every draw."""
        return self._member(t, np.arange(len(self.draw_forest)))

    def proba(self, x: np.ndarray) -> np.ndarray:
        """(B+1, offers, outcomes) for one encoded citizen (or (B+1, m, offers, outcomes) for m)."""
        one = x.ndim == 1
        X = x[None] if one else x
        p = self.linear.weights.shape[-1]
        lins = [t.proba(X[:, :p]) for t in self.linears]
        out = self._mix(lins, self._draw_trees(X[:, p:]), self.prior[:, None, :], self.mix[:, None, :])
        return out[:, 0] if one else out

    def point_proba(self, x: np.ndarray) -> np.ndarray:
        """(m, offers, outcomes) point-model probabilities for a stack of vectors."""
        p = self.linear.weights.shape[-1]
        return self._mix(
            [t.point_proba(x[:, :p]) for t in self.linears],
            self._member(x[:, p:], np.array([0]))[0],
            self.prior[0][None, :],
            self.mix[0][None, :],
        )

    def citizen(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For a stack of vectors (m, …), a citizen and its input variants: the first row's draws
        (B+1, offers, outcomes) and every row's point probabilities (m, offers, outcomes), with one
        walk of the trees (the point forest on every row, the draws' forests on the first)."""
        p = self.linear.weights.shape[-1]
        point_trees = self._member(x[:, p:], np.array([0]))[0]
        first_trees = self._member(x[:1, p:], np.arange(len(self.draw_forest)))[:, 0]
        draws = self._mix([t.proba(x[0, :p]) for t in self.linears], first_trees, self.prior, self.mix)
        point = self._mix(
            [t.point_proba(x[:, :p]) for t in self.linears],
            point_trees,
            self.prior[0][None, :],
            self.mix[0][None, :],
        )
        return draws, point

    def propensity(self, x: np.ndarray) -> np.ndarray:
        return self.linear.propensity(x[: self.linear.weights.shape[-1]])
