"""What the outcome model returns: :class:`OfferEstimates` (arrays per citizen × offer),
:class:`Reason` (one main input behind an estimate) and :class:`Assessment` (one citizen at once)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from recommender.vocab import OFFER, OUTCOME

__all__ = ["Assessment", "OfferEstimates", "Reason"]


@dataclass(frozen=True, repr=False)
class OfferEstimates:
    """Estimates for ``n`` citizens × the four offers (``OFFER.codes`` order) × the four outcomes
    (``OUTCOME.codes`` order). All are numpy arrays:

    * ``proba``, ``proba_low``, ``proba_high``: (n, 4, 4), P(outcome | citizen, offer) and its
      interval (``interval_level``, bootstrap at the evidence size); ``proba`` rows sum to 1;
    * ``score``, ``score_low``, ``score_high``: (n, 4), Σ weight·P and its interval;
    * ``propensity``: (n, 4), P(offer | citizen) estimated from the training cohort;
    * ``support``: (n, 4) strings, ``'low'`` where the propensity is below the model's threshold
      (few citizens like this one received that offer), else ``'ok'``;
    * ``evidence``: (4,) ints, about how many training-evidence citizens had each offer.
    """

    proba: np.ndarray
    proba_low: np.ndarray
    proba_high: np.ndarray
    score: np.ndarray
    score_low: np.ndarray
    score_high: np.ndarray
    propensity: np.ndarray
    support: np.ndarray
    evidence: np.ndarray
    interval_level: float = 0.9
    offers: tuple[str, ...] = OFFER.codes
    outcomes: tuple[str, ...] = OUTCOME.codes

    @property
    def n(self) -> int:
        return int(self.proba.shape[0])

    def row(self, i: int) -> dict[str, dict[str, object]]:
        """Citizen ``i``'s estimates per offer code, JSON-ready."""
        out: dict[str, dict[str, object]] = {}
        for j, offer in enumerate(self.offers):
            out[offer] = {
                "score": float(self.score[i, j]),
                "score_interval": [float(self.score_low[i, j]), float(self.score_high[i, j])],
                "proba": {k: float(self.proba[i, j, m]) for m, k in enumerate(self.outcomes)},
                "proba_interval": {
                    k: [float(self.proba_low[i, j, m]), float(self.proba_high[i, j, m])]
                    for m, k in enumerate(self.outcomes)
                },
                "propensity": float(self.propensity[i, j]),
                "support": str(self.support[i, j]),
                "evidence": int(self.evidence[j]),
            }
        return out

    def to_dict(self) -> dict[str, object]:
        return {
            "interval_level": self.interval_level,
            "offers": list(self.offers),
            "outcomes": list(self.outcomes),
            "citizens": [self.row(i) for i in range(self.n)],
        }

    def __repr__(self) -> str:
        first = ", ".join(f"{o}={self.score[0, j]:.2f}" for j, o in enumerate(self.offers)) if self.n else ""
        return f"OfferEstimates(n={self.n}, level={self.interval_level}, scores[0]: {first})"


@dataclass(frozen=True)
class Reason:
    """One main input behind an offer's estimate for one citizen.

    ``size`` is how much the offer's score changes because this field has the citizen's value
    rather than the baseline value (the training cohort's most common value, or median number);
    ``logodds`` the same change in the log-odds of closing in the labour force (job, education or
    active) against ``other``. ``direction`` is ``'+'`` when the citizen's value raises the score.
    """

    field: str
    value: object
    baseline: object
    label_da: str
    label_en: str
    direction: str
    size: float
    logodds: float

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "value": self.value,
            "baseline": self.baseline,
            "label_da": self.label_da,
            "label_en": self.label_en,
            "direction": self.direction,
            "size": round(self.size, 6),
            "logodds": round(self.logodds, 6),
        }


@dataclass(frozen=True)
class Assessment:
    """Everything the model says about one citizen, from one evaluation: ``estimates`` (n = 1),
    ``score_draws`` (B, 1, offers) each bootstrap draw's expected value (``p_best`` is computed from
    them), ``reasons`` the main inputs behind each offer's estimate, by offer code (the ``top`` largest),
    and ``deltas`` every input's effect on every offer, by field: (offers,) the expected value with the
    citizen's answer minus the same with that field at its baseline (a field at its baseline is left
    out: its effect is 0); ``Reason.size`` is the absolute value of one entry."""

    estimates: OfferEstimates
    score_draws: np.ndarray
    reasons: dict[str, tuple[Reason, ...]]
    deltas: dict[str, np.ndarray] = field(default_factory=dict)
