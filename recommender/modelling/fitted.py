"""A model's scikit-learn side: the fitted estimators and what the pipeline path reads from them.

:class:`FittedObjects` wraps the point estimator (maybe calibrated), the bootstrap refits and the
propensity pipeline, exposes the inner pipeline, the calibration ``beta`` and the outcome/offer
column orders, and builds the exact numpy serving tables of a linear model
(:mod:`recommender.modelling.linear`). Only training, batch scoring and evaluation need it; scikit-learn
is imported when it is built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from recommender.modelling.linear import CitizenVector, LinearTables
from recommender.modelling.schema import FeatureSchema
from recommender.vocab import OFFER, OUTCOME

__all__ = ["FittedObjects", "column_order", "reorder"]


def column_order(classes: Sequence[object] | np.ndarray, codes: Sequence[str]) -> np.ndarray:
    """For each code, its column in ``classes`` (-1 when the model never saw it)."""
    classes = [str(c) for c in classes]
    return np.array([classes.index(c) if c in classes else -1 for c in codes])


def _is_int(classes: object) -> bool:
    return bool(np.issubdtype(np.asarray(classes).dtype, np.integer))


def reorder(proba: np.ndarray, perm: np.ndarray) -> np.ndarray:
    """``proba``'s last axis in the order ``perm`` gives (zeros where ``perm`` is -1)."""
    out = np.zeros(proba.shape[:-1] + (len(perm),))
    for k, src in enumerate(perm):
        if src >= 0:
            out[..., k] = proba[..., src]
    return out


class FittedObjects:
    """The scikit-learn side of a model: the estimators and what the pipeline path reads from them."""

    def __init__(self, estimator: Any, boot: Sequence[Any], propensity: Any) -> None:
        from sklearn.calibration import CalibratedClassifierCV

        self.estimator, self.boot, self.propensity = estimator, list(boot), propensity
        if isinstance(estimator, CalibratedClassifierCV):
            inner = estimator.calibrated_classifiers_[0]
            self.pipeline, self.beta = inner.estimator, float(inner.calibrators[0].beta_)
        else:
            self.pipeline, self.beta = estimator, 1.0
        self.encode = self.pipeline[:-1]
        self.clf = self.pipeline[-1]
        # Under calibration the inner classifier learns label-encoded outcomes (0..K-1).
        labels = np.asarray(estimator.classes_).astype(str)
        self.perm = column_order(
            labels[self.clf.classes_] if _is_int(self.clf.classes_) else self.clf.classes_, OUTCOME.codes
        )
        self.prop_perm = column_order(propensity[-1].classes_, OFFER.codes)

    @property
    def is_linear(self) -> bool:
        from sklearn.linear_model import LogisticRegression

        return isinstance(self.clf, LogisticRegression)

    @property
    def is_blend(self) -> bool:
        """An ``AverageClassifier`` of linear pipelines and a boosted one (``blend:<linear>+…``; a
        HistGradientBoostingClassifier or an ``OfferContrastTrees`` of two)."""
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.linear_model import LogisticRegression

        from recommender.modelling.blend import AverageClassifier
        from recommender.modelling.offer_contrast import OfferContrastTrees

        halves = getattr(self.clf, "estimators_", None) if isinstance(self.clf, AverageClassifier) else None
        return (
            halves is not None
            and len(halves) >= 2
            and all(isinstance(h[-1], LogisticRegression) for h in halves[:-1])
            and (
                isinstance(halves[-1][-1], HistGradientBoostingClassifier)
                or (
                    isinstance(halves[-1][-1], OfferContrastTrees)
                    and isinstance(getattr(halves[-1][-1], "level_", None), HistGradientBoostingClassifier)
                    and isinstance(getattr(halves[-1][-1], "contrast_", None), HistGradientBoostingClassifier)
                )
            )
            and all(isinstance(b, AverageClassifier) for b in self.boot)
        )

    @property
    def lean(self) -> bool:
        """Whether the model has exact numpy serving tables (linear or blend)."""
        return self.is_linear or self.is_blend

    def _perm_of(self, clf: Any) -> np.ndarray:
        labels = np.asarray(self.estimator.classes_).astype(str)
        return column_order(labels[clf.classes_] if _is_int(clf.classes_) else clf.classes_, OUTCOME.codes)

    def _linear_tables(
        self, pipeline: Any, clfs: Sequence[Any], *, p: int, perm: np.ndarray, beta: float
    ) -> LinearTables:
        interact = pipeline.named_steps["interact"]
        return LinearTables.build(
            clfs,
            p=p,
            n_offers=len(OFFER.codes),
            scale=interact.scale,
            class_perm=perm,
            beta=beta,
            prop_clf=self.propensity[-1],
            prop_perm=self.prop_perm,
            confounders=(
                (interact.prop_coef_, interact.prop_intercept_)
                if getattr(interact, "propensity", False)
                else None
            ),
        )

    def serving(self, schema: FeatureSchema) -> tuple[Any, Any]:
        """The exact numpy serving tables of a linear model (see :mod:`recommender.modelling.linear`)
        or of a blend (see :mod:`recommender.modelling.lean_blend`)."""
        if self.is_blend:
            return self._blend_serving(schema)
        vector = CitizenVector.from_encoder(schema, self.encode.named_steps["encode"])
        tables = self._linear_tables(
            self.pipeline, [self.clf, *self.boot], p=vector.width, perm=self.perm, beta=self.beta
        )
        return vector, tables

    def _blend_serving(self, schema: FeatureSchema) -> tuple[Any, Any]:
        """Each draw's linear members folded onto the point model's first member's standardisation
        (every refit has its own encoder), the distinct boosted members as trees (an
        ``OfferContrastTrees`` as its two forests), each draw's prior."""
        from recommender.modelling.lean_blend import BlendTables, BlendVector
        from recommender.modelling.offer_contrast import OfferContrastTrees
        from recommender.modelling.trees import TreeTables

        blends = [self.clf, *self.boot]
        n_linear = len(blends[0].estimators_) - 1
        vector = CitizenVector.from_encoder(schema, blends[0].estimators_[0].named_steps["encode"])
        linears = [self._folded(schema, vector, [b.estimators_[j] for b in blends]) for j in range(n_linear)]
        forests: list[Any] = []  # the distinct fitted HistGradientBoostingClassifiers
        encoders: list[Any] = []

        def index(hgb: Any, encoder: Any) -> int:
            for i, f in enumerate(forests):
                if f is hgb:
                    return i
            forests.append(hgb)
            encoders.append(encoder)
            return len(forests) - 1

        draw_forest, draw_contrast = [], []
        for blend in blends:
            tree = blend.estimators_[-1]
            clf, encoder = tree[-1], tree.named_steps["encode"]
            if isinstance(clf, OfferContrastTrees):
                draw_forest.append(index(clf.level_, encoder))
                draw_contrast.append(index(clf.contrast_, encoder))
            else:
                draw_forest.append(index(clf, encoder))
                draw_contrast.append(-1)
        inputs, categories = _tree_inputs(encoders[0])
        if any(_tree_inputs(e) != (inputs, categories) for e in encoders[1:]):
            raise ValueError("the boosted refits read different input columns")
        trees = TreeTables.build(
            forests,
            inputs=inputs,
            categories=categories,
            class_perms=[self._perm_of(f) for f in forests],
        )
        contrasts = [
            b.estimators_[-1][-1] for b in blends if isinstance(b.estimators_[-1][-1], OfferContrastTrees)
        ]
        if contrasts:
            _check_offer_codes(contrasts, inputs, categories)
        mix = np.stack([np.append(*blend.mixture()) for blend in blends])
        prior = np.zeros((len(blends), len(OUTCOME.codes)))
        for b, blend in enumerate(blends):
            for k, src in enumerate(self._perm_of(blend)):
                if src >= 0:
                    prior[b, k] = blend.prior_[src]
        blend_vector = BlendVector(vector, trees)
        tables = BlendTables.build(
            linears,
            trees,
            beta=self.beta,
            draw_forest=draw_forest,
            draw_contrast=draw_contrast if contrasts else None,
            known=(self.perm >= 0).astype(np.int64),
            mix=mix,
            prior=prior,
            vector=blend_vector,
        )
        return blend_vector, tables

    def _folded(self, schema: FeatureSchema, vector: CitizenVector, members: Sequence[Any]) -> LinearTables:
        """One linear member's tables over all draws (``members``: the point model's, then each
        refit's), every draw's weights folded onto ``vector``'s standardisation."""
        weights, bias = [], []
        for lin in members:
            own = CitizenVector.from_encoder(schema, lin.named_steps["encode"])
            if own.columns != vector.columns:
                raise ValueError("a bootstrap refit encodes the citizen columns in another order")
            t = self._linear_tables(lin, [lin[-1]], p=vector.width, perm=self._perm_of(lin[-1]), beta=1.0)
            w, b = t.weights[0].copy(), t.bias[0]
            pos = vector.numeric_pos
            if len(pos):  # x_own = x·s0/s_own + (m0 - m_own)/s_own on the numeric columns
                b = b + w[..., pos] @ ((vector.mean - own.mean) / own.scale)
                w[..., pos] *= vector.scale / own.scale
            weights.append(w)
            bias.append(b)
        point = self._linear_tables(members[0], [members[0][-1]], p=vector.width, perm=self.perm, beta=1.0)
        return LinearTables(np.stack(weights), np.stack(bias), 1.0, point.prop_weights, point.prop_bias)


def _check_offer_codes(
    members: Sequence[Any], inputs: Sequence[str], categories: dict[str, list[str]]
) -> None:
    """The offer contrasts' offer column and codes are the trees' (the serving path's mean over the
    offers runs over the offer column's codes, each offer once)."""
    codes = [float(j) for j in range(len(categories["offer"]))]
    for m in members:
        if m.offer_column != list(inputs).index("offer") or sorted(map(float, m.offer_codes)) != codes:
            raise ValueError("an offer contrast's offer column or codes are not the trees'")


def _tree_inputs(encoder: Any) -> tuple[list[str], dict[str, list[str]]]:
    """The boosted half's input columns and its categorical fields' ordinal categories."""
    inputs: list[str] = []
    categories: dict[str, list[str]] = {}
    for name, step, columns in encoder.transformers_:
        if name == "categorical":
            inputs += list(columns)
            categories.update({c: [str(v) for v in cats] for c, cats in zip(columns, step.categories_)})
        elif name == "numeric":
            inputs += list(columns)
    return inputs, categories
