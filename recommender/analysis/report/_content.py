"""The numbers behind the HTML report, computed once from a cohort, a model and the rules.

Everything is measured on the cohort's rows with a registered offer, using the model's estimate for
the offer each citizen actually received (the only estimate that can be compared with an outcome).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from recommender.errors import RecommenderError
from recommender.synth import load_figures
from recommender.vocab import LABOUR_FORCE_OUTCOMES, OFFER, OUTCOME, TYPOLOGY
from recommender.cohort import Cohort
from recommender.analysis.evaluation import evaluate

__all__ = ["GroupMetric", "OfferOutcome", "ReportContent", "ReportError", "compute_content", "table38"]

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
    """Labour-force figures for one group of a protected attribute (from :func:`~recommender.analysis.evaluation.evaluate`;
    ``unknown`` where not registered)."""

    attribute: str
    group: str
    n: int
    observed_labour_force: float
    predicted_labour_force: float
    brier: float
    auc: float
    ece: float


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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def __repr__(self) -> str:
        return (f"ReportContent(n_evaluated={self.n_evaluated}, model={self.model.get('version')!r}, "
                f"in_sample={self.in_sample}, little_support="
                f"{[s.offer for s in self.support if s.little_support]})")


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
        out.append(Calibration(outcome, tuple(pred), tuple(obs), tuple(counts), brier,
                               float(hit.mean()) if len(y) else float("nan"),
                               float(prob.mean()) if len(y) else float("nan")))
    return tuple(out)


def compute_content(cohort: Cohort, model: Any, rules: Any, *, min_support: int = 30,
                    n_bins: int = 10) -> ReportContent:
    """Score the cohort with ``model`` and gather every number the report shows."""
    frame = cohort.frame
    typology = rules.evaluate_frame(frame)["typology"].to_numpy(dtype=object)
    estimates = model.predict_offers(frame, rules.outcome_weights)
    has_offer = frame["offer"].notna().to_numpy()
    offer_idx = np.array([OFFER.codes.index(o) if isinstance(o, str) else -1
                          for o in frame["offer"].astype(object)])
    y_all = np.array([OUTCOME.codes.index(o) for o in frame["outcome"].astype(str)])
    rows = np.flatnonzero(has_offer)
    if len(rows) == 0:
        raise ReportError(f"{cohort.source}: ingen forløb med registreret tilbud; intet at evaluere / "
                          "no case has a registered offer; nothing to evaluate")
    p = estimates.proba[rows, offer_idx[rows], :]
    y = y_all[rows]
    evaluation = evaluate(cohort, model=model)
    overall = {"log_loss": evaluation.model["log_loss"], "brier": evaluation.model["brier_multiclass"],
               "accuracy": _accuracy(p, y), "log_loss_prior": evaluation.baseline["log_loss"],
               "brier_prior": evaluation.baseline["brier_multiclass"]}
    per_outcome = {k: dict(v, brier_prior=evaluation.baseline["per_outcome"][k]["brier"])
                   for k, v in evaluation.model["per_outcome"].items()}
    groups = tuple(GroupMetric(attribute, r["group"], int(r["n"]), r["observed_lf"], r["predicted_lf"],
                               r["brier_lf"], r["auc_lf"], r["ece_lf"])
                   for attribute, rows_ in evaluation.groups.items() for r in rows_)

    reference = table38()
    offers = []
    for j, offer in enumerate(OFFER.codes):
        mask = offer_idx[rows] == j
        counts = np.bincount(y[mask], minlength=len(OUTCOME.codes))
        n = int(mask.sum())
        observed = counts / n if n else np.zeros(len(OUTCOME.codes))
        predicted = p[mask].mean(axis=0) if n else np.zeros(len(OUTCOME.codes))
        offers.append(OfferOutcome(offer, n, tuple(map(int, counts)), tuple(map(float, observed)),
                                   tuple(map(float, predicted)), reference[offer]))

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
        support.append(SupportRow(offer, n_cohort, n_training, low,
                                  min(n_cohort, n_training) < min_support or low > 0.5))

    m = model.manifest
    training = m.training_cohort
    in_sample = training.get("fingerprint") == cohort.fingerprint
    model_info = {
        "version": m.version, "created": m.created,
        "training_fingerprint": training.get("fingerprint"), "training_source": training.get("source"),
        "n_rows": m.n_rows, "n_with_offer": m.n_with_offer, "evidence_size": m.evidence_size,
        "allow_protected": m.allow_protected, "selected": m.selected, "calibrated": m.calibrated,
        "support_threshold": m.support_threshold, "interval_level": m.interval_level,
        "rules_version": m.rules_version, "features": list(m.schema.fields),
    }
    notes = []
    if in_sample:
        notes.append("Kohorten er modellens egne træningsdata: tallene er målt i stikprøven og derfor "
                     "for optimistiske. / The cohort is the model's training data (in-sample).")
    n_left = int((~has_offer).sum())
    if n_left:
        notes.append(f"{n_left} forløb uden registreret tilbud indgår ikke i kalibrering og metrikker "
                     f"(men i typologifordelingen). / {n_left} cases without an offer are not scored.")
    return ReportContent(
        cohort={"source": cohort.source, "fingerprint": cohort.fingerprint, "n_rows": cohort.n_rows,
                "n_with_offer": cohort.n_with_offer},
        model=model_info, rules_version=str(getattr(rules, "version", "")), in_sample=in_sample,
        n_evaluated=int(len(rows)), overall=overall, calibration=_calibration(p, y, n_bins),
        offer_outcomes=tuple(offers), groups=groups, per_outcome=per_outcome,
        typology_counts=typology_counts, support=tuple(support), min_support=min_support,
        notes=tuple(notes))
