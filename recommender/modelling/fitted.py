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
        self.perm = column_order(labels[self.clf.classes_] if _is_int(self.clf.classes_)
                                 else self.clf.classes_, OUTCOME.codes)
        self.prop_perm = column_order(propensity[-1].classes_, OFFER.codes)

    @property
    def is_linear(self) -> bool:
        from sklearn.linear_model import LogisticRegression
        return isinstance(self.clf, LogisticRegression)

    def serving(self, schema: FeatureSchema) -> tuple[CitizenVector, LinearTables]:
        """The exact numpy serving tables of a linear model (see :mod:`recommender.modelling.linear`)."""
        interact = self.encode.named_steps["interact"]
        vector = CitizenVector.from_encoder(schema, self.encode.named_steps["encode"])
        tables = LinearTables.build(
            [self.clf, *self.boot], p=vector.width, n_offers=len(OFFER.codes), scale=interact.scale,
            class_perm=self.perm, beta=self.beta, prop_clf=self.propensity[-1],
            prop_perm=self.prop_perm,
            confounders=((interact.prop_coef_, interact.prop_intercept_)
                         if getattr(interact, "propensity", False) else None))
        return vector, tables
