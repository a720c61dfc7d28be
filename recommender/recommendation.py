"""What :func:`recommender.recommend` returns (spec §8): frozen, typed, JSON-ready results.

A :class:`Recommendation` holds the citizen's typology and labour-force status (from the rules), the
four offers as :class:`RankedOffer` entries in ranked order (from the rules and the outcome model),
cross-cutting notes, the model's and the rules' provenance, and the statement that the adviser decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from recommender.recommending.certainty import Verdict

if TYPE_CHECKING:
    from recommender.recommending.override import TypologyOverride
from recommender.typology import GuardResult, LabourForceResult, Note, TypologyResult
from recommender.vocab import FIELDS, OFFER

__all__ = ["Message", "ModelInfo", "RankedOffer", "Recommendation", "STATEMENT", "value_label"]


@dataclass(frozen=True)
class Message:
    """A short text for the adviser in Danish and English, with a stable code for machines."""

    code: str
    da: str
    en: str

    def text(self, lang: str = "da") -> str:
        return self.da if lang == "da" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "da": self.da, "en": self.en}


STATEMENT = Message(
    "adviser_decides",
    "Rådgiveren beslutter. Chancerne er sammenhænge lært fra tidligere borgere i lignende situationer, "
    "ikke virkninger af tilbuddet, og de er usikre; brug dem som ét input blandt flere.",
    "The adviser decides. The chances are associations learnt from earlier citizens in similar "
    "situations, not effects of the offer, and they are uncertain; use them as one input among several.",
)


def value_label(field: str, value: object, lang: str = "da") -> str:
    """A citizen's value as an adviser reads it: the label of a code, ja/nej for booleans.

    >>> value_label("language_sufficient", "low"), value_label("education_plan", False)
    ('i lav grad', 'nej')
    >>> value_label("years_in_denmark", 4, "en")
    '4'
    """
    spec = FIELDS.get(field)
    if isinstance(value, bool):
        return ("ja" if value else "nej") if lang == "da" else ("yes" if value else "no")
    if spec is not None and spec.scale is not None and isinstance(value, str) and value in spec.scale:
        return spec.scale.label(value, lang)
    return "–" if value is None else str(value)


@dataclass(frozen=True)
class RankedOffer:
    """One offer in the ranking, with its estimates, interval, support, reasons and warnings.

    ``probabilities`` and ``intervals`` map each outcome code to P(outcome | citizen, offer) and its
    interval; ``score`` is Σ weight·P (spec §7). ``support`` is ``'low'`` when few earlier citizens
    like this one had this offer (``propensity`` below the model's threshold); ``evidence`` is about
    how many citizens in the model's evidence had this offer at all.
    """

    rank: int
    offer: str
    advised: bool
    score: float
    score_interval: tuple[float, float]
    probabilities: Mapping[str, float]
    intervals: Mapping[str, tuple[float, float]]
    support: str
    propensity: float
    evidence: int
    guard: GuardResult | None
    reasons: tuple[Message, ...]
    warnings: tuple[Message, ...]
    p_best: float = 0.0

    @property
    def label_da(self) -> str:
        return OFFER.label(self.offer, "da")

    @property
    def label_en(self) -> str:
        return OFFER.label(self.offer, "en")

    def to_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "offer": self.offer,
            "label_da": self.label_da,
            "label_en": self.label_en,
            "advised": self.advised,
            "score": self.score,
            "score_interval": list(self.score_interval),
            "probabilities": dict(self.probabilities),
            "intervals": {k: list(v) for k, v in self.intervals.items()},
            "support": self.support,
            "propensity": self.propensity,
            "evidence": self.evidence,
            "guard": self.guard.to_dict() if self.guard else None,
            "reasons": [r.to_dict() for r in self.reasons],
            "warnings": [w.to_dict() for w in self.warnings],
            "p_best": self.p_best,
        }

    def __repr__(self) -> str:
        lo, hi = self.score_interval
        flag = "" if self.advised else ", blocked"
        return (
            f"RankedOffer({self.rank}. {self.offer}: score {self.score:.2f} [{lo:.2f}–{hi:.2f}], "
            f"support {self.support}{flag})"
        )


@dataclass(frozen=True)
class ModelInfo:
    """Provenance of the estimates: which model, trained on what, and under which rules."""

    version: str
    cohort_fingerprint: str
    cohort_size: int
    evidence_size: int
    created: str
    trained_with_rules: str
    allow_protected: bool
    interval_level: float
    synthetic: bool

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Recommendation:
    """A ranked, explained suggestion for one citizen. The adviser decides.

    ``offers`` are in ranked order (advised first, blocked last); ``top_offer`` is the first advised
    offer, or ``None`` when every offer is blocked. ``provenance`` says where the numbers come from (a
    demonstration model trained on synthetic data, or the real cohort); ``order_rule`` is the ordering
    rule in one sentence.
    """

    citizen_id: str
    typology: TypologyResult
    labour_force: LabourForceResult
    offers: tuple[RankedOffer, ...]
    notes: tuple[Note, ...]
    model: ModelInfo
    rules_version: str
    weights: Mapping[str, float]
    warnings: tuple[Message, ...] = ()
    statement: Message = STATEMENT
    verdict: Verdict | None = None
    verdict_message: Message | None = None
    #: The ranking's own verdict when a target-group or no-offer-fits verdict (issue 26) comes first.
    ranking_message: Message | None = None
    #: The adviser's typology, when she set one (``typology`` then holds that typology's guidance).
    typology_override: TypologyOverride | None = None
    provenance: Message | None = None
    order_rule: Message | None = None

    @property
    def top_offer(self) -> str | None:
        return next((o.offer for o in self.offers if o.advised), None)

    def offer(self, code: str) -> RankedOffer:
        """The entry for one offer code."""
        return next(o for o in self.offers if o.offer == code)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of spec §8."""
        return {
            "citizen_id": self.citizen_id,
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
            "verdict": None
            if self.verdict is None
            else {
                **self.verdict.to_dict(),
                "code": None if self.verdict_message is None else self.verdict_message.code,
                "message": None if self.verdict_message is None else self.verdict_message.to_dict(),
                "ranking_message": None if self.ranking_message is None else self.ranking_message.to_dict(),
            },
            "typology": self.typology.to_dict(),
            "typology_override": None if self.typology_override is None else self.typology_override.to_dict(),
            "labour_force": self.labour_force.to_dict(),
            "offers": [o.to_dict() for o in self.offers],
            "top_offer": self.top_offer,
            "notes": [n.to_dict() for n in self.notes],
            "order_rule": None if self.order_rule is None else self.order_rule.to_dict(),
            "model": self.model.to_dict(),
            "rules_version": self.rules_version,
            "outcome_weights": dict(self.weights),
            "warnings": [w.to_dict() for w in self.warnings],
            "statement": self.statement.to_dict(),
        }

    def __repr__(self) -> str:
        ranked = ", ".join(f"{o.offer}={o.score:.2f}{'' if o.advised else '(blocked)'}" for o in self.offers)
        return (
            f"Recommendation(citizen_id={self.citizen_id!r}, typology={self.typology.code!r}, "
            f"labour_force_active={self.labour_force.active}, offers=[{ranked}])"
        )
