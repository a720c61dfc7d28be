"""Uncertainty and support: bootstrap refits at the real evidence size, intervals, propensity.

Each bootstrap refit fits the selected classifier (same hyper-parameters, same fitted encoding) on
a stratified resample of ``evidence_size`` rows drawn with replacement from the rows with an offer.
``evidence_size`` is the number of citizens the estimates really rest on: for a model trained on a
large synthetic sample that stands in for the 274 real citizens it is 219 (those with an offer), so
a large synthetic sample steadies the point estimate but never narrows the intervals.

The interval is centred on the point estimate: its half-widths are the distances from the
bootstrap median to the bootstrap quantiles (a basic, shift-invariant percentile interval), clipped
to the possible range.

scikit-learn and joblib are imported inside the fitting functions: serving reads only
:func:`centred_interval` and :data:`INTERVAL_LEVEL` (numpy).
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from recommender.modelling.schema import FeatureSchema
from recommender.modelling.tasks import run_tasks, task

if TYPE_CHECKING:
    import pandas as pd
    from sklearn.pipeline import Pipeline

__all__ = ["INTERVAL_LEVEL", "bootstrap_refits", "centred_interval", "fit_propensity"]

INTERVAL_LEVEL = 0.90
PROPENSITY_C = 0.3
TREE_REFITS = 10


def _stratified_resample(y: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """Row indices: ``size`` rows with replacement, each outcome class in its share (at least 2)."""
    classes, counts = np.unique(y, return_counts=True)
    share = counts / counts.sum()
    per = np.maximum(2, np.round(share * size).astype(int))
    parts = [rng.choice(np.flatnonzero(y == c), size=k, replace=True) for c, k in zip(classes, per)]
    return np.concatenate(parts)


def _refit(clf: Any, Z: Any, y: np.ndarray, rows: np.ndarray, start: Any = None) -> Any:
    """``clf`` cloned and fitted on ``rows``; a logistic regression (alone or as a pipeline's last
    step) starts from ``start``'s fitted coefficients, the point model's: a resample's solution
    lies close to it, so the solver needs a fraction of the iterations (same optimum, same ``tol``)."""
    from sklearn.base import clone
    from sklearn.linear_model import LogisticRegression

    sample = Z.iloc[rows] if hasattr(Z, "iloc") else Z[rows]  # a prepared frame for a blend
    est = clone(clf)
    last, init = (est[-1], start[-1]) if hasattr(est, "steps") and start is not None else (est, start)
    if (
        isinstance(last, LogisticRegression)
        and isinstance(init, LogisticRegression)
        and hasattr(init, "coef_")
        and len(init.classes_) == len(np.unique(y[rows]))
    ):
        last.set_params(warm_start=True)
        last.coef_, last.intercept_ = init.coef_.copy(), init.intercept_.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence notes on tiny resamples are expected
        return est.fit(sample, y[rows])


def _plain_trees(clf: Any) -> Any:
    """The classifier a boosted member's bootstrap refits fit: an offer contrast's level forest
    (:class:`~recommender.modelling.offer_contrast.OfferContrastTrees`), else the member's own."""
    from recommender.modelling.offer_contrast import OfferContrastTrees

    return clf.level if isinstance(clf, OfferContrastTrees) else clf


def _encoded_members(
    fitted: Any, Z: Any, resamples: list[np.ndarray]
) -> tuple[list[Any], np.ndarray, list[np.ndarray]]:
    """Each fitted member's encoded matrix of the resampled rows only (encoded once, not per
    refit), those rows' numbers in ``Z``, and the resamples as row numbers into the matrices."""
    used, inverse = np.unique(np.concatenate(resamples), return_inverse=True)
    rows = np.split(inverse, np.cumsum([len(r) for r in resamples])[:-1])
    part = Z.iloc[used] if hasattr(Z, "iloc") else Z[used]
    return [m[:-1].transform(part) for m in fitted.estimators_], used, rows


def bootstrap_refits(
    clf: Any,
    Z: Any,
    y: np.ndarray,
    *,
    evidence_size: int,
    n_bootstrap: int,
    seed: int,
    n_jobs: int | None = 1,
    start: Any = None,
    point: Any = None,
) -> list:
    """``n_bootstrap`` clones of the fitted final classifier ``clf`` refitted on resamples of
    ``evidence_size`` rows of the encoded matrix ``Z`` (outcomes ``y``).

    The resamples are drawn first, in order, from one seeded generator; the refits then run on
    ``n_jobs`` processes (``joblib``; ``-1`` every core), so the result does not depend on ``n_jobs``.
    Logistic regressions start from the fitted coefficients of ``clf`` (or of ``start``, e.g. when
    ``clf`` is an unfitted clone with another penalty), see ``_refit``.
    For a blend (``AverageClassifier`` of linear models and a boosted one, ``Z`` the prepared
    frame) the linear members are refitted on every resample and the boosted one on the first
    ``TREE_REFITS`` only, reused in turn after that (boosted refits dominate the training time);
    each draw keeps the blend's weights, its prior share the resample's outcome shares. A boosted
    member that is an offer contrast (on many rows) is refitted as its level forest alone: the
    draws give the spread around the point model, whose offer contrasts set the centre. Each
    member keeps the encoding of the fitted blend ``point`` (default ``clf``; ``clf`` may be an
    unfitted clone with other penalties): only its classifier is refitted, on rows encoded once.
    """
    from sklearn.pipeline import Pipeline

    from recommender.modelling.blend import AverageClassifier

    rng = np.random.default_rng(seed + 7919)
    resamples = [_stratified_resample(y, evidence_size, rng) for _ in range(n_bootstrap)]
    blend = isinstance(clf, AverageClassifier)
    if blend:
        fitted_blend = point if point is not None else clf
        members = fitted_blend.estimators_
        encoded, used, rows_in = _encoded_members(fitted_blend, Z, resamples)
        y_enc = y[used]
        *linear, tree = clf.estimators
        starts = [s[-1] for s in start.estimators_] if start is not None else [None] * len(members)
        owner = [j for _ in rows_in for j in range(len(linear))] + [len(members) - 1] * len(
            rows_in[:TREE_REFITS]
        )  # the member each job refits
        jobs = [
            (lin[-1], encoded[j], y_enc, rows, starts[j]) for rows in rows_in for j, lin in enumerate(linear)
        ] + [(_plain_trees(tree[-1]), encoded[-1], y_enc, rows, None) for rows in rows_in[:TREE_REFITS]]
    else:
        plain = _plain_trees(clf)  # an offer contrast's draws: its level forest (see above)
        jobs = [(plain, Z, y, rows, plain if start is None else start) for rows in resamples]
    fitted = run_tasks([task(_refit, *job, label="bootstrap refit") for job in jobs], n_jobs)
    if not blend:
        return fitted
    k = len(linear)
    fitted = [Pipeline([*members[j].steps[:-1], ("clf", est)]) for j, est in zip(owner, fitted)]
    lin, trees = fitted[: n_bootstrap * k], fitted[n_bootstrap * k :]
    classes = getattr(clf, "classes_", None)  # an unfitted clone is allowed too
    classes = np.unique(y) if classes is None else classes
    return [
        AverageClassifier.from_fitted(
            [*lin[b * k : (b + 1) * k], trees[b % len(trees)]],
            classes,
            weights=clf.weights,
            prior_weight=clf.prior_weight,
            prior=[np.mean(y[rows] == c) for c in classes],
        )
        for b, rows in enumerate(resamples)
    ]


def centred_interval(
    point: np.ndarray,
    draws: np.ndarray,
    *,
    low: float = 0.0,
    high: float = 1.0,
    level: float = INTERVAL_LEVEL,
) -> tuple[np.ndarray, np.ndarray]:
    """Interval around ``point`` whose half-widths are the bootstrap spread of ``draws`` (axis 0).

    >>> import numpy as np
    >>> lo, hi = centred_interval(np.array([0.5]), np.array([[0.4], [0.5], [0.6]]), level=1.0)
    >>> lo.round(3).tolist(), hi.round(3).tolist()
    ([0.4], [0.6])
    """
    alpha = (1.0 - level) / 2.0
    q_lo, med, q_hi = np.quantile(draws, [alpha, 0.5, 1.0 - alpha], axis=0)
    lo = np.clip(point - (med - q_lo), low, high)
    hi = np.clip(point + (q_hi - med), low, high)
    return np.minimum(lo, point), np.maximum(hi, point)


def fit_propensity(X: pd.DataFrame, offers: np.ndarray, schema: FeatureSchema) -> Pipeline:
    """Multinomial logistic regression P(offer | citizen) on the rows with an offer."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    from recommender.modelling.features import citizen_encoder

    model = Pipeline(
        [
            ("encode", citizen_encoder(schema, with_offer=False, kind="onehot")),
            ("clf", LogisticRegression(C=PROPENSITY_C, solver="newton-cg", max_iter=500, tol=1e-6)),
        ]
    )
    return model.fit(X, offers)
