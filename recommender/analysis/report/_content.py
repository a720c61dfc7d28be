"""The numbers behind the HTML report, computed once from a cohort, a model and the rules.

Everything is measured on the cohort's rows with a registered offer, using the model's estimate for
the offer each citizen actually received (the only estimate that can be compared with an outcome).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from recommender.analysis.compare import (
    Comparison,
    compare_models,
    mean_interval,
    per_case_losses,
    top_offer_shares,
)
from recommender.analysis.evaluation import evaluate, is_training_cohort
from recommender.cohort import Cohort
from recommender.errors import RecommenderError
from recommender.synth import load_figures
from recommender.vocab import LABOUR_FORCE_OUTCOMES, OFFER, OUTCOME, TYPOLOGY

__all__ = [
    "GroupMetric",
    "MunicipalityRow",
    "OfferOutcome",
    "ReportContent",
    "ReportError",
    "compute_content",
    "table38",
]

MIN_CELL = 5  # municipalities with fewer cases are pooled (no figure about fewer than 5 citizens)

_LF_IDX = [OUTCOME.codes.index(c) for c in LABOUR_FORCE_OUTCOMES]


class ReportError(RecommenderError):
    """The report cannot be made: nothing to evaluate, or an output path that is not ours to replace."""


@dataclass(frozen=True)
class Calibration:
    """A reliability curve for one outcome (quantile bins) and its Brier score."""

    outcome: str
    mean_predicted: tuple[float, ...]
    observed: tuple[float, ...]
    counts: tuple[int, ...]
    brier: float
    observed_share: float
    mean_prediction: float


@dataclass(frozen=True)
class OfferOutcome:
    """Observed and mean predicted outcome shares for the citizens who received one offer."""

    offer: str
    n: int
    observed_counts: tuple[int, ...]
    observed: tuple[float, ...]
    predicted: tuple[float, ...]
    report_counts: tuple[int, ...]

    @property
    def report_shares(self) -> tuple[float, ...]:
        total = sum(self.report_counts)
        return tuple(c / total for c in self.report_counts) if total else (0.0,) * len(self.report_counts)


@dataclass(frozen=True)
class GroupMetric:
    """Labour-force figures for one group of a protected attribute (from
    :func:`~recommender.analysis.evaluation.evaluate`; ``unknown`` where not registered)."""

    attribute: str
    group: str
    n: int
    observed_labour_force: float
    predicted_labour_force: float
    brier: float
    auc: float
    ece: float


@dataclass(frozen=True)
class MunicipalityRow:
    """Cases, observed and predicted labour-force share and Brier score in one municipality
    (``andre`` pools the municipalities with fewer than ``MIN_CELL`` cases)."""

    municipality: str
    n: int
    observed_labour_force: float
    predicted_labour_force: float
    brier: float


@dataclass(frozen=True)
class SupportRow:
    """How much evidence lies behind one offer: cohort citizens, training evidence, low-support share."""

    offer: str
    n_cohort: int
    n_training: int
    low_support_share: float
    little_support: bool


@dataclass(frozen=True)
class ReportContent:
    """All numbers the report shows (JSON-ready with :meth:`to_dict`)."""

    cohort: dict[str, Any]
    model: dict[str, Any]
    rules_version: str
    in_sample: bool
    n_evaluated: int
    overall: dict[str, float]
    per_outcome: dict[str, dict[str, float]]
    calibration: tuple[Calibration, ...]
    offer_outcomes: tuple[OfferOutcome, ...]
    groups: tuple[GroupMetric, ...]
    typology_counts: dict[str, dict[str, int]]
    support: tuple[SupportRow, ...]
    min_support: int
    notes: tuple[str, ...] = field(default=())
    report_date: str = ""
    period: tuple[str, str] | None = None
    synthetic_cohort: bool = False
    synthetic_model: bool = False
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)
    municipalities: tuple[MunicipalityRow, ...] = ()
    top_offers: dict[str, float] = field(default_factory=dict)
    comparison: Comparison | None = None
    summary: str = ""

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["comparison"] = self.comparison.to_dict() if self.comparison is not None else None
        return out

    def __repr__(self) -> str:
        return (
            f"ReportContent(n_evaluated={self.n_evaluated}, model={self.model.get('version')!r}, "
            f"in_sample={self.in_sample}, little_support="
            f"{[s.offer for s in self.support if s.little_support]})"
        )


def table38() -> dict[str, tuple[int, ...]]:
    """The report's tabel 38: citizens per offer and closure outcome (job, education, active, other).

    >>> table38()["wage_subsidy"]
    (18, 1, 13, 4)
    """
    block = load_figures()["offers"]
    assert list(block["columns"]) == list(OUTCOME.codes)
    return {offer: tuple(int(v) for v in block["rows"][offer]) for offer in OFFER.codes}


def _accuracy(p: np.ndarray, y: np.ndarray) -> float:
    """Share of citizens whose most probable outcome is the one they closed with."""
    return float(np.mean(p.argmax(axis=1) == y)) if len(y) else float("nan")


def _calibration(p: np.ndarray, y: np.ndarray, n_bins: int) -> tuple[Calibration, ...]:
    """Reliability curves with quantile bins (equal numbers of citizens per bin, at least 20)."""
    out = []
    bins = max(1, min(n_bins, len(y) // 20))
    for k, outcome in enumerate(OUTCOME.codes):
        hit = (y == k).astype(float)
        prob = p[:, k]
        edges = np.unique(np.quantile(prob, np.linspace(0, 1, bins + 1))) if len(y) else np.zeros(1)
        which = np.searchsorted(edges[1:-1], prob, side="right")
        pred, obs, counts = [], [], []
        for b in range(max(1, len(edges) - 1)):
            mask = which == b
            if mask.any():
                pred.append(float(prob[mask].mean()))
                obs.append(float(hit[mask].mean()))
                counts.append(int(mask.sum()))
        brier = float(np.mean((prob - hit) ** 2)) if len(y) else float("nan")
        out.append(
            Calibration(
                outcome,
                tuple(pred),
                tuple(obs),
                tuple(counts),
                brier,
                float(hit.mean()) if len(y) else float("nan"),
                float(prob.mean()) if len(y) else float("nan"),
            )
        )
    return tuple(out)


def _period(frame: pd.DataFrame) -> tuple[str, str] | None:
    """First intake to last closing date of the cohort (``None`` when it carries no dates)."""
    starts = frame["enrolled_on"].dropna() if "enrolled_on" in frame else pd.Series([], dtype=object)
    ends = frame["closed_on"].dropna() if "closed_on" in frame else pd.Series([], dtype=object)
    both = [pd.to_datetime(s) for s in (starts, ends) if len(s)]
    if not both:
        return None
    first = min(s.min() for s in both)
    last = max(s.max() for s in both)
    return first.date().isoformat(), last.date().isoformat()


def _municipalities(frame: pd.DataFrame, p: np.ndarray, y: np.ndarray) -> tuple[MunicipalityRow, ...]:
    names = frame["municipality"].astype(str).to_numpy()
    counts = pd.Series(names).value_counts()
    small = set(counts[counts < MIN_CELL].index)
    names = np.where(np.isin(names, list(small)), "andre", names)
    lf_y = np.isin(y, _LF_IDX).astype(float)
    lf_p = p[:, _LF_IDX].sum(axis=1)
    out = []
    for name in sorted(set(names), key=lambda m: (m == "andre", m)):
        mask = names == name
        if mask.sum() < MIN_CELL:  # "andre" itself may still be too small: then it is not shown
            continue
        out.append(
            MunicipalityRow(
                name,
                int(mask.sum()),
                float(lf_y[mask].mean()),
                float(lf_p[mask].mean()),
                float(np.mean((lf_p[mask] - lf_y[mask]) ** 2)),
            )
        )
    return tuple(out)


def _summary(
    comparison: Comparison | None,
    overall: dict[str, float],
    intervals: dict[str, tuple[float, float]],
    in_sample: bool,
) -> str:
    """The promote / don't-promote line at the top of the report."""
    if comparison is not None:
        line = comparison.verdict_line()
        return line + (
            "; målt på træningsdata (in-sample) – forfrem ikke på dette grundlag"
            if in_sample or any(comparison.in_sample.values())
            else ""
        )
    beats = intervals["log_loss"][1] < overall["log_loss_prior"]
    if in_sample:
        return (
            "Forfrem ikke på dette grundlag / don't promote on this basis: kohorten er modellens "
            "træningsdata (in-sample); sammenlign på nye forløb med report --against MODEL."
        )
    if not beats:
        return (
            "Forfrem ikke / don't promote: modellens log loss er ikke sikkert bedre end basislinjen "
            "(prior) på denne kohorte."
        )
    return (
        "Modellen slår basislinjen (prior) sikkert; om den skal afløse modellen i brug, afgør "
        "report --against MODEL (ingen sammenligning i denne rapport) / no comparison in this report."
    )


def compute_content(
    cohort: Cohort,
    model: Any,
    rules: Any,
    *,
    min_support: int = 30,
    n_bins: int = 10,
    against: Any = None,
    n_bootstrap: int = 500,
) -> ReportContent:
    """Score the cohort with ``model`` and gather every number the report shows.

    ``against``: the model in use (champion); the report then compares ``model`` (the challenger)
    with it (:func:`~recommender.analysis.compare.compare_models`).
    """
    from recommender.synth import is_synthetic

    frame = cohort.frame
    typology = rules.evaluate_frame(frame)["typology"].to_numpy(dtype=object)
    estimates = model.predict_offers(frame, rules.outcome_weights)
    has_offer = frame["offer"].notna().to_numpy()
    offer_idx = np.array(
        [OFFER.codes.index(o) if isinstance(o, str) else -1 for o in frame["offer"].astype(object)]
    )
    y_all = np.array([OUTCOME.codes.index(o) for o in frame["outcome"].astype(str)])
    rows = np.flatnonzero(has_offer)
    if len(rows) == 0:
        raise ReportError(
            f"{cohort.source}: ingen forløb med registreret tilbud; intet at evaluere / "
            "no case has a registered offer; nothing to evaluate"
        )
    p = estimates.proba[rows, offer_idx[rows], :]
    y = y_all[rows]
    evaluation = evaluate(cohort, model=model)
    overall = {
        "log_loss": evaluation.model["log_loss"],
        "brier": evaluation.model["brier_multiclass"],
        "accuracy": _accuracy(p, y),
        "log_loss_prior": evaluation.baseline["log_loss"],
        "brier_prior": evaluation.baseline["brier_multiclass"],
    }
    per_outcome = {
        k: dict(v, brier_prior=evaluation.baseline["per_outcome"][k]["brier"])
        for k, v in evaluation.model["per_outcome"].items()
    }
    groups = tuple(
        GroupMetric(
            attribute,
            r["group"],
            int(r["n"]),
            r["observed_lf"],
            r["predicted_lf"],
            r["brier_lf"],
            r["auc_lf"],
            r["ece_lf"],
        )
        for attribute, rows_ in evaluation.groups.items()
        for r in rows_
    )

    reference = table38()
    offers = []
    for j, offer in enumerate(OFFER.codes):
        mask = offer_idx[rows] == j
        counts = np.bincount(y[mask], minlength=len(OUTCOME.codes))
        n = int(mask.sum())
        observed = counts / n if n else np.zeros(len(OUTCOME.codes))
        predicted = p[mask].mean(axis=0) if n else np.zeros(len(OUTCOME.codes))
        offers.append(
            OfferOutcome(
                offer,
                n,
                tuple(map(int, counts)),
                tuple(map(float, observed)),
                tuple(map(float, predicted)),
                reference[offer],
            )
        )

    typology_counts = {}
    for code in TYPOLOGY.codes:
        mask = typology == code
        typology_counts[code] = {o: int(np.sum(y_all[mask] == k)) for k, o in enumerate(OUTCOME.codes)}

    evidence = model.manifest.offer_evidence
    support = []
    for j, offer in enumerate(OFFER.codes):
        n_cohort = int(np.sum(offer_idx == j))
        n_training = int(evidence.get(offer, n_cohort))
        low = float(np.mean(estimates.support[:, j] == "low")) if estimates.n else 0.0
        support.append(
            SupportRow(offer, n_cohort, n_training, low, min(n_cohort, n_training) < min_support or low > 0.5)
        )

    m = model.manifest
    training = m.training_cohort
    in_sample = is_training_cohort(model, cohort)
    model_info = {
        "version": m.version,
        "created": m.created,
        "training_fingerprint": training.get("fingerprint"),
        "training_source": training.get("source"),
        "n_rows": m.n_rows,
        "n_with_offer": m.n_with_offer,
        "evidence_size": m.evidence_size,
        "allow_protected": m.allow_protected,
        "selected": m.selected,
        "calibrated": m.calibrated,
        "support_threshold": m.support_threshold,
        "interval_level": m.interval_level,
        "rules_version": m.rules_version,
        "features": list(m.schema.fields),
    }
    notes = []
    if in_sample:
        notes.append(
            "Kohorten er modellens egne træningsdata: tallene er målt i stikprøven og derfor "
            "for optimistiske. / The cohort is the model's training data (in-sample)."
        )
    n_left = int((~has_offer).sum())
    if n_left:
        notes.append(
            f"{n_left} forløb uden registreret tilbud indgår ikke i kalibrering og metrikker "
            f"(men i typologifordelingen). / {n_left} cases without an offer are not scored."
        )
    losses = per_case_losses(p, y)
    intervals = {k: mean_interval(v, n_bootstrap=n_bootstrap) for k, v in losses.items()}
    comparison = (
        compare_models(cohort, champion=against, challenger=model, rules=rules, n_bootstrap=n_bootstrap)
        if against is not None
        else None
    )
    synthetic_cohort = is_synthetic(cohort)
    return ReportContent(
        report_date=date.today().isoformat(),
        period=_period(frame),
        synthetic_cohort=synthetic_cohort,
        synthetic_model=bool(m.synthetic),
        intervals=intervals,
        municipalities=_municipalities(frame.iloc[rows], p, y),
        top_offers=top_offer_shares(frame, model, rules),
        comparison=comparison,
        summary=_summary(comparison, overall, intervals, in_sample),
        cohort={
            "source": cohort.source,
            "fingerprint": cohort.fingerprint,
            "n_rows": cohort.n_rows,
            "n_with_offer": cohort.n_with_offer,
        },
        model=model_info,
        rules_version=str(getattr(rules, "version", "")),
        in_sample=in_sample,
        n_evaluated=int(len(rows)),
        overall=overall,
        calibration=_calibration(p, y, n_bins),
        offer_outcomes=tuple(offers),
        groups=groups,
        per_outcome=per_outcome,
        typology_counts=typology_counts,
        support=tuple(support),
        min_support=min_support,
        notes=tuple(notes),
    )
