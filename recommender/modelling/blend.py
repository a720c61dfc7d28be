"""A stacked blend: a weighted mixture of several outcome models' probabilities and the prior.

``AverageClassifier(estimators, weights, prior_weight)`` predicts

    p(outcome | citizen, offer) = Σ_m weights_m · p_m(outcome | citizen, offer) + prior_weight · prior

with ``prior`` the outcome shares of the rows it was fitted on. The weights are chosen by
:func:`mixture_weights` (stacked generalisation: the convex weights that maximise the
likelihood of out-of-fold predictions). The prior share is how the blend shrinks: mixing every
offer's probabilities with the same citizen- and offer-independent vector moves them toward the
base rates but leaves the ranking of offers untouched (the weighted score of each offer changes by
the same affine map), so a small cohort gets cautious probabilities without losing the offer
contrasts that a penalty on the coefficients would shrink (issue 11).

>>> import numpy as np, pandas as pd
>>> from sklearn.dummy import DummyClassifier
>>> X = pd.DataFrame({"a": [0, 1, 0, 1]}); y = np.array(["job", "other", "job", "job"])
>>> blend = AverageClassifier([DummyClassifier(strategy="prior"),
...                            DummyClassifier(strategy="uniform")]).fit(X, y)
>>> blend.predict_proba(X.head(1)).round(3).tolist()
[[0.625, 0.375]]
>>> shrunk = AverageClassifier([DummyClassifier(strategy="uniform")], weights=[0.5],
...                            prior_weight=0.5).fit(X, y)
>>> shrunk.predict_proba(X.head(1)).round(3).tolist()
[[0.625, 0.375]]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

__all__ = ["AverageClassifier", "mixture_weights"]


def mixture_weights(likelihood: np.ndarray, *, iterations: int = 500, tol: float = 1e-10) -> np.ndarray:
    """The convex weights ``w`` maximising ``Σ_i log Σ_m w_m · likelihood[i, m]``.

    ``likelihood`` (n, m): each component's out-of-fold probability of the outcome row ``i`` really
    had. The problem is concave in ``w``; the EM update ``w ← mean_i(w·L_i / (w·L_i))`` climbs it
    monotonically from equal weights.

    >>> L = np.array([[0.9, 0.5], [0.8, 0.5], [0.1, 0.5]])
    >>> mixture_weights(L).round(2).tolist()
    [0.36, 0.64]
    """
    L = np.clip(np.asarray(likelihood, dtype=float), 1e-15, None)
    if L.ndim != 2 or not len(L):
        raise ValueError(f"likelihood: expected an (n, m) array with n >= 1; got shape {L.shape}")
    w = np.full(L.shape[1], 1.0 / L.shape[1])
    for _ in range(iterations):
        r = L * w
        new = (r / r.sum(axis=1, keepdims=True)).mean(axis=0)
        if np.abs(new - w).max() < tol:
            return new
        w = new
    return w


class AverageClassifier(ClassifierMixin, BaseEstimator):
    """Fits a clone of each estimator on the same rows; ``predict_proba`` is the weighted mean of
    their probabilities (aligned on ``classes_``) plus ``prior_weight`` times the outcome shares
    seen in ``fit`` (``prior_``); ``decision_function`` its logarithm, so a softmax of it (the way
    ``OutcomeModel`` scores) gives the mixture back.

    ``weights`` (one per estimator, default equal) and ``prior_weight`` (default 0) are rescaled to
    sum to 1 together.
    """

    def __init__(
        self, estimators: list | tuple = (), weights: Sequence[float] | None = None, prior_weight: float = 0.0
    ):
        self.estimators = estimators
        self.weights = weights
        self.prior_weight = prior_weight

    def mixture(self) -> tuple[np.ndarray, float]:
        """The member weights and the prior share, rescaled to sum to 1 together."""
        n = len(self.estimators)
        w = np.full(n, 1.0 / n) if self.weights is None else np.asarray(self.weights, dtype=float)
        if w.shape != (n,) or np.any(w < 0) or self.prior_weight < 0 or w.sum() + self.prior_weight <= 0:
            raise ValueError(
                f"weights: expected {n} non-negative numbers (with prior_weight >= 0, "
                f"not all 0); got {self.weights!r} and {self.prior_weight!r}"
            )
        total = w.sum() + self.prior_weight
        return w / total, float(self.prior_weight / total)

    def fit(self, X, y):
        if not self.estimators:
            raise ValueError("estimators: expected at least one estimator; got none")
        self.mixture()
        y = np.asarray(y)
        self.classes_, counts = np.unique(y, return_counts=True)
        self.prior_ = counts / counts.sum()
        self.estimators_ = [clone(e).fit(X, y) for e in self.estimators]
        return self

    @classmethod
    def from_fitted(
        cls,
        fitted: list,
        classes,
        *,
        weights: Sequence[float] | None = None,
        prior_weight: float = 0.0,
        prior=None,
    ) -> AverageClassifier:
        """An AverageClassifier of already fitted estimators (e.g. bootstrap refits); ``prior``
        the outcome shares in ``classes`` order (needed when ``prior_weight`` > 0)."""
        out = cls(list(fitted), weights=weights, prior_weight=prior_weight)
        out.classes_, out.estimators_ = np.asarray(classes), list(fitted)
        out.prior_ = (
            np.full(len(out.classes_), 1.0 / len(out.classes_))
            if prior is None
            else np.asarray(prior, dtype=float)
        )
        return out

    def predict_proba(self, X) -> np.ndarray:
        weights, prior_weight = self.mixture()
        out = np.zeros((len(X), len(self.classes_)))
        for w, est in zip(weights, self.estimators_):
            cols = np.searchsorted(self.classes_, est.classes_)
            out[:, cols] += w * est.predict_proba(X)
        return out + prior_weight * self.prior_

    def decision_function(self, X) -> np.ndarray:
        return np.log(np.clip(self.predict_proba(X), 1e-15, 1.0))

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
