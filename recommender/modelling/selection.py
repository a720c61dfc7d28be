"""Model selection: the candidates' stacked blend and the choice by decision quality (issue 11).

The candidates (``logit_s{s}_C{C}``, ``hgb``, the blend and the prior baseline) are built in
:mod:`~recommender.modelling.candidates`.

**The blend** ``blend:<linear>+…`` is a stack (Wolpert 1992; Breiman 1996; van der Laan's super
learner): the convex mixture of the linear candidates the stack relies on, ``hgb`` and the prior
whose out-of-fold likelihood is highest (:mod:`~recommender.modelling.stacking`,
:func:`~recommender.modelling.blend.mixture_weights`). The prior share shrinks the probabilities
toward the base rates without touching the ranking, so shrinkage no longer costs offer contrasts
the way a strong penalty did (the old one-standard-error rule on log loss picked penalties that
ranked like the offer marginals at 274 rows).

**The choice** sees decision quality: the cross-fitted doubly-robust value of each top-offer policy
(:mod:`~recommender.modelling.policy`). The fitted weighting is the full stack unless its linear
members alone or ``hgb`` alone (each re-weighted with its own prior share, the others at weight 0)
has a higher policy value by more than ``SWITCH_SE`` paired standard errors.

**Credibility.** The blend serves that weighting with the share ``n / (n + 1,000)`` of ``n`` rows
and the **committee** (``COMMITTEE``: the four linear candidates at ``C = 0.1``, one per interaction
scale, and ``hgb``, equal weights, their own prior share) with the rest
(:func:`~recommender.modelling.stacking.credible`): on a few hundred rows no criterion tells the
better-ranking candidates from the others, and equal weights do not chase that noise.
There is no temperature calibration: the prior share is the calibration, and it cannot change
the ranking (a temperature can).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.metrics import log_loss
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline

from recommender.modelling.blend import mixture_weights
from recommender.modelling.candidates import (
    BLEND,
    INTERACTION_SCALES,
    LOGIT_C,
    candidate,
    candidate_params,
    candidates,
    linear_candidate,
    logit_name,
    parse_logit_name,
)
from recommender.modelling.features import FeatureSchema
from recommender.modelling.policy import dr_contributions, offer_means, paired_se
from recommender.modelling.stacking import (
    CREDIBILITY_ROWS,
    committee,
    credibility,
    credible,
    floored,
    observed,
    stack,
)
from recommender.modelling.tasks import Task, run_tasks, task
from recommender.modelling.uncertainty import fit_propensity
from recommender.vocab import OFFER, OUTCOME

__all__ = [
    "CandidateResult",
    "Selection",
    "plan_weights",
    "refit_plan",
    "refit_plan_tasks",
    "select",
]

COMMITTEE_C = 0.1  # the committee: one linear candidate per interaction scale at this C, and hgb
COMMITTEE = [f"logit_s{s:g}_C{COMMITTEE_C:g}" for s in INTERACTION_SCALES] + ["hgb"]
DEFAULT_WEIGHTS = np.array([1.0, 0.8, 0.4, 0.0])  # job, education, active, other (rules.yaml)
SWITCH_SE = 2.0  # leave the blend only for a policy value this many paired SE higher
MAX_CV_ROWS = 10_000  # model selection on at most this many rows (stratified subsample); fit on all
N_FOLDS_LARGE = 3  # folds above 5,000 rows (5 below)


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
            "name": self.name,
            "params": dict(self.params),
            "cv_log_loss": round(self.cv_log_loss, 6),
            "cv_log_loss_std": round(self.cv_log_loss_std, 6),
            "policy_value": round(self.policy_value, 6),
            "policy_value_se": round(self.policy_value_se, 6),
        }
        if np.isfinite(self.stack_weight):
            out["stack_weight"] = round(self.stack_weight, 6)
        return out


@dataclass(frozen=True)
class Selection:
    """The outcome of model selection: every candidate's CV figures and the choice; ``mix`` the
    blend's weights (``{"members", "weights", "prior_weight"}``, see :func:`candidate`; and how they
    were made: ``led_by`` the fitted weighting, ``credibility`` its share, ``committee``)."""

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
        return {
            "candidates": [c.to_dict() for c in self.candidates],
            "baseline": self.baseline.to_dict(),
            "selected": self.selected,
            "calibrated": self.calibrated,
            "calibrated_cv_log_loss": round(self.calibrated_cv_log_loss, 6),
            "n_folds": self.n_folds,
            "n_cv_rows": self.n_cv_rows,
            "fit_choice": self.fit_choice,
            "reason": self.reason,
            "mix": dict(self.mix),
        }


def _offer_frames(X: pd.DataFrame) -> list[pd.DataFrame]:
    """``X`` with its ``offer`` set to each offer in turn (to predict every offer for every row)."""
    return [X.assign(offer=o) for o in OFFER.codes]


def _fold_proba(estimator, X: pd.DataFrame, y: np.ndarray, train, test, classes) -> np.ndarray:
    """(n_test, offers, outcomes) probabilities of ``estimator`` fitted on the training fold."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=UserWarning)
        fitted = clone(estimator).fit(X.iloc[train], y[train])
    offers = getattr(fitted[-1], "predict_proba_offers", None) if isinstance(fitted, Pipeline) else None
    if offers is not None and tuple(fitted[-1].offer_codes) == tuple(
        float(j) for j in range(len(OFFER.codes))
    ):  # an offer contrast predicts every offer at once (its codes: the offers in OFFER order)
        every = offers(fitted[:-1].transform(X.iloc[test]))
        return np.stack(
            [_aligned(every[:, j], fitted[-1].classes_, classes) for j in range(every.shape[1])], axis=1
        )
    return np.stack(
        [_aligned(fitted.predict_proba(Xo), fitted.classes_, classes) for Xo in _offer_frames(X.iloc[test])],
        axis=1,
    )


def _aligned(proba: np.ndarray, have, classes) -> np.ndarray:
    out = np.full((len(proba), len(classes)), 1e-15)
    for j, c in enumerate(have):
        out[:, list(classes).index(c)] = proba[:, j]
    return out / out.sum(axis=1, keepdims=True)


def _loss(y_idx: np.ndarray, proba: np.ndarray) -> float:
    return float(log_loss(y_idx, np.clip(proba, 1e-15, 1.0), labels=range(proba.shape[1])))


def _logit_path(
    schema: FeatureSchema, X: pd.DataFrame, y: np.ndarray, train, test, scales=INTERACTION_SCALES, Cs=LOGIT_C
) -> dict[str, np.ndarray]:
    """Test-fold probabilities (n_test, offers, outcomes) of the linear candidates by name: the
    citizen encoding and each scale's propensity columns are fitted once per fold, and for each
    interaction scale the fits run along ``C`` (ascending), each warm-started from the previous,
    more penalised solution."""
    pipe = linear_candidate(schema, Cs[0], scales[0])
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
                    [_aligned(clf.predict_proba(interact.transform(E)), clf.classes_, classes) for E in E_te],
                    axis=1,
                )
    return out


def _fold_prior_propensity(
    schema: FeatureSchema, X: pd.DataFrame, y: np.ndarray, train, test, classes
) -> tuple[np.ndarray, np.ndarray]:
    """The prior's test-fold probabilities and the propensity model's P(offer | citizen) there."""
    prior = _fold_proba(DummyClassifier(strategy="prior"), X, y, train, test, classes)
    citizens = X.drop(columns="offer")
    prop = fit_propensity(citizens.iloc[train], X["offer"].to_numpy()[train], schema)
    return prior, _aligned(prop.predict_proba(citizens.iloc[test]), prop.classes_, list(OFFER.codes))


def _offer_index(X: pd.DataFrame) -> np.ndarray:
    index = {o: j for j, o in enumerate(OFFER.codes)}
    return np.array([index[o] for o in X["offer"].to_numpy()])


def _subsample(X: pd.DataFrame, y: np.ndarray, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    """At most ``MAX_CV_ROWS`` rows (stratified by outcome) so selection stays fast."""
    if len(y) <= MAX_CV_ROWS:
        return X, y
    rng = np.random.default_rng(seed)
    keep = np.sort(
        np.concatenate(
            [
                rng.choice(
                    np.flatnonzero(y == k), size=max(1, round(MAX_CV_ROWS * np.mean(y == k))), replace=False
                )
                for k in np.unique(y)
            ]
        )
    )
    return X.iloc[keep], y[keep]


def select(
    X: pd.DataFrame,
    y: np.ndarray,
    schema: FeatureSchema,
    *,
    seed: int = 0,
    weights: np.ndarray = DEFAULT_WEIGHTS,
    n_jobs: int | None = 1,
) -> Selection:
    """Cross-validate every candidate (stratified, seeded folds), stack them, choose by decision
    quality.

    ``X`` is the prepared feature frame plus ``offer``; ``y`` the outcome codes; ``weights`` the
    outcome weights in ``OUTCOME.codes`` order. Three finalists: the blend (see the module), its
    linear members alone (led by the one it weighs most or, on more than ``LEAD_ROWS`` rows, by the
    best linear candidate alone; see :func:`~recommender.modelling.stacking.stack`), and ``hgb``.
    The blend is chosen unless another finalist has a higher cross-fitted doubly-robust policy
    value by more than ``SWITCH_SE`` paired standard errors (see ``policy``). The blend's reported
    log loss and policy value use cross-fitted stack weights, so they are not flattered by weights
    chosen on the same predictions. The folds' fits run on ``n_jobs`` processes
    (:func:`~recommender.modelling.tasks.run_tasks`); the selection does not depend on ``n_jobs``.
    """
    X, y = _subsample(X, y, seed)
    n_folds = 5 if len(y) <= 5000 else N_FOLDS_LARGE
    folds = list(StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed).split(X, y))
    classes = np.unique(y)
    y_idx = np.searchsorted(classes, y)
    offer_idx = _offer_index(X)
    pool = candidates(schema, seed, len(y))
    oof = {name: np.zeros((len(y), len(OFFER.codes), len(classes))) for name in [*pool, "prior"]}
    propensity = np.zeros((len(y), len(OFFER.codes)))
    # each fold's fits as independent tasks (one per interaction scale, hgb, prior and propensity)
    tasks = [
        t
        for tr, te in folds
        for t in (
            task(_fold_proba, pool["hgb"], X, y, tr, te, classes, label="select: hgb fold"),
            *(
                task(_logit_path, schema, X, y, tr, te, scales=(s,), label="select: linear fold")
                for s in INTERACTION_SCALES
            ),
            task(_fold_prior_propensity, schema, X, y, tr, te, classes, label="select: prior, propensity"),
        )
    ]
    done = iter(run_tasks(tasks, n_jobs))
    for _, te in folds:
        oof["hgb"][te] = next(done)
        for _ in INTERACTION_SCALES:
            for name, proba in next(done).items():
                oof[name][te] = proba
        oof["prior"][te], propensity[te] = next(done)
    linear = [n for n in pool if n.startswith("logit_s")]
    members, full, weightings = stack(oof, linear, offer_idx, y_idx, folds)
    stack_lead, stacked = members[0], BLEND + "+".join(members[:-1])
    w = np.array([weights[OUTCOME.codes.index(c)] for c in classes])
    judge = dict(
        offer_idx=offer_idx,
        y_idx=y_idx,
        weights=w,
        propensity=propensity,
        nuisance=offer_means(offer_idx, y_idx, folds, len(OFFER.codes), len(classes)),
    )
    # the finalists are judged as the blend would serve them: with their prior share
    led = {stack_lead: "linear", "hgb": "hgb", stacked: "stack"}
    finalists = dr_contributions({n: weightings[v][1] for n, v in led.items()}, **judge)
    chosen, reason = _decide(finalists, stack_lead, stacked)
    fitted, fitted_oof = weightings[led[chosen]]
    equal, equal_oof = committee(COMMITTEE, oof, offer_idx, y_idx, folds)
    z = credibility(len(y))
    served, mix = credible((members, fitted), (COMMITTEE, equal), z)
    blend = BLEND + "+".join(served[:-1])
    oof[blend] = z * fitted_oof + (1 - z) * equal_oof
    losses = {n: [_loss(y_idx[te], observed(oof[n][te], offer_idx[te])) for _, te in folds] for n in oof}
    dr = dr_contributions(oof, **judge)
    share = dict(zip([*linear, "hgb", "prior"], full))
    results = [
        CandidateResult(
            n,
            candidate_params(n, len(y)) if n != "prior" else {"kind": "dummy_prior"},
            float(np.mean(losses[n])),
            float(np.std(losses[n])),
            float(np.mean(dr[n])),
            float(np.std(dr[n], ddof=1) / np.sqrt(len(y))),
            float(share.get(n, float("nan"))),
        )
        for n in [*linear, "hgb", blend, "prior"]
    ]
    baseline = results.pop()
    fit_choice = served[0]  # the heaviest linear member of the served blend
    reason += (
        f". Served: {z:.3f} x that weighting + {1 - z:.3f} x the committee's equal weights "
        f"(the linear candidates at C = {COMMITTEE_C:g} and hgb); credibility "
        f"n/(n + {CREDIBILITY_ROWS:,}) at n = {len(y):,}, as fitted weights are noisy on "
        f"few rows"
    )
    mixture = {
        "members": served,
        "led_by": led[chosen],
        "credibility": round(z, 6),
        "committee": list(COMMITTEE),
        "weights": [round(float(v), 6) for v in mix[:-1]],
        "prior_weight": round(float(mix[-1]), 6),
    }
    return Selection(
        tuple(results),
        baseline,
        blend,
        False,
        float(np.mean(losses[blend])),
        n_folds,
        len(y),
        fit_choice,
        reason,
        mixture,
    )


def _decide(dr: dict[str, np.ndarray], fit_choice: str, blend: str) -> tuple[str, str]:
    """Which weighting of the blend's members serves: the full stack unless the linear members
    alone (``fit_choice``) or the trees alone (``hgb``), each with its own prior share, have a
    higher policy value by more than ``SWITCH_SE`` paired standard errors (the doubly-robust value
    is noisy at a few hundred rows)."""
    best, margin = blend, 0.0
    for other in (fit_choice, "hgb"):
        gain = float(np.mean(dr[other] - dr[blend]))
        se = paired_se(dr[other], dr[blend])
        if gain > SWITCH_SE * se and gain - SWITCH_SE * se > margin:
            best, margin = other, gain - SWITCH_SE * se
    if best == blend:
        return blend, (
            f"the stacked mixture (weights by out-of-fold likelihood) ranks at least "
            f"as well: neither its linear members nor hgb alone has a clearly higher "
            f"policy value (within {SWITCH_SE:g} paired SE)"
        )
    gain = float(np.mean(dr[best] - dr[blend]))
    alone = "its linear members" if best == fit_choice else "hgb"
    return best, (
        f"{alone} alone (with the prior share) rank better: policy value "
        f"{gain:+.4f} over the full stack, more than {SWITCH_SE:g} paired SE "
        f"({paired_se(dr[best], dr[blend]):.4f}); the other members get weight 0"
    )


def refit_plan_tasks(
    X: pd.DataFrame,
    y: np.ndarray,
    schema: FeatureSchema,
    size: int,
    members: list[str],
    *,
    seed: int = 0,
    repeats: int = 3,
) -> list[Task]:
    """The cross-validation fits behind :func:`refit_plan`, as independent tasks (the subsamples
    drawn here, in order, from one seeded generator); :func:`plan_weights` turns their results,
    in the same order, into the plan. Its ``hgb`` is the plain forest the bootstrap refits fit (an
    offer contrast's level forest, :func:`~recommender.modelling.uncertainty.bootstrap_refits`)."""
    rng = np.random.default_rng(seed + 104729)
    share = {k: np.mean(y == k) for k in np.unique(y)}
    scales = tuple(sorted({parse_logit_name(m)[0] for m in members[:-1]}))
    out = []
    for r in range(repeats):
        picked = np.concatenate(
            [
                rng.choice(
                    np.flatnonzero(y == k),
                    replace=False,
                    size=min(int(np.sum(y == k)), max(5, round(size * s))),
                )
                for k, s in share.items()
            ]
        )
        Xs, ys = X.iloc[picked], y[picked]
        for tr, te in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed + r).split(Xs, ys):
            out.append(task(_plan_fold, schema, Xs, ys, tr, te, scales, seed, label="plan: fold"))
    return out


def _plan_fold(
    schema: FeatureSchema,
    Xs: pd.DataFrame,
    ys: np.ndarray,
    tr,
    te,
    scales: tuple,
    seed: int,
) -> dict[str, tuple[float, np.ndarray]]:
    """One fold of :func:`refit_plan`: each candidate's test-fold log loss and likelihood of the
    outcomes seen (under each row's own offer)."""
    classes = np.unique(ys)
    yi = np.searchsorted(classes, ys)
    own = _offer_index(Xs.iloc[te])
    probas = _logit_path(schema, Xs, ys, tr, te, scales=scales, Cs=LOGIT_C)
    probas["hgb"] = _fold_proba(candidate(schema, "hgb", seed), Xs, ys, tr, te, classes)
    probas["prior"] = _fold_proba(DummyClassifier(strategy="prior"), Xs, ys, tr, te, classes)
    out = {}
    for name, proba in probas.items():
        seen = observed(proba, own)
        out[name] = (_loss(yi[te], seen), seen[np.arange(len(te)), yi[te]])
    return out


def plan_weights(
    folds: list[dict[str, tuple[float, np.ndarray]]], members: list[str], size: int
) -> tuple[list[float], np.ndarray]:
    """The plan (see :func:`refit_plan`) from the results of :func:`refit_plan_tasks`, in order."""
    losses: dict[str, list[float]] = {}
    lik: dict[str, list[np.ndarray]] = {}
    for fold in folds:
        for name, (loss, seen) in fold.items():
            losses.setdefault(name, []).append(loss)
            lik.setdefault(name, []).append(seen)
    linear = members[:-1]
    Cs = [
        parse_logit_name(m)[1]
        if m in COMMITTEE
        else min(LOGIT_C, key=lambda C: float(np.mean(losses[logit_name(parse_logit_name(m)[0], C)])))
        for m in linear
    ]
    parts = [logit_name(parse_logit_name(m)[0], C) for m, C in zip(linear, Cs)] + ["hgb", "prior"]
    L = np.column_stack([np.concatenate(lik[n]) for n in parts])
    fitted = floored(mixture_weights(L))
    # equal weights on the blend's own members: a blend fitted on many rows may hold none of the
    # committee's linear members, and the draws can only mix the members the point model has
    w = floored(mixture_weights(np.column_stack([L[:, :-1].mean(axis=1), L[:, -1]])))
    equal = np.append(np.full(len(members), w[0] / len(members)), w[1])
    z = credibility(size)
    return Cs, z * fitted + (1 - z) * equal


def refit_plan(
    X: pd.DataFrame,
    y: np.ndarray,
    schema: FeatureSchema,
    size: int,
    members: list[str],
    *,
    seed: int = 0,
    repeats: int = 3,
    n_jobs: int | None = 1,
) -> tuple[list[float], np.ndarray]:
    """How a cohort of ``size`` rows would fit the blend's ``members`` (linear ones, then ``hgb``):
    per linear member the ``C`` of ``LOGIT_C`` with the lowest CV log loss at its interaction scale
    (a committee member keeps its own), and the weights (members + prior) at that size: the stack
    weights over the members and equal weights on them, mixed with that size's credibility.

    Used for the bootstrap refits when the evidence is much smaller than the training sample: a
    219-citizen refit needs the penalty and the prior share a 219-row cohort would get, not the
    ones chosen on 20,000 rows (the intervals of a model trained on a large synthetic sample would
    be far too wide or too narrow). Stratified subsamples of ``size`` rows, 5-fold CV each, the
    folds on ``n_jobs`` processes (the plan does not depend on ``n_jobs``).
    """
    tasks = refit_plan_tasks(X, y, schema, size, members, seed=seed, repeats=repeats)
    return plan_weights(run_tasks(tasks, n_jobs), members, size)
