"""Candidate outcome models and their selection by cross-validated log loss.

Candidates (all see the offer and can express offer × citizen interactions):

* ``logit_C{C}``: one-hot citizen features, offer indicators and offer × citizen interactions,
  multinomial LogisticRegression with L2 penalty ``C`` (several values: the regularisation is chosen
  by CV, so a 274-row cohort gets a strongly shrunk, not an over-confident, model);
* ``hgb``: a regularised HistGradientBoostingClassifier (shallow trees, native categories, offer as
  a categorical input, so trees split on offer × citizen).

The ``prior`` DummyClassifier is reported beside them as the baseline. The best candidate is then
tested once more with temperature calibration (CalibratedClassifierCV, ``ensemble=False``) on the
same folds and calibrated only when that lowers the CV log loss.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.calibration import CalibratedClassifierCV
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from ._features import FeatureSchema, OfferInteractions, citizen_encoder
from ._vocab import OUTCOME

__all__ = ["CandidateResult", "Selection", "candidates", "select"]

LOGIT_C = (0.005, 0.015, 0.05, 0.15, 0.5)
INTERACTION_SCALE = 0.7
MAX_CV_ROWS = 12_000  # model selection on at most this many rows (stratified subsample); fit on all


@dataclass(frozen=True)
class CandidateResult:
    """One candidate's cross-validated log loss (mean and standard deviation over folds)."""

    name: str
    params: dict = field(default_factory=dict)
    cv_log_loss: float = float("nan")
    cv_log_loss_std: float = float("nan")

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "params": dict(self.params),
                "cv_log_loss": round(self.cv_log_loss, 6),
                "cv_log_loss_std": round(self.cv_log_loss_std, 6)}


@dataclass(frozen=True)
class Selection:
    """The outcome of model selection: every candidate's CV figures and the choice."""

    candidates: tuple[CandidateResult, ...]
    baseline: CandidateResult
    selected: str
    calibrated: bool
    calibrated_cv_log_loss: float
    n_folds: int
    n_cv_rows: int

    def to_dict(self) -> dict[str, object]:
        return {"candidates": [c.to_dict() for c in self.candidates],
                "baseline": self.baseline.to_dict(), "selected": self.selected,
                "calibrated": self.calibrated,
                "calibrated_cv_log_loss": round(self.calibrated_cv_log_loss, 6),
                "n_folds": self.n_folds, "n_cv_rows": self.n_cv_rows}


def _linear(schema: FeatureSchema, C: float) -> Pipeline:
    return Pipeline([
        ("encode", citizen_encoder(schema, with_offer=True, kind="onehot")),
        ("interact", OfferInteractions(scale=INTERACTION_SCALE)),
        ("clf", LogisticRegression(C=C, max_iter=500, tol=1e-5)),
    ])


def _trees(schema: FeatureSchema, seed: int) -> Pipeline:
    n_cat = len(schema.categorical) + 1
    mask = [True] * n_cat + [False] * len(schema.numeric)
    return Pipeline([
        ("encode", citizen_encoder(schema, with_offer=True, kind="ordinal")),
        ("clf", HistGradientBoostingClassifier(
            learning_rate=0.08, max_iter=120, max_depth=3, min_samples_leaf=40,
            l2_regularization=1.0, categorical_features=mask, early_stopping=False,
            random_state=seed)),
    ])


def candidates(schema: FeatureSchema, seed: int = 0) -> dict[str, Pipeline]:
    """The candidate pipelines by name (unfitted).

    >>> sorted(candidates(build_schema()))  # doctest: +SKIP
    ['hgb', 'logit_C0.03', 'logit_C0.1', 'logit_C0.3', 'logit_C1']
    """
    out: dict[str, Pipeline] = {f"logit_C{C:g}": _linear(schema, C) for C in LOGIT_C}
    out["hgb"] = _trees(schema, seed)
    return out


def candidate_params(name: str) -> dict[str, object]:
    if name.startswith("logit_C"):
        return {"kind": "logistic_regression_offer_interactions", "C": float(name[7:]),
                "interaction_scale": INTERACTION_SCALE}
    return {"kind": "hist_gradient_boosting", "learning_rate": 0.08, "max_iter": 120, "max_depth": 3,
            "min_samples_leaf": 40, "l2_regularization": 1.0}


def calibrated(estimator: Pipeline, n_rows: int, seed: int) -> CalibratedClassifierCV:
    """Temperature-scaled version of ``estimator`` (one temperature, fitted on CV predictions)."""
    folds = StratifiedKFold(n_splits=3 if n_rows > 3000 else 5, shuffle=True, random_state=seed + 1)
    return CalibratedClassifierCV(estimator, method="temperature", cv=folds, ensemble=False)


def _fold_loss(estimator, X: pd.DataFrame, y: np.ndarray, train, test) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        fitted = clone(estimator).fit(X.iloc[train], y[train])
    proba = fitted.predict_proba(X.iloc[test])
    return float(log_loss(y[test], proba, labels=list(fitted.classes_)))


def select(X: pd.DataFrame, y: np.ndarray, schema: FeatureSchema, *, seed: int = 0) -> Selection:
    """Cross-validate every candidate (stratified, seeded) and pick the lowest mean log loss.

    ``X`` is the prepared feature frame plus ``offer``; ``y`` the outcome codes.
    """
    n = len(y)
    rng = np.random.default_rng(seed)
    if n > MAX_CV_ROWS:  # a stratified subsample keeps selection fast on a huge cohort
        keep = np.sort(np.concatenate([
            rng.choice(np.flatnonzero(y == k), size=max(1, round(MAX_CV_ROWS * np.mean(y == k))),
                       replace=False) for k in np.unique(y)]))
        X, y = X.iloc[keep], y[keep]
    n_folds = 5 if len(y) <= 5000 else 3
    folds = list(StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed).split(X, y))
    results = []
    pool = candidates(schema, seed)
    for name, est in pool.items():
        losses = [_fold_loss(est, X, y, tr, te) for tr, te in folds]
        results.append(CandidateResult(name, candidate_params(name), float(np.mean(losses)),
                                       float(np.std(losses))))
    base = [_fold_loss(DummyClassifier(strategy="prior"), X, y, tr, te) for tr, te in folds]
    baseline = CandidateResult("prior", {"kind": "dummy_prior"}, float(np.mean(base)),
                               float(np.std(base)))
    best = min(results, key=lambda r: r.cv_log_loss)
    cal = [_fold_loss(calibrated(pool[best.name], len(tr), seed), X, y, tr, te) for tr, te in folds]
    cal_loss = float(np.mean(cal))
    return Selection(tuple(results), baseline, best.name, cal_loss < best.cv_log_loss, cal_loss,
                     n_folds, len(y))


def penalty_at(X: pd.DataFrame, y: np.ndarray, schema: FeatureSchema, size: int, *, seed: int = 0,
               repeats: int = 3) -> float:
    """The logistic-regression ``C`` that cross-validation picks on cohorts of ``size`` rows.

    Used for the bootstrap refits when the evidence is much smaller than the training sample: a
    219-citizen refit needs the penalty a 219-row cohort would get, not the one chosen for 20,000.
    Stratified subsamples of ``size`` rows, 5-fold CV each, mean log loss over all folds.
    """
    rng = np.random.default_rng(seed + 104729)
    losses: dict[float, list[float]] = {C: [] for C in LOGIT_C}
    share = {k: np.mean(y == k) for k in np.unique(y)}
    for r in range(repeats):
        rows = np.concatenate([rng.choice(np.flatnonzero(y == k), replace=False,
                                          size=min(int(np.sum(y == k)), max(5, round(size * s))))
                               for k, s in share.items()])
        Xs, ys = X.iloc[rows], y[rows]
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed + r).split(Xs, ys)
        for tr, te in folds:
            for C in LOGIT_C:
                losses[C].append(_fold_loss(_linear(schema, C), Xs, ys, tr, te))
    return min(LOGIT_C, key=lambda C: float(np.mean(losses[C])))
