"""The plain average of several outcome models' probabilities (a linear and a boosted model).

An average of a penalised linear model (smooth, extrapolates main effects well at a few hundred
rows) and a shallow boosted model (finds thresholds and interactions) ranks offers better than
either alone on several known truths (see docs/model.md, benchmarks/bench_decision_quality.py).

>>> import numpy as np, pandas as pd
>>> from sklearn.dummy import DummyClassifier
>>> X = pd.DataFrame({"a": [0, 1, 0, 1]}); y = np.array(["job", "other", "job", "job"])
>>> blend = AverageClassifier([DummyClassifier(strategy="prior"),
...                            DummyClassifier(strategy="uniform")]).fit(X, y)
>>> blend.predict_proba(X.head(1)).round(3).tolist()
[[0.625, 0.375]]
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

__all__ = ["AverageClassifier"]


class AverageClassifier(ClassifierMixin, BaseEstimator):
    """Fits a clone of each estimator on the same rows; ``predict_proba`` is the plain mean of their
    probabilities (aligned on ``classes_``); ``decision_function`` its logarithm, so a softmax of it
    (the way ``OutcomeModel`` scores) gives the mean back."""

    def __init__(self, estimators: list | tuple = ()):
        self.estimators = estimators

    def fit(self, X, y):
        if not self.estimators:
            raise ValueError("estimators: expected at least one estimator; got none")
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.estimators_ = [clone(e).fit(X, y) for e in self.estimators]
        return self

    @classmethod
    def from_fitted(cls, fitted: list, classes) -> AverageClassifier:
        """An AverageClassifier of already fitted estimators (e.g. bootstrap refits)."""
        out = cls(list(fitted))
        out.classes_, out.estimators_ = np.asarray(classes), list(fitted)
        return out

    def predict_proba(self, X) -> np.ndarray:
        out = np.zeros((len(X), len(self.classes_)))
        for est in self.estimators_:
            cols = np.searchsorted(self.classes_, est.classes_)
            out[:, cols] += est.predict_proba(X)
        return out / len(self.estimators_)

    def decision_function(self, X) -> np.ndarray:
        return np.log(np.clip(self.predict_proba(X), 1e-15, 1.0))

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
