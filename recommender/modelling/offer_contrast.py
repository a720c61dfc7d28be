"""The blend's tree member on many rows: the level of small trees, the offer contrasts of larger ones.

On more than ``CONTRAST_ROWS`` selection rows the blend's boosted member ``hgb`` is an
:class:`OfferContrastTrees`: two gradient-boosted forests on the same encoded rows, ``level`` (today's
``hgb``: 100 iterations of depth 3) and ``contrast`` (the same with 300 iterations), combined per
citizen ``x`` and offer ``a`` as

    t(x, a) = mean_o level(x, o) + contrast(x, a) − mean_o contrast(x, o)

(the mean over every offer ``o``), floored at ``CONTRAST_FLOOR`` and renormalised over the outcomes.
The citizen's level (how likely each outcome is whatever the offer) comes from the small, well
regularised forest; how the offers differ for that citizen from the larger one, which has had the
iterations to learn offer × citizen splits. On 20,000-row cohorts this ranked the offers better
than either forest alone (issue 27, docs/model.md "At 20,000 rows"). The offer is an input column
of the encoded rows (the trees' ordinal code of each offer), so the mean over offers predicts each
row with that column set to each code in turn.

The combination itself is :func:`~recommender.modelling.trees.offer_contrast` (numpy only), shared
with the lean serving path, which evaluates both forests from arrays
(:mod:`recommender.modelling.lean_blend`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone

from recommender.modelling.trees import offer_contrast

__all__ = ["OfferContrastTrees"]


class OfferContrastTrees(ClassifierMixin, BaseEstimator):
    """Two classifiers on the same encoded rows: ``level`` gives each citizen's mean over the offers,
    ``contrast`` how the offers differ from that mean (see the module).

    ``offer_column`` is the column of the offer's code in the encoded rows and ``offer_codes`` the
    code of every offer (the mean runs over all of them, not only the offers a fold happened to see).

    >>> import numpy as np
    >>> from sklearn.ensemble import HistGradientBoostingClassifier as HGB
    >>> rng = np.random.default_rng(0)
    >>> X = np.column_stack([rng.integers(0, 2, 400), rng.normal(size=400)]).astype(float)
    >>> y = (X[:, 1] + (X[:, 0] == 1) * X[:, 1] + rng.normal(size=400) > 0).astype(int)
    >>> trees = OfferContrastTrees(HGB(max_iter=20), HGB(max_iter=60), offer_column=0,
    ...                            offer_codes=(0.0, 1.0)).fit(X, y)
    >>> p = trees.predict_proba(X[:3])
    >>> p.shape, bool(np.allclose(p.sum(axis=1), 1.0)), trees.classes_.tolist()
    ((3, 2), True, [0, 1])
    """

    def __init__(
        self,
        level: object = None,
        contrast: object = None,
        *,
        offer_column: int = 0,
        offer_codes: Sequence[float] = (),
    ) -> None:
        self.level = level
        self.contrast = contrast
        self.offer_column = offer_column
        self.offer_codes = offer_codes

    def fit(self, X, y, **fit_params) -> OfferContrastTrees:
        if self.level is None or self.contrast is None:
            raise ValueError("OfferContrastTrees: expected a level and a contrast classifier; got None")
        if len(self.offer_codes) < 1:
            raise ValueError("offer_codes: expected the code of every offer; got none")
        X = np.asarray(X, dtype=float)
        if not 0 <= self.offer_column < X.shape[1]:
            raise ValueError(
                f"offer_column: expected a column 0-{X.shape[1] - 1} of the encoded rows; "
                f"got {self.offer_column!r}"
            )
        self.level_ = clone(self.level).fit(X, y)
        self.contrast_ = clone(self.contrast).fit(X, y)
        if list(self.level_.classes_) != list(self.contrast_.classes_):
            raise ValueError("OfferContrastTrees: the level and contrast classifiers saw other outcomes")
        self.classes_ = self.level_.classes_
        self.n_features_in_ = X.shape[1]
        return self

    def _by_offer(self, est, X: np.ndarray) -> np.ndarray:
        """(offers, n, K) ``est``'s probabilities of the rows ``X`` with the offer set to each code."""
        out = []
        for code in self.offer_codes:
            Xo = X.copy()
            Xo[:, self.offer_column] = code
            out.append(est.predict_proba(Xo))
        return np.stack(out)

    def predict_proba_offers(self, X) -> np.ndarray:
        """(n, offers, K) :meth:`predict_proba` of the rows ``X`` with the offer set to each of
        ``offer_codes`` in turn: each forest walked once per offer (not once per offer and row
        offer, as calling :meth:`predict_proba` per offer would); the same numbers."""
        X = np.asarray(X, dtype=float)
        level = self._by_offer(self.level_, X)
        contrast = self._by_offer(self.contrast_, X)
        level_mean, contrast_mean = level.mean(axis=0), contrast.mean(axis=0)
        return np.stack([offer_contrast(level_mean, own, contrast_mean) for own in contrast], axis=1)

    def predict_proba(self, X) -> np.ndarray:
        X = np.asarray(X, dtype=float)
        level = self._by_offer(self.level_, X)
        contrast = self._by_offer(self.contrast_, X)
        codes = np.asarray(self.offer_codes, dtype=float)
        same = X[:, self.offer_column, None] == codes[None, :]  # (n, offers): the row's offer
        at = np.where(same.any(axis=1), same.argmax(axis=1), -1)
        own = contrast[np.maximum(at, 0), np.arange(len(X))]
        if np.any(at < 0):  # a row whose offer code is not one of offer_codes: its own prediction
            own[at < 0] = self.contrast_.predict_proba(X[at < 0])
        return offer_contrast(level.mean(axis=0), own, contrast.mean(axis=0))

    def decision_function(self, X) -> np.ndarray:
        return np.log(self.predict_proba(X))

    def predict(self, X) -> np.ndarray:
        return self.classes_[self.predict_proba(X).argmax(axis=1)]
