"""Training the outcome model, in three named steps: fit the point model, refit it on bootstrap
resamples, write the manifest. :func:`recommender.model.train` is the public front; it builds the
:class:`~recommender.model.OutcomeModel` from the :class:`FittedParts` returned here.

* :func:`fit_point`: model selection (issue 11: a stacked blend of linear candidates, boosted trees
  and the prior, its weighting checked by decision quality), fitted on every row with an offer;
* :func:`fit_bootstrap`: the selected classifier refitted on ``n_bootstrap`` resamples of the real
  evidence size (for the intervals), across ``n_jobs`` processes with identical results;
* :func:`build_manifest`: the typed, checked :class:`~recommender.modelling.manifest.ModelManifest`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.pipeline import Pipeline

from recommender.cohort import Cohort
from recommender.errors import CohortError, RecommenderError, show_value
from recommender.modelling.blend import AverageClassifier
from recommender.modelling.candidates import candidate
from recommender.modelling.features import FeatureSchema, build_schema, offer_column, prepare
from recommender.modelling.manifest import ModelManifest, check_manifest, check_settings
from recommender.modelling.manifest_check import package_stamp
from recommender.modelling.persist import library_versions
from recommender.modelling.profile import intake_profile, offer_profiles
from recommender.modelling.selection import (
    DEFAULT_WEIGHTS,
    Selection,
    plan_weights,
    refit_plan,
    refit_plan_tasks,
    select,
)
from recommender.modelling.tasks import run_tasks, task
from recommender.modelling.uncertainty import INTERVAL_LEVEL, bootstrap_refits, fit_propensity
from recommender.vocab import FIELDS, OFFER, OUTCOME

__all__ = ["FittedParts", "PointFit", "build_manifest", "fit", "fit_bootstrap", "fit_point", "training_rows"]


@dataclass(frozen=True)
class PointFit:
    """The selected model fitted on all rows: ``estimator`` (maybe calibrated), ``pipeline`` (the
    uncalibrated pipeline inside it) and ``selection`` (every candidate's CV figures)."""

    estimator: Any
    pipeline: Pipeline
    selection: Selection


@dataclass(frozen=True)
class FittedParts:
    """Everything :func:`fit` produces: the scikit-learn objects and the manifest."""

    estimator: Any
    boot: tuple
    propensity: Pipeline
    manifest: ModelManifest


def training_rows(cohort: Cohort, evidence_size: int | None) -> tuple[pd.DataFrame, np.ndarray, int]:
    """The rows with an offer, their outcomes and the evidence size (checked)."""
    frame = cohort.frame
    has_offer = frame["offer"].notna().to_numpy()
    n_with_offer = int(has_offer.sum())
    data = frame.loc[has_offer].reset_index(drop=True)
    y = data["outcome"].astype(str).to_numpy()
    if n_with_offer < 20 or len(np.unique(y)) < 2:
        raise CohortError(
            f"too few rows with an offer to train on: {n_with_offer} rows, "
            f"{len(np.unique(y))} outcomes (need at least 20 rows and 2 outcomes)"
        )
    if evidence_size is None:
        evidence_size = n_with_offer
    if (
        isinstance(evidence_size, bool)
        or not isinstance(evidence_size, (int, np.integer))
        or not 20 <= evidence_size <= n_with_offer
    ):
        # more citizens than had an offer would make the screen claim evidence that never existed
        raise RecommenderError(
            f"evidence_size (--evidence-size): expected a whole number 20–{n_with_offer:,} "
            f"(at most the {n_with_offer:,} cases with an offer) / et heltal højst antallet "
            f"af forløb med tilbud; got {show_value(evidence_size)}"
        )
    return data, y, int(evidence_size)


def _integer_classes(classes: object) -> bool:
    return bool(np.issubdtype(np.asarray(classes).dtype, np.integer))


def fit_point(
    X: pd.DataFrame, y: np.ndarray, schema: FeatureSchema, *, seed: int, weights: np.ndarray | None = None
) -> PointFit:
    """Select the blend and its weighting (see :func:`~recommender.modelling.selection.select`;
    ``weights`` the outcome weights in ``OUTCOME.codes`` order) and fit it on all rows."""
    selection = select(X, y, schema, seed=seed, weights=DEFAULT_WEIGHTS if weights is None else weights)
    pipeline = candidate(schema, selection.selected, seed, mix=selection.mix, rows=selection.n_cv_rows)
    fitted = pipeline.fit(X, y)
    return PointFit(fitted, fitted, selection)


def _needs_plan(selection: Selection, evidence_size: int, n_rows: int) -> bool:
    """Whether the refits need their own plan (a blend whose evidence is much smaller than its rows)."""
    return evidence_size < n_rows / 2 and selection.selected.startswith("blend:")


def _fit_point_and_plan(
    X: pd.DataFrame,
    y: np.ndarray,
    schema: FeatureSchema,
    *,
    seed: int,
    weights: np.ndarray | None,
    evidence_size: int,
    n_jobs: int | None,
) -> tuple[PointFit, tuple[list[float], np.ndarray] | None]:
    """:func:`fit_point` and the refits' plan (:func:`~recommender.modelling.selection.refit_plan`).
    With ``n_jobs`` other than 1 the selection's folds run on ``n_jobs`` processes, then the point
    fit and the plan's folds side by side (:func:`~recommender.modelling.tasks.run_tasks`); the
    results are the same either way."""
    selection = select(
        X, y, schema, seed=seed, weights=DEFAULT_WEIGHTS if weights is None else weights, n_jobs=n_jobs
    )
    pipeline = candidate(schema, selection.selected, seed, mix=selection.mix, rows=selection.n_cv_rows)
    members = [str(m) for m in selection.mix.get("members") or []]  # type: ignore[attr-defined]
    if not _needs_plan(selection, evidence_size, len(y)):
        fitted = pipeline.fit(X, y)
        return PointFit(fitted, fitted, selection), None
    plan = refit_plan_tasks(X, y, schema, evidence_size, members, seed=seed)
    fitted, *folds = run_tasks([task(pipeline.fit, X, y, label="point fit"), *plan], n_jobs)
    return PointFit(fitted, fitted, selection), plan_weights(folds, members, evidence_size)


def fit_bootstrap(
    point: PointFit,
    X: pd.DataFrame,
    y: np.ndarray,
    schema: FeatureSchema,
    *,
    evidence_size: int,
    n_bootstrap: int,
    seed: int,
    n_jobs: int | None = 1,
    plan: tuple[list[float], np.ndarray] | None = None,
) -> tuple[list, float | None]:
    """The bootstrap refits of the selected classifier at the evidence size, and the penalty the
    (main) linear refits used when it differs from the point model's (``None`` otherwise).

    When the evidence is much smaller than the sample (a model trained on a large synthetic cohort
    standing in for 219 real citizens), the blend's refits use the penalties and the stack weights
    a cohort of the evidence size would get (:func:`~recommender.modelling.selection.refit_plan`);
    the intervals keep the point model's centre and take their spread from these draws."""
    fitted = point.pipeline
    Z = fitted[:-1].transform(X)
    y_fit = np.searchsorted(point.estimator.classes_, y) if _integer_classes(fitted[-1].classes_) else y
    clf, boot_C, start = fitted[-1], None, fitted[-1]
    if evidence_size < len(y) / 2 and isinstance(clf, AverageClassifier):
        members = [str(m) for m in point.selection.mix.get("members") or []]  # type: ignore[attr-defined]
        Cs, weights = (
            plan if plan is not None else refit_plan(X, y, schema, evidence_size, members, seed=seed)
        )
        *linear, trees = clf.estimators
        used = np.array(clf.mixture()[0]) > 0  # a member the weighting left out stays at 0
        w = np.where(np.append(used, True), weights, 0.0)
        clf = clone(clf).set_params(
            estimators=[*(clone(m).set_params(clf__C=C) for m, C in zip(linear, Cs)), trees],
            weights=list(w[:-1]),
            prior_weight=float(w[-1]),
        )
        boot_C, start = Cs[0], None
    boot = bootstrap_refits(
        clf,
        Z,
        y_fit,
        evidence_size=evidence_size,
        n_bootstrap=n_bootstrap,
        seed=seed,
        n_jobs=n_jobs,
        start=start,
        point=fitted[-1],
    )
    return boot, boot_C


def _baseline_values(X: pd.DataFrame, schema: FeatureSchema) -> dict[str, object]:
    out: dict[str, object] = {}
    for name, _ in schema.categorical:
        value = X[name].value_counts().idxmax()
        out[name] = (value == "true") if FIELDS[name].kind == "bool" else value
    for name in schema.numeric:
        out[name] = int(np.median(X[name]))
    return out


def _cohort_record(cohort: Cohort) -> dict[str, str]:
    """Which cohort: fingerprint and source, and (for the provenance line) the period of its closing
    dates and its municipalities, when the cohort has them."""
    out = {"fingerprint": cohort.fingerprint, "source": str(cohort.source)}
    frame = cohort.frame
    if "closed_on" in frame.columns and frame["closed_on"].notna().any():
        dates = pd.to_datetime(frame["closed_on"]).dropna()
        out["period"] = f"{dates.min():%Y-%m-%d}..{dates.max():%Y-%m-%d}"
    if "municipality" in frame.columns:
        out["municipalities"] = "; ".join(sorted(frame["municipality"].dropna().astype(str).unique()))
    return out


def build_manifest(
    cohort: Cohort,
    X: pd.DataFrame,
    y: np.ndarray,
    schema: FeatureSchema,
    point: PointFit,
    *,
    evidence_size: int,
    n_bootstrap: int,
    bootstrap_C: float | None,
    seed: int,
    support_threshold: float,
    rules_version: str | None,
) -> ModelManifest:
    """The model's manifest, checked by the same function that checks it when a file is loaded."""
    n_with_offer = len(y)
    counts = X["offer"].value_counts()
    steps = point.pipeline.named_steps
    data: dict[str, object] = {
        "schema": schema.to_dict(),
        "training_cohort": _cohort_record(cohort),
        "n_rows": cohort.n_rows,
        "n_with_offer": n_with_offer,
        "n_left_out": cohort.n_rows - n_with_offer,
        "evidence_size": evidence_size,
        "n_bootstrap": n_bootstrap,
        "bootstrap_C": bootstrap_C,
        "interval_level": INTERVAL_LEVEL,
        "selection": point.selection.to_dict(),
        "interaction_scale": steps["interact"].scale if "interact" in steps else None,
        "seed": seed,
        "allow_protected": schema.allow_protected,
        "support_threshold": support_threshold,
        "offer_evidence": {
            o: int(round(counts.get(o, 0) / n_with_offer * evidence_size)) for o in OFFER.codes
        },
        "baseline": _baseline_values(X, schema),
        "outcome_prior": {k: float(np.mean(y == k)) for k in OUTCOME.codes},
        "rules_version": rules_version,
        "synthetic": cohort.synthetic,
        "libraries": library_versions(),
        "intake_profile": intake_profile(cohort.frame),  # drift reference (all rows, offer or not)
        "offer_profile": offer_profiles(cohort.frame),  # answer x offer: thin combinations (issue 24)
        "package": package_stamp(),
    }
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    data["version"] = f"om-{digest[:12]}"
    data["created"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    return check_manifest(data)


def fit(
    cohort: Cohort,
    *,
    seed: int,
    allow_protected: bool,
    evidence_size: int | None,
    n_bootstrap: int,
    rules_version: str | None,
    support_threshold: float,
    n_jobs: int | None = 1,
    weights: np.ndarray | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> FittedParts:
    """Fit the point model, the bootstrap refits and the propensity model; write the manifest.

    The settings the manifest records are checked first, by the manifest's own check, so a model
    that trains also saves and loads.
    """
    check_settings(support_threshold=support_threshold, n_bootstrap=n_bootstrap, seed=seed)
    data, y, evidence_size = training_rows(cohort, evidence_size)
    schema = build_schema(data, allow_protected=allow_protected)
    X = prepare(data, schema)
    X["offer"] = offer_column(data).to_numpy()
    progress(f"1/3 modelvalg ved krydsvalidering / model selection by cross-validation ({len(y):,} rows)")
    point, plan = _fit_point_and_plan(
        X, y, schema, seed=seed, weights=weights, evidence_size=evidence_size, n_jobs=n_jobs
    )
    progress(f"2/3 usikkerhed / intervals: {n_bootstrap} bootstrap refits of {point.selection.selected}")
    boot, boot_C = fit_bootstrap(
        point,
        X,
        y,
        schema,
        evidence_size=evidence_size,
        n_bootstrap=n_bootstrap,
        seed=seed,
        n_jobs=n_jobs,
        plan=plan,
    )
    progress("3/3 støtte / support: propensity model")
    propensity = fit_propensity(X.drop(columns="offer"), X["offer"].to_numpy(), schema)
    manifest = build_manifest(
        cohort,
        X,
        y,
        schema,
        point,
        evidence_size=evidence_size,
        n_bootstrap=n_bootstrap,
        bootstrap_C=boot_C,
        seed=seed,
        support_threshold=float(support_threshold),
        rules_version=rules_version,
    )
    return FittedParts(point.estimator, tuple(boot), propensity, manifest)
