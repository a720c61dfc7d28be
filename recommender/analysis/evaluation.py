"""Evaluate an outcome model on a closed cohort: calibration, discrimination, fairness, comparison.

``evaluate(cohort, model=None, against=None)`` scores every case with a registered offer under
that offer and reports, against the prior baseline (the training cohort's outcome shares, i.e. a
``DummyClassifier(strategy="prior")``): the multiclass log loss, and per outcome the Brier score,
the one-vs-rest AUC and the expected calibration error (ECE, 10 equal-width bins). The same figures
for the labour-force outcome are given per group of ``gender`` and ``origin`` (fairlearn
``MetricFrame``; a missing attribute is the group ``unknown``; group sizes shown). With ``against``
a second model is scored on the same rows and the differences are reported (the full side-by-side
comparison with intervals and a verdict is :func:`recommender.analysis.compare.compare_models`).
``in_sample`` is true when the cohort is the model's own training cohort (same fingerprint): its
figures are then optimistic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from fairlearn.metrics import MetricFrame
from sklearn.metrics import log_loss, roc_auc_score

from recommender.vocab import LABOUR_FORCE_OUTCOMES, OUTCOME

if TYPE_CHECKING:
    from recommender.cohort import Cohort
    from recommender.model import OutcomeModel

__all__ = ["EvaluationReport", "evaluate", "expected_calibration_error", "is_training_cohort"]

_LF = [OUTCOME.codes.index(c) for c in LABOUR_FORCE_OUTCOMES]
_GROUPS = ("gender", "origin")


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    """Share-weighted mean |observed rate − mean predicted probability| over equal-width bins.

    >>> import numpy as np
    >>> expected_calibration_error(np.array([0, 1, 0, 1]), np.array([0.5, 0.5, 0.5, 0.5]))
    0.0
    >>> round(expected_calibration_error(np.array([1, 1]), np.array([0.2, 0.2])), 3)
    0.8
    """
    y, p = np.asarray(y, float), np.asarray(p, float)
    idx = np.minimum((p * bins).astype(int), bins - 1)
    total = 0.0
    for b in np.unique(idx):
        sel = idx == b
        total += sel.mean() * abs(y[sel].mean() - p[sel].mean())
    return float(total)


def _auc(y: np.ndarray, p: np.ndarray) -> float:
    return float(roc_auc_score(y, p)) if 0 < y.sum() < len(y) else float("nan")


def _scores(y_idx: np.ndarray, proba: np.ndarray) -> dict[str, object]:
    onehot = np.eye(len(OUTCOME.codes))[y_idx]
    per = {}
    for k, code in enumerate(OUTCOME.codes):
        per[code] = {
            "brier": float(np.mean((proba[:, k] - onehot[:, k]) ** 2)),
            "auc": _auc(onehot[:, k], proba[:, k]),
            "ece": expected_calibration_error(onehot[:, k], proba[:, k]),
            "observed": float(onehot[:, k].mean()),
            "predicted": float(proba[:, k].mean()),
        }
    lf_y, lf_p = onehot[:, _LF].sum(axis=1), proba[:, _LF].sum(axis=1)
    return {
        "log_loss": float(log_loss(y_idx, np.clip(proba, 1e-15, 1), labels=range(4))),
        "brier_multiclass": float(np.mean(np.sum((proba - onehot) ** 2, axis=1))),
        "per_outcome": per,
        "labour_force": {
            "brier": float(np.mean((lf_p - lf_y) ** 2)),
            "auc": _auc(lf_y, lf_p),
            "ece": expected_calibration_error(lf_y, lf_p),
            "observed": float(lf_y.mean()),
            "predicted": float(lf_p.mean()),
        },
    }


def _groups(y_idx: np.ndarray, proba: np.ndarray, frame: pd.DataFrame) -> dict[str, list[dict]]:
    lf_y = np.isin(y_idx, _LF).astype(float)
    lf_p = proba[:, _LF].sum(axis=1)
    metrics = {
        "n": lambda yt, yp: len(yt),
        "observed_lf": lambda yt, yp: float(np.mean(yt)),
        "predicted_lf": lambda yt, yp: float(np.mean(yp)),
        "brier_lf": lambda yt, yp: float(np.mean((yp - yt) ** 2)),
        "auc_lf": _auc,
        "ece_lf": expected_calibration_error,
    }
    out: dict[str, list[dict]] = {}
    for attr in _GROUPS:
        raw = frame[attr] if attr in frame.columns else pd.Series([None] * len(frame))
        groups = raw.astype(object).where(raw.notna(), "unknown").astype(str).to_numpy()
        mf = MetricFrame(
            metrics=metrics, y_true=lf_y, y_pred=lf_p, sensitive_features=pd.Series(groups, name=attr)
        )
        table = mf.by_group
        out[attr] = [
            {"group": str(g), **{m: (int(v) if m == "n" else float(v)) for m, v in table.loc[g].items()}}
            for g in table.index
        ]
    return out


@dataclass(frozen=True)
class EvaluationReport:
    """The figures of :func:`evaluate`; ``to_dict()`` is JSON-ready, ``text()`` a printable table."""

    model_version: str
    n_rows: int
    n_evaluated: int
    n_left_out: int
    model: dict
    baseline: dict
    groups: dict
    against_version: str | None = None
    against: dict | None = field(default=None)
    in_sample: bool = False
    against_in_sample: bool = False

    def to_dict(self) -> dict[str, object]:
        out = {
            "model_version": self.model_version,
            "n_rows": self.n_rows,
            "n_evaluated": self.n_evaluated,
            "n_left_out": self.n_left_out,
            "model": self.model,
            "baseline": self.baseline,
            "groups": self.groups,
            "in_sample": self.in_sample,
        }
        if self.against is not None:
            out["against_in_sample"] = self.against_in_sample
            out["against_version"] = self.against_version
            out["against"] = self.against
            out["difference"] = {
                "log_loss": self.model["log_loss"] - self.against["log_loss"],
                "brier_multiclass": self.model["brier_multiclass"] - self.against["brier_multiclass"],
            }
        return out

    def text(self, comparison: bool = True) -> str:
        """A short table in Danish/English for the terminal (``comparison=False``: without the line
        comparing with ``against``, when the full comparison table follows)."""
        m, b = self.model, self.baseline
        lines = [
            f"Model {self.model_version}: {self.n_evaluated} forløb med tilbud / cases with an "
            f"offer evaluated ({self.n_left_out} uden tilbud udeladt / without an offer left out)",
            f"log loss {m['log_loss']:.4f} (baseline/prior {b['log_loss']:.4f}); "
            f"Brier {m['brier_multiclass']:.4f} (baseline {b['brier_multiclass']:.4f})",
            f"{'outcome':<14}{'Brier':>8}{'base':>8}{'AUC':>7}{'ECE':>7}{'obs':>7}{'pred':>7}",
        ]
        for code in (*OUTCOME.codes, "labour_force"):
            r = m["per_outcome"][code] if code in OUTCOME.codes else m["labour_force"]
            rb = b["per_outcome"][code] if code in OUTCOME.codes else b["labour_force"]
            lines.append(
                f"{code:<14}{r['brier']:>8.4f}{rb['brier']:>8.4f}{r['auc']:>7.3f}"
                f"{r['ece']:>7.3f}{r['observed']:>7.3f}{r['predicted']:>7.3f}"
            )
        lines.append("Per gruppe / per group (labour force = job + education + active):")
        lines.append(
            f"{'attribute':<10}{'group':<13}{'n':>6}{'obs':>7}{'pred':>7}{'Brier':>8}{'AUC':>7}{'ECE':>7}"
        )
        for attr, rows in self.groups.items():
            for r in rows:
                lines.append(
                    f"{attr:<10}{r['group']:<13}{r['n']:>6}{r['observed_lf']:>7.3f}"
                    f"{r['predicted_lf']:>7.3f}{r['brier_lf']:>8.4f}{r['auc_lf']:>7.3f}"
                    f"{r['ece_lf']:>7.3f}"
                )
        if self.against is not None and comparison:
            a = self.against
            lines.append(
                f"Sammenligning / comparison with {self.against_version}: log loss "
                f"{a['log_loss']:.4f} → {m['log_loss']:.4f} "
                f"({m['log_loss'] - a['log_loss']:+.4f}); Brier {a['brier_multiclass']:.4f}"
                f" → {m['brier_multiclass']:.4f} (lower is better / lavere er bedre)"
            )
        return "\n".join(lines)


def evaluate(
    cohort: Cohort | str | os.PathLike[str] | pd.DataFrame,
    model: OutcomeModel | None = None,
    against: OutcomeModel | None = None,
) -> EvaluationReport:
    """Evaluate ``model`` (default: the built-in model) on ``cohort`` (Cohort, CSV path or frame).

    ``against``: another model (or model file path) scored on the same rows for comparison.
    """
    from recommender.cohort import read_cohort
    from recommender.model import OutcomeModel, load_model

    cohort = read_cohort(cohort)
    model = model if isinstance(model, OutcomeModel) else load_model(model)
    if against is not None and not isinstance(against, OutcomeModel):
        against = load_model(against)
    frame = cohort.frame[cohort.frame["offer"].notna()].reset_index(drop=True)
    if frame.empty:
        from recommender.errors import CohortError

        raise CohortError("no rows with a registered offer to evaluate on / ingen forløb med tilbud")
    y_idx = frame["outcome"].astype(str).map(OUTCOME.codes.index).to_numpy()
    proba = model.predict_proba(frame)
    prior = np.array([model.manifest.outcome_prior[k] for k in OUTCOME.codes])
    other = _scores(y_idx, against.predict_proba(frame)) if against is not None else None
    return EvaluationReport(
        model.version,
        cohort.n_rows,
        len(frame),
        cohort.n_rows - len(frame),
        _scores(y_idx, proba),
        _scores(y_idx, np.tile(prior, (len(frame), 1))),
        _groups(y_idx, proba, frame),
        against.version if against is not None else None,
        other,
        in_sample=is_training_cohort(model, cohort),
        against_in_sample=against is not None and is_training_cohort(against, cohort),
    )


def is_training_cohort(model, cohort) -> bool:
    """True when ``cohort`` (a Cohort) is the cohort ``model`` was trained on (same fingerprint)."""
    return model.manifest.training_cohort.get("fingerprint") == cohort.fingerprint
