"""Candidate outcome models and their selection by cross-validated log loss.

Candidates (all see the offer and can express offer × citizen interactions):

* ``logit_s{s}_C{C}``: one-hot citizen features, offer indicators, offer × citizen interactions
  scaled by ``s`` and one propensity log-odds column per offer, multinomial LogisticRegression with
  L2 penalty ``C``. Both are chosen by CV on a small grid: ``C`` is the penalty on every effect,
  ``C·s²`` the effective penalty on the interactions, so a 274-row cohort gets a strongly shrunk,
  not an over-confident, model and a large one can keep heterogeneous offer effects;
* ``hgb``: a regularised HistGradientBoostingClassifier (shallow trees, native categories, offer as
  a categorical input, so trees split on offer × citizen).

The ``prior`` DummyClassifier is reported beside them as the baseline. The chosen candidate is
calibrated by temperature scaling (CalibratedClassifierCV, ``ensemble=False``) only when that
lowers the CV log loss, judged on its out-of-fold predictions with a cross-fitted temperature.
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
from scipy.optimize import minimize_scalar

from recommender.modelling.features import FeatureSchema, OfferInteractions, citizen_encoder
from recommender.vocab import OUTCOME

__all__ = ["CandidateResult", "Selection", "candidates", "select"]

LOGIT_C = (0.005, 0.015, 0.05, 0.15, 0.5, 1.5)
INTERACTION_SCALES = (0.05, 0.15, 0.4)
MAX_CV_ROWS = 10_000  # model selection on at most this many rows (stratified subsample); fit on all


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


def logit_name(scale: float, C: float) -> str:
    return f"logit_s{scale:g}_C{C:g}"


def _parse(name: str) -> tuple[float, float]:
    """(scale, C) of a linear candidate's name."""
    scale, C = name[len("logit_s"):].split("_C")
    return float(scale), float(C)


def _linear(schema: FeatureSchema, C: float, scale: float) -> Pipeline:
    return Pipeline([
        ("encode", citizen_encoder(schema, with_offer=True, kind="onehot")),
        ("interact", OfferInteractions(scale=scale, propensity=True)),
        ("clf", LogisticRegression(C=C, max_iter=1000, tol=1e-4)),
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

    >>> from recommender.modelling.features import build_schema
    >>> names = list(candidates(build_schema()))
    >>> len(names), names[:2], names[-1]
    (19, ['logit_s0.05_C0.005', 'logit_s0.15_C0.005'], 'hgb')
    """
    out: dict[str, Pipeline] = {logit_name(s, C): _linear(schema, C, s)
                                for C in sorted(LOGIT_C) for s in sorted(INTERACTION_SCALES)}
    out["hgb"] = _trees(schema, seed)
    return out


def candidate_params(name: str) -> dict[str, object]:
    if name.startswith("logit_s"):
        scale, C = _parse(name)
        return {"kind": "logistic_regression_offer_interactions", "C": C,
                "interaction_scale": scale, "propensity_columns": True}
    return {"kind": "hist_gradient_boosting", "learning_rate": 0.08, "max_iter": 120, "max_depth": 3,
            "min_samples_leaf": 40, "l2_regularization": 1.0}


def calibrated(estimator: Pipeline, n_rows: int, seed: int) -> CalibratedClassifierCV:
    """Temperature-scaled version of ``estimator`` (one temperature, fitted on CV predictions)."""
    folds = StratifiedKFold(n_splits=3 if n_rows > 3000 else 5, shuffle=True, random_state=seed + 1)
    return CalibratedClassifierCV(estimator, method="temperature", cv=folds, ensemble=False)


def _fold_proba(estimator, X: pd.DataFrame, y: np.ndarray, train, test, classes) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        fitted = clone(estimator).fit(X.iloc[train], y[train])
    return _aligned(fitted.predict_proba(X.iloc[test]), fitted.classes_, classes)


def _aligned(proba: np.ndarray, have, classes) -> np.ndarray:
    out = np.full((len(proba), len(classes)), 1e-15)
    for j, c in enumerate(have):
        out[:, list(classes).index(c)] = proba[:, j]
    return out / out.sum(axis=1, keepdims=True)


def _loss(y_idx: np.ndarray, proba: np.ndarray) -> float:
    return float(log_loss(y_idx, np.clip(proba, 1e-15, 1.0), labels=range(proba.shape[1])))


def _logit_path(schema: FeatureSchema, X: pd.DataFrame, y: np.ndarray, train, test,
                scales=INTERACTION_SCALES, Cs=LOGIT_C) -> dict[str, np.ndarray]:
    """Test-fold probabilities of the linear candidates by name: the citizen encoding is fitted
    once per fold, and for each interaction scale the fits run along ``C`` (ascending), each
    warm-started from the previous, more penalised solution."""
    pipe = _linear(schema, Cs[0], scales[0])
    encode = pipe[:-2].fit(X.iloc[train], y[train])
    E_tr, E_te = encode.transform(X.iloc[train]), encode.transform(X.iloc[test])
    classes = np.unique(y)
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        for scale in sorted(scales):
            interact = clone(pipe[-2]).set_params(scale=scale).fit(E_tr)
            Z_tr, Z_te = interact.transform(E_tr), interact.transform(E_te)
            clf = clone(pipe[-1]).set_params(warm_start=True)
            for C in sorted(Cs):
                clf.set_params(C=C).fit(Z_tr, y[train])
                out[logit_name(scale, C)] = _aligned(clf.predict_proba(Z_te), clf.classes_, classes)
    return out


def _temperature(logp: np.ndarray, y_idx: np.ndarray) -> float:
    """The inverse temperature beta minimising the log loss of softmax(beta · log p)."""
    def loss(log_beta: float) -> float:
        z = np.exp(log_beta) * logp
        z = z - z.max(axis=1, keepdims=True)
        return float(-np.mean(z[np.arange(len(z)), y_idx] - np.log(np.exp(z).sum(axis=1))))
    return float(np.exp(minimize_scalar(loss, bounds=(-3.0, 3.0), method="bounded").x))


def _calibrated_oof_loss(oof: np.ndarray, y_idx: np.ndarray, folds) -> float:
    """CV log loss after temperature scaling, cross-fitted: each fold's temperature is learnt from
    the other folds' out-of-fold predictions only."""
    logp = np.log(np.clip(oof, 1e-15, 1.0))
    out = np.empty_like(oof)
    for train, test in folds:
        z = _temperature(logp[train], y_idx[train]) * logp[test]
        z = z - z.max(axis=1, keepdims=True)
        out[test] = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    return float(np.mean([_loss(y_idx[te], out[te]) for _, te in folds]))


def _one_se_choice(results: list[CandidateResult], n_folds: int) -> CandidateResult:
    """The simplest candidate within one standard error of the lowest CV log loss (Breiman's
    one-standard-error rule). Simplicity order: the linear models from strongest to weakest
    penalty ``C`` (at equal ``C`` the smaller interaction scale first), then the trees. A near-tie thus goes to the more regularised, exactly explainable
    model; a small cohort gets the stronger shrinkage."""
    best = min(results, key=lambda r: r.cv_log_loss)
    limit = best.cv_log_loss + best.cv_log_loss_std / np.sqrt(n_folds)
    return next(r for r in results if r.cv_log_loss <= limit)


def select(X: pd.DataFrame, y: np.ndarray, schema: FeatureSchema, *, seed: int = 0) -> Selection:
    """Cross-validate every candidate (stratified, seeded folds) and pick by the one-SE rule.

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
    classes = np.unique(y)
    y_idx = np.searchsorted(classes, y)
    pool = candidates(schema, seed)
    names = list(pool) + ["prior"]
    oof = {name: np.zeros((len(y), len(classes))) for name in names}
    for tr, te in folds:
        for name, proba in _logit_path(schema, X, y, tr, te).items():
            oof[name][te] = proba
        oof["hgb"][te] = _fold_proba(pool["hgb"], X, y, tr, te, classes)
        oof["prior"][te] = _fold_proba(DummyClassifier(strategy="prior"), X, y, tr, te, classes)
    results = []
    for name in names:
        losses = [_loss(y_idx[te], oof[name][te]) for _, te in folds]
        params = candidate_params(name) if name != "prior" else {"kind": "dummy_prior"}
        results.append(CandidateResult(name, params, float(np.mean(losses)), float(np.std(losses))))
    baseline = results.pop()
    chosen = _one_se_choice(results, n_folds)
    cal_loss = _calibrated_oof_loss(oof[chosen.name], y_idx, folds)
    return Selection(tuple(results), baseline, chosen.name, cal_loss < chosen.cv_log_loss, cal_loss,
                     n_folds, len(y))


def penalty_at(X: pd.DataFrame, y: np.ndarray, schema: FeatureSchema, size: int, *, scale: float,
               seed: int = 0, repeats: int = 3) -> float:
    """The logistic-regression ``C`` that model selection picks on cohorts of ``size`` rows (at the
    selected interaction ``scale``, by the same one-standard-error rule as :func:`select`).

    Used for the bootstrap refits when the evidence is much smaller than the training sample: a
    219-citizen refit needs the penalty a 219-row cohort would get, not the one chosen for 20,000.
    Stratified subsamples of ``size`` rows, 5-fold CV each, log loss over all folds.
    """
    rng = np.random.default_rng(seed + 104729)
    losses = []
    share = {k: np.mean(y == k) for k in np.unique(y)}
    Cs = sorted(LOGIT_C)
    for r in range(repeats):
        rows = np.concatenate([rng.choice(np.flatnonzero(y == k), replace=False,
                                          size=min(int(np.sum(y == k)), max(5, round(size * s))))
                               for k, s in share.items()])
        Xs, ys = X.iloc[rows], y[rows]
        folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed + r).split(Xs, ys)
        yi = np.searchsorted(np.unique(ys), ys)
        for tr, te in folds:
            path = _logit_path(schema, Xs, ys, tr, te, scales=(scale,), Cs=Cs)
            losses.append([_loss(yi[te], path[logit_name(scale, C)]) for C in Cs])
    losses = np.array(losses)
    results = [CandidateResult(logit_name(scale, C), {}, float(m), float(sd))
               for C, m, sd in zip(Cs, losses.mean(axis=0), losses.std(axis=0))]
    return _parse(_one_se_choice(results, len(losses)).name)[1]
