"""Candidate outcome models, their stacked blend, and the choice by decision quality (issue 11).

Candidates (all see the offer and can express offer × citizen interactions):

* ``logit_s{s}_C{C}``: one-hot citizen features, offer indicators and offer × citizen interactions
  scaled by ``s`` (``s = 0``: main effects only), multinomial LogisticRegression with L2 penalty
  ``C`` (``C·s²`` the effective penalty on the interactions), on a small grid;
* ``hgb``: a regularised HistGradientBoostingClassifier (depth 3, learning rate 0.05, L2 1, 20 rows
  per leaf, native categories, the offer a categorical input, so trees split on offer × citizen);
* ``prior``: the outcome shares (a DummyClassifier), the baseline.

**The blend** ``blend:<linear>+…`` is a stack (Wolpert 1992; Breiman 1996; van der Laan's super
learner): the convex mixture of the linear candidates the stack relies on, ``hgb`` and the prior
whose out-of-fold likelihood is highest (:func:`~recommender.modelling.blend.mixture_weights`). The
prior share shrinks the probabilities toward the base rates without touching the ranking, so
shrinkage no longer costs offer contrasts the way a strong penalty did (the old one-standard-error
rule on log loss picked penalties that ranked like the offer marginals at 274 rows).

**The choice** sees decision quality: the cross-fitted doubly-robust value of each finalist's
top-offer policy (:mod:`~recommender.modelling.policy`). The blend is chosen unless the main linear
candidate or ``hgb`` alone has a higher policy value by more than ``SWITCH_SE`` paired standard
errors. A single candidate is calibrated by temperature scaling only when that lowers the CV log
loss without lowering its policy value; the blend's prior share is its calibration.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
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

from recommender.modelling.blend import AverageClassifier, mixture_weights
from recommender.modelling.features import FeatureSchema, OfferInteractions, citizen_encoder
from recommender.modelling.policy import dr_contributions, paired_se
from recommender.modelling.uncertainty import fit_propensity
from recommender.vocab import OFFER, OUTCOME

__all__ = ["CandidateResult", "Selection", "candidate", "candidates", "select"]

LOGIT_C = (0.3, 1.0)
INTERACTION_SCALES = (0.0, 0.1, 0.3, 1.0)
HGB_PARAMS = {"learning_rate": 0.05, "max_iter": 100, "max_depth": 3, "min_samples_leaf": 20,
              "l2_regularization": 1.0}
DEFAULT_WEIGHTS = np.array([1.0, 0.8, 0.4, 0.0])  # job, education, active, other (rules.yaml)
BLEND = "blend:"
SWITCH_SE = 2.0  # leave the blend only for a policy value this many paired SE higher
MAX_LINEAR = 3  # at most this many linear candidates in the blend (those the stack weighs most)
MIN_SHARE = 0.02  # a linear candidate with a smaller stack weight is left out of the blend
MIN_MODEL_SHARE = 0.05  # the models' joint share never falls below this (the prior cannot rank)
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
    stack_weight: float = float("nan")

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "name": self.name, "params": dict(self.params),
            "cv_log_loss": round(self.cv_log_loss, 6),
            "cv_log_loss_std": round(self.cv_log_loss_std, 6),
            "policy_value": round(self.policy_value, 6),
            "policy_value_se": round(self.policy_value_se, 6)}
        if np.isfinite(self.stack_weight):
            out["stack_weight"] = round(self.stack_weight, 6)
        return out


@dataclass(frozen=True)
class Selection:
    """The outcome of model selection: every candidate's CV figures and the choice; ``mix`` the
    blend's weights (``{"weights": [...], "prior_weight": …}``, see :func:`candidate`)."""

    candidates: tuple[CandidateResult, ...]
    baseline: CandidateResult
    selected: str
    calibrated: bool
    calibrated_cv_log_loss: float
    n_folds: int
    n_cv_rows: int
    fit_choice: str = ""
    reason: str = ""
    mix: Mapping[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {"candidates": [c.to_dict() for c in self.candidates],
                "baseline": self.baseline.to_dict(), "selected": self.selected,
                "calibrated": self.calibrated,
                "calibrated_cv_log_loss": round(self.calibrated_cv_log_loss, 6),
                "n_folds": self.n_folds, "n_cv_rows": self.n_cv_rows,
                "fit_choice": self.fit_choice, "reason": self.reason, "mix": dict(self.mix)}


def logit_name(scale: float, C: float) -> str:
    return f"logit_s{scale:g}_C{C:g}"


def _parse(name: str) -> tuple[float, float]:
    """(scale, C) of a linear candidate's name."""
    scale, C = name[len("logit_s"):].split("_C")
    return float(scale), float(C)


def _linear(schema: FeatureSchema, C: float, scale: float) -> Pipeline:
    return Pipeline([
        ("encode", citizen_encoder(schema, with_offer=True, kind="onehot")),
        ("interact", OfferInteractions(scale=scale)),
        ("clf", LogisticRegression(C=C, max_iter=2000, tol=1e-4)),
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
    (9, ['logit_s0_C0.3', 'logit_s0.1_C0.3'], 'hgb')
    """
    out: dict[str, Pipeline] = {logit_name(s, C): _linear(schema, C, s)
                                for C in sorted(LOGIT_C) for s in sorted(INTERACTION_SCALES)}
    out["hgb"] = _trees(schema, seed)
    return out


def blend_members(name: str) -> list[str]:
    """The candidates of a blend's name, ``hgb`` last: ``blend:a+b`` → ``['a', 'b', 'hgb']``."""
    return [*name[len(BLEND):].split("+"), "hgb"]


def candidate(schema: FeatureSchema, name: str, seed: int = 0,
              mix: Mapping[str, object] | None = None) -> Pipeline:
    """One candidate pipeline by name (unfitted), including ``blend:<linear>+…``: the mixture of
    those linear candidates, ``hgb`` and the prior with the weights ``mix`` (``{"weights": one per
    linear candidate and hgb, "prior_weight": …}``; default equal weights, no prior share).

    >>> from recommender.modelling.features import build_schema
    >>> blend = candidate(build_schema(), "blend:logit_s0.1_C1",
    ...                   mix={"weights": [0.3, 0.2], "prior_weight": 0.5})[-1]
    >>> blend.estimators[1][-1].max_depth, blend.prior_weight
    (3, 0.5)
    """
    pool = candidates(schema, seed)
    if name.startswith(BLEND):
        members = blend_members(name)
        if any(m not in pool or m == "hgb" for m in members[:-1]):
            raise ValueError(f"candidate: expected blend:<one or more of {list(pool)[:-1]} joined "
                             f"by +>; got {name!r}")
        mix = dict(mix or {})
        clf = AverageClassifier([pool[m] for m in members], weights=mix.get("weights"),  # type: ignore[arg-type]
                                prior_weight=float(mix.get("prior_weight", 0.0)))  # type: ignore[arg-type]
        return Pipeline([("encode", "passthrough"), ("clf", clf)])
    if name not in pool:
        raise ValueError(f"candidate: expected one of {list(pool)}; got {name!r}")
    return pool[name]


def candidate_params(name: str) -> dict[str, object]:
    if name.startswith("logit_s"):
        scale, C = _parse(name)
        return {"kind": "logistic_regression_offer_interactions", "C": C,
                "interaction_scale": scale}
    if name.startswith(BLEND):
        return {"kind": "stacked_mixture_with_prior", "of": blend_members(name)}
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


def _offer_means(offer_idx: np.ndarray, y_idx: np.ndarray, folds: list, n_classes: int
                 ) -> np.ndarray:
    """Cross-fitted outcome shares per offer, (n, offers, outcomes): the doubly-robust judge's
    outcome model. It is none of the candidates, so no candidate is judged by its own predictions
    (a policy that maximises the judge's model would look better than it is)."""
    onehot = np.eye(n_classes)[y_idx]
    out = np.zeros((len(y_idx), len(OFFER.codes), n_classes))
    for train, test in folds:
        overall = onehot[train].mean(axis=0)
        out[test] = np.stack([onehot[train][offer_idx[train] == o].mean(axis=0)
                              if np.any(offer_idx[train] == o) else overall
                              for o in range(len(OFFER.codes))])
    return out


def _floored(w: np.ndarray) -> np.ndarray:
    """Stack weights (models…, prior) whose models keep at least ``MIN_MODEL_SHARE`` together (in
    their own proportions, equal if all were 0): the prior alone cannot rank the offers."""
    models = w[:-1].sum()
    if models >= MIN_MODEL_SHARE:
        return w
    share = w[:-1] / models if models > 0 else np.full(len(w) - 1, 1.0 / (len(w) - 1))
    return np.append(MIN_MODEL_SHARE * share, 1.0 - MIN_MODEL_SHARE)


def _stack(oof: dict[str, np.ndarray], linear: list[str], offer_idx: np.ndarray,
           y_idx: np.ndarray, folds: list) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """The blend's members (linear candidates by stack weight, then ``hgb``), their final weights
    (members…, prior) from all rows, every candidate's weight in the full stack, and the blend's
    out-of-fold probabilities with cross-fitted weights (each fold's from the other folds)."""
    rows = np.arange(len(y_idx))
    lik = {n: _observed(oof[n], offer_idx)[rows, y_idx] for n in [*linear, "hgb", "prior"]}
    full = mixture_weights(np.column_stack([lik[n] for n in [*linear, "hgb", "prior"]]))
    order = sorted(range(len(linear)), key=lambda j: -full[j])
    kept = [linear[j] for j in order[:MAX_LINEAR] if full[j] >= MIN_SHARE] or [linear[order[0]]]
    members = [*kept, "hgb"]
    L = np.column_stack([lik[n] for n in [*members, "prior"]])
    out = np.zeros_like(oof["prior"])
    for train, test in folds:
        w = _floored(mixture_weights(L[train]))
        out[test] = sum(wi * oof[n][test] for wi, n in zip(w, [*members, "prior"]))
    return members, _floored(mixture_weights(L)), full, out


def select(X: pd.DataFrame, y: np.ndarray, schema: FeatureSchema, *, seed: int = 0,
           weights: np.ndarray = DEFAULT_WEIGHTS) -> Selection:
    """Cross-validate every candidate (stratified, seeded folds), stack them, choose by decision
    quality.

    ``X`` is the prepared feature frame plus ``offer``; ``y`` the outcome codes; ``weights`` the
    outcome weights in ``OUTCOME.codes`` order. Three finalists: the blend (see the module), the
    linear candidate it weighs most, and ``hgb``. The blend is chosen unless another finalist has
    a higher cross-fitted doubly-robust policy value by more than ``SWITCH_SE`` paired standard
    errors (see ``policy``). The blend's reported log loss and policy value use cross-fitted
    stack weights, so they are not flattered by weights chosen on the same predictions.
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
    members, mix, full, oof_blend = _stack(oof, linear, offer_idx, y_idx, folds)
    fit_choice = members[0]
    blend = BLEND + "+".join(members[:-1])
    oof[blend] = oof_blend
    losses = {n: [_loss(y_idx[te], _observed(oof[n][te], offer_idx[te])) for _, te in folds]
              for n in oof}
    w = np.array([weights[OUTCOME.codes.index(c)] for c in classes])
    nuisance = _offer_means(offer_idx, y_idx, folds, len(classes))
    judge = dict(offer_idx=offer_idx, y_idx=y_idx, weights=w, propensity=propensity,
                 nuisance=nuisance)
    dr = dr_contributions(oof, **judge)
    share = dict(zip([*linear, "hgb", "prior"], full))
    results = [CandidateResult(n, candidate_params(n) if n != "prior" else {"kind": "dummy_prior"},
                               float(np.mean(losses[n])), float(np.std(losses[n])),
                               float(np.mean(dr[n])), float(np.std(dr[n], ddof=1) / np.sqrt(len(y))),
                               float(share.get(n, float("nan"))))
               for n in [*linear, "hgb", blend, "prior"]]
    baseline = results.pop()
    chosen, reason = _decide(dr, fit_choice, blend)
    # Temperature scaling changes the weighted scores, hence possibly the ranking: used only when
    # it lowers the CV log loss without lowering the policy value (never for the blend).
    cal_loss, cal = _calibrated_oof(oof[chosen], offer_idx, y_idx, folds)
    cal_value = float(np.mean(dr_contributions({"cal": cal}, **judge)["cal"]))
    by_name = {r.name: r for r in results}
    use = (not chosen.startswith(BLEND) and cal_loss < by_name[chosen].cv_log_loss
           and cal_value >= by_name[chosen].policy_value)
    mixture = {"members": members, "weights": [round(float(v), 6) for v in mix[:-1]],
               "prior_weight": round(float(mix[-1]), 6)}
    return Selection(tuple(results), baseline, chosen, bool(use), cal_loss, n_folds, len(y),
                     fit_choice, reason, mixture if chosen.startswith(BLEND) else {})


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
        return blend, (f"the stacked mixture (weights by out-of-fold likelihood) ranks at least "
                       f"as well: neither {fit_choice} nor hgb alone has a clearly higher policy "
                       f"value (within {SWITCH_SE:g} paired SE)")
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
