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

from recommender.modelling.blend import AverageClassifier
from recommender.modelling.features import FeatureSchema, OfferInteractions, citizen_encoder
from recommender.modelling.policy import dr_contributions, paired_se
from recommender.modelling.uncertainty import fit_propensity
from recommender.vocab import OFFER, OUTCOME

__all__ = ["CandidateResult", "Selection", "candidate", "candidates", "select"]

LOGIT_C = (0.005, 0.015, 0.05, 0.15, 0.5, 1.5)
INTERACTION_SCALES = (0.05, 0.15, 0.4)
OFFER_C = 1.0  # the penalty on the offer main effects and propensity columns (at least C)
HGB_PARAMS = {"learning_rate": 0.05, "max_iter": 100, "max_depth": 3, "min_samples_leaf": 20,
              "l2_regularization": 1.0}
DEFAULT_WEIGHTS = np.array([1.0, 0.8, 0.4, 0.0])  # job, education, active, other (rules.yaml)
BLEND = "blend:"
SWITCH_SE = 2.0  # leave the blend only for a policy value this many paired SE higher
MAX_CV_ROWS = 10_000  # model selection on at most this many rows (stratified subsample); fit on all


@dataclass(frozen=True)
class CandidateResult:
    """One candidate's cross-validated log loss (mean and standard deviation over folds) and the
    cross-fitted doubly-robust value of its top-offer policy (mean weighted outcome, and its SE)."""

    name: str
    params: dict = field(default_factory=dict)
    cv_log_loss: float = float("nan")
    cv_log_loss_std: float = float("nan")
    policy_value: float = float("nan")
    policy_value_se: float = float("nan")

    def to_dict(self) -> dict[str, object]:
        return {"name": self.name, "params": dict(self.params),
                "cv_log_loss": round(self.cv_log_loss, 6),
                "cv_log_loss_std": round(self.cv_log_loss_std, 6),
                "policy_value": round(self.policy_value, 6),
                "policy_value_se": round(self.policy_value_se, 6)}


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
    fit_choice: str = ""
    reason: str = ""

    def to_dict(self) -> dict[str, object]:
        return {"candidates": [c.to_dict() for c in self.candidates],
                "baseline": self.baseline.to_dict(), "selected": self.selected,
                "calibrated": self.calibrated,
                "calibrated_cv_log_loss": round(self.calibrated_cv_log_loss, 6),
                "n_folds": self.n_folds, "n_cv_rows": self.n_cv_rows,
                "fit_choice": self.fit_choice, "reason": self.reason}


def logit_name(scale: float, C: float) -> str:
    return f"logit_s{scale:g}_C{C:g}"


def _parse(name: str) -> tuple[float, float]:
    """(scale, C) of a linear candidate's name."""
    scale, C = name[len("logit_s"):].split("_C")
    return float(scale), float(C)


def offer_scale(C: float) -> float:
    """The factor on the offer columns that makes their effective penalty ``OFFER_C`` (never
    stronger than ``C``): the offer comparison is not shrunk with the citizen effects."""
    return float(max(1.0, np.sqrt(OFFER_C / C)))


def _linear(schema: FeatureSchema, C: float, scale: float) -> Pipeline:
    return Pipeline([
        ("encode", citizen_encoder(schema, with_offer=True, kind="onehot")),
        ("interact", OfferInteractions(scale=scale, propensity=True, offer_scale=offer_scale(C),
                                         prognostic=True)),
        ("clf", LogisticRegression(C=C, max_iter=1000, tol=1e-4)),
    ])


def _trees(schema: FeatureSchema, seed: int) -> Pipeline:
    n_cat = len(schema.categorical) + 1
    mask = [True] * n_cat + [False] * len(schema.numeric)
    return Pipeline([
        ("encode", citizen_encoder(schema, with_offer=True, kind="ordinal")),
        ("clf", HistGradientBoostingClassifier(
            **HGB_PARAMS, categorical_features=mask, early_stopping=False, random_state=seed)),
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


def candidate(schema: FeatureSchema, name: str, seed: int = 0) -> Pipeline:
    """One candidate pipeline by name (unfitted), including ``blend:<linear name>``: the plain
    average of that linear model and ``hgb`` (both read the prepared frame themselves).

    >>> from recommender.modelling.features import build_schema
    >>> candidate(build_schema(), "blend:logit_s0.15_C0.05")[-1].estimators[1][-1].max_depth
    3
    """
    if name.startswith(BLEND):
        pool = candidates(schema, seed)
        if name[len(BLEND):] not in pool:
            raise ValueError(f"candidate: expected blend:<one of {list(pool)[:-1]}>; got {name!r}")
        return Pipeline([("encode", "passthrough"),
                         ("clf", AverageClassifier([pool[name[len(BLEND):]], pool["hgb"]]))])
    return candidates(schema, seed)[name]


def candidate_params(name: str) -> dict[str, object]:
    if name.startswith("logit_s"):
        scale, C = _parse(name)
        return {"kind": "logistic_regression_offer_interactions", "C": C,
                "interaction_scale": scale, "propensity_columns": True}
    if name.startswith(BLEND):
        return {"kind": "average_of_probabilities", "of": [name[len(BLEND):], "hgb"]}
    return {"kind": "hist_gradient_boosting", **HGB_PARAMS}


def calibrated(estimator: Pipeline, n_rows: int, seed: int) -> CalibratedClassifierCV:
    """Temperature-scaled version of ``estimator`` (one temperature, fitted on CV predictions)."""
    folds = StratifiedKFold(n_splits=3 if n_rows > 3000 else 5, shuffle=True, random_state=seed + 1)
    return CalibratedClassifierCV(estimator, method="temperature", cv=folds, ensemble=False)


def _offer_frames(X: pd.DataFrame) -> list[pd.DataFrame]:
    """``X`` with its ``offer`` set to each offer in turn (to predict every offer for every row)."""
    return [X.assign(offer=o) for o in OFFER.codes]


def _fold_proba(estimator, X: pd.DataFrame, y: np.ndarray, train, test, classes) -> np.ndarray:
    """(n_test, offers, outcomes) probabilities of ``estimator`` fitted on the training fold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        fitted = clone(estimator).fit(X.iloc[train], y[train])
    return np.stack([_aligned(fitted.predict_proba(Xo), fitted.classes_, classes)
                     for Xo in _offer_frames(X.iloc[test])], axis=1)


def _aligned(proba: np.ndarray, have, classes) -> np.ndarray:
    out = np.full((len(proba), len(classes)), 1e-15)
    for j, c in enumerate(have):
        out[:, list(classes).index(c)] = proba[:, j]
    return out / out.sum(axis=1, keepdims=True)


def _loss(y_idx: np.ndarray, proba: np.ndarray) -> float:
    return float(log_loss(y_idx, np.clip(proba, 1e-15, 1.0), labels=range(proba.shape[1])))


def _logit_path(schema: FeatureSchema, X: pd.DataFrame, y: np.ndarray, train, test,
                scales=INTERACTION_SCALES, Cs=LOGIT_C) -> dict[str, np.ndarray]:
    """Test-fold probabilities (n_test, offers, outcomes) of the linear candidates by name: the
    citizen encoding and each scale's propensity columns are fitted once per fold, and for each
    interaction scale the fits run along ``C`` (ascending), each warm-started from the previous,
    more penalised solution."""
    pipe = _linear(schema, Cs[0], scales[0])
    encode = pipe[:-2].fit(X.iloc[train], y[train])
    E_tr = encode.transform(X.iloc[train])
    E_te = [encode.transform(Xo) for Xo in _offer_frames(X.iloc[test])]
    classes = np.unique(y)
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        for scale in sorted(scales):
            interact = clone(pipe[-2]).set_params(scale=scale).fit(E_tr, y[train])
            clf = clone(pipe[-1]).set_params(warm_start=True)
            for C in sorted(Cs):
                interact.set_params(offer_scale=offer_scale(C))
                clf.set_params(C=C).fit(interact.transform(E_tr), y[train])
                out[logit_name(scale, C)] = np.stack(
                    [_aligned(clf.predict_proba(interact.transform(E)), clf.classes_, classes)
                     for E in E_te], axis=1)
    return out


def _observed(proba: np.ndarray, offer_idx: np.ndarray) -> np.ndarray:
    """The (n, outcomes) probabilities under each row's own offer."""
    return proba[np.arange(len(proba)), offer_idx]


def _temperature(logp: np.ndarray, y_idx: np.ndarray) -> float:
    """The inverse temperature beta minimising the log loss of softmax(beta · log p)."""
    def loss(log_beta: float) -> float:
        z = np.exp(log_beta) * logp
        z = z - z.max(axis=1, keepdims=True)
        return float(-np.mean(z[np.arange(len(z)), y_idx] - np.log(np.exp(z).sum(axis=1))))
    return float(np.exp(minimize_scalar(loss, bounds=(-3.0, 3.0), method="bounded").x))


def _calibrated_oof(oof: np.ndarray, offer_idx: np.ndarray, y_idx: np.ndarray, folds
                    ) -> tuple[float, np.ndarray]:
    """CV log loss after temperature scaling and the temperature-scaled (n, offers, outcomes)
    predictions, cross-fitted: each fold's temperature is learnt from the other folds'
    out-of-fold predictions (under the offers received) only."""
    logp = np.log(np.clip(oof, 1e-15, 1.0))
    out = np.empty_like(oof)
    for train, test in folds:
        z = _temperature(_observed(logp[train], offer_idx[train]), y_idx[train]) * logp[test]
        z = z - z.max(axis=-1, keepdims=True)
        out[test] = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    seen = _observed(out, offer_idx)
    return float(np.mean([_loss(y_idx[te], seen[te]) for _, te in folds])), out


def _one_se_choice(results: list[CandidateResult], n_folds: int) -> CandidateResult:
    """The simplest candidate within one standard error of the lowest CV log loss (Breiman's
    one-standard-error rule). Simplicity order: the linear models from strongest to weakest
    penalty ``C`` (at equal ``C`` the smaller interaction scale first), then the trees. A near-tie thus goes to the more regularised, exactly explainable
    model; a small cohort gets the stronger shrinkage."""
    best = min(results, key=lambda r: r.cv_log_loss)
    limit = best.cv_log_loss + best.cv_log_loss_std / np.sqrt(n_folds)
    return next(r for r in results if r.cv_log_loss <= limit)


def _offer_index(X: pd.DataFrame) -> np.ndarray:
    index = {o: j for j, o in enumerate(OFFER.codes)}
    return np.array([index[o] for o in X["offer"].to_numpy()])


def _subsample(X: pd.DataFrame, y: np.ndarray, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """At most ``MAX_CV_ROWS`` rows (stratified by outcome) so selection stays fast."""
    if len(y) <= MAX_CV_ROWS:
        return X, y
    rng = np.random.default_rng(seed)
    keep = np.sort(np.concatenate([
        rng.choice(np.flatnonzero(y == k), size=max(1, round(MAX_CV_ROWS * np.mean(y == k))),
                   replace=False) for k in np.unique(y)]))
    return X.iloc[keep], y[keep]


def select(X: pd.DataFrame, y: np.ndarray, schema: FeatureSchema, *, seed: int = 0,
           weights: np.ndarray = DEFAULT_WEIGHTS) -> Selection:
    """Cross-validate every candidate (stratified, seeded folds) and choose by decision quality.

    ``X`` is the prepared feature frame plus ``offer``; ``y`` the outcome codes; ``weights`` the
    outcome weights in ``OUTCOME.codes`` order. Three finalists: the linear model the
    one-standard-error rule picks by log loss, ``hgb``, and ``blend:<that linear>`` (the plain
    average of the two). The blend is chosen unless another finalist has a higher cross-fitted
    doubly-robust policy value by more than one paired standard error (see ``policy``).
    """
    X, y = _subsample(X, y, seed)
    n_folds = 5 if len(y) <= 5000 else 3
    folds = list(StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed).split(X, y))
    classes = np.unique(y)
    y_idx = np.searchsorted(classes, y)
    offer_idx = _offer_index(X)
    pool = candidates(schema, seed)
    oof = {name: np.zeros((len(y), len(OFFER.codes), len(classes))) for name in [*pool, "prior"]}
    propensity = np.zeros((len(y), len(OFFER.codes)))
    citizens = X.drop(columns="offer")
    for tr, te in folds:
        for name, proba in _logit_path(schema, X, y, tr, te).items():
            oof[name][te] = proba
        oof["hgb"][te] = _fold_proba(pool["hgb"], X, y, tr, te, classes)
        oof["prior"][te] = _fold_proba(DummyClassifier(strategy="prior"), X, y, tr, te, classes)
        prop = fit_propensity(citizens.iloc[tr], X["offer"].to_numpy()[tr], schema)
        propensity[te] = _aligned(prop.predict_proba(citizens.iloc[te]), prop.classes_,
                                  list(OFFER.codes))
    linear = [n for n in pool if n.startswith("logit_s")]
    losses = {n: [_loss(y_idx[te], _observed(oof[n][te], offer_idx[te])) for _, te in folds]
              for n in oof}
    fit_choice = _one_se_choice([CandidateResult(n, {}, float(np.mean(losses[n])),
                                                 float(np.std(losses[n]))) for n in linear],
                                n_folds).name
    blend = BLEND + fit_choice
    oof[blend] = (oof[fit_choice] + oof["hgb"]) / 2
    losses[blend] = [_loss(y_idx[te], _observed(oof[blend][te], offer_idx[te])) for _, te in folds]
    w = np.array([weights[OUTCOME.codes.index(c)] for c in classes])
    nuisance = oof[min(losses, key=lambda n: np.mean(losses[n]))]
    judge = dict(offer_idx=offer_idx, y_idx=y_idx, weights=w, propensity=propensity,
                 nuisance=nuisance)
    dr = dr_contributions(oof, **judge)
    results = [CandidateResult(n, candidate_params(n) if n != "prior" else {"kind": "dummy_prior"},
                               float(np.mean(losses[n])), float(np.std(losses[n])),
                               float(np.mean(dr[n])), float(np.std(dr[n], ddof=1) / np.sqrt(len(y))))
               for n in [*linear, "hgb", blend, "prior"]]
    baseline = results.pop()
    chosen, reason = _decide(dr, fit_choice, blend)
    # Temperature scaling changes the weighted scores, hence possibly the ranking: used only when
    # it lowers the CV log loss without lowering the policy value.
    cal_loss, cal = _calibrated_oof(oof[chosen], offer_idx, y_idx, folds)
    cal_value = float(np.mean(dr_contributions({"cal": cal}, **judge)["cal"]))
    by_name = {r.name: r for r in results}
    use = (not chosen.startswith(BLEND) and cal_loss < by_name[chosen].cv_log_loss
           and cal_value >= by_name[chosen].policy_value)
    return Selection(tuple(results), baseline, chosen, bool(use), cal_loss, n_folds, len(y),
                     fit_choice, reason)


def _decide(dr: dict[str, np.ndarray], fit_choice: str, blend: str) -> tuple[str, str]:
    """The blend unless another finalist's policy value beats it by more than ``SWITCH_SE``
    paired standard errors (the doubly-robust value is noisy at a few hundred rows)."""
    best, margin = blend, 0.0
    for other in (fit_choice, "hgb"):
        gain = float(np.mean(dr[other] - dr[blend]))
        se = paired_se(dr[other], dr[blend])
        if gain > SWITCH_SE * se and gain - SWITCH_SE * se > margin:
            best, margin = other, gain - SWITCH_SE * se
    if best == blend:
        return blend, (f"the average of {fit_choice} (the log-loss choice, one-SE rule) and hgb; "
                       f"neither alone has a clearly higher policy value (within {SWITCH_SE:g} "
                       f"paired SE)")
    gain = float(np.mean(dr[best] - dr[blend]))
    return best, (f"its top-offer policy value beats the blend's by {gain:.4f}, more than "
                  f"{SWITCH_SE:g} paired SE ({paired_se(dr[best], dr[blend]):.4f})")


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
            own = _offer_index(Xs.iloc[te])
            losses.append([_loss(yi[te], _observed(path[logit_name(scale, C)], own)) for C in Cs])
    table = np.array(losses)
    results = [CandidateResult(logit_name(scale, C), {}, float(m), float(sd))
               for C, m, sd in zip(Cs, table.mean(axis=0), table.std(axis=0))]
    return _parse(_one_se_choice(results, len(losses)).name)[1]
