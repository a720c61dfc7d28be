"""What could change the suggestion? (issue 26): one answer at a time, run again through the rules and
the recommendation, exactly.

The levers are the answers an adviser and a citizen can work on (the report's progression items):
active job search, searching broadly, geographical mobility, starting within 14 days, Danish course,
network use and language, and also the wish for work. For each other value of each lever,
:func:`what_if` re-runs :func:`~recommender.recommending.recommend.recommend` on the changed answers and
says what changes: the typology, the number of labour-force criteria met, an offer advised against
(frarådes) or a caution, the verdict and the first offer. The model's estimate for the offer that is
first now is shown under the change with its interval, labelled as an association (never an effect).
A what-if is a pure function: it stores nothing and logs no recommendation.

>>> import json
>>> wi = what_if(json.load(open("examples/ambitious.json", encoding="utf-8")))
>>> [lever.field for lever in wi.levers][:3]
['active_job_seeker', 'searches_broadly', 'geographically_mobile']
>>> change = wi.lever("searches_broadly").option("yes")
>>> change.typology, change.criteria_met[1] - change.criteria_met[0]
(('ambitious', 'flexible'), 1)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from recommender.citizen import Citizen
from recommender.numbers import decimal as num_da
from recommender.recommendation import Message, Recommendation, value_label
from recommender.recommending.recommend import recommend
from recommender.vocab import FIELDS, OFFER, TYPOLOGY

if TYPE_CHECKING:
    from recommender.model import OutcomeModel
    from recommender.typology import RuleSet

__all__ = ["LEVERS", "VERDICT_NAMES", "Lever", "Option", "WhatIf", "render_what_if", "what_if"]

#: The answers an adviser and a citizen can work on, in the order shown.
LEVERS: tuple[str, ...] = (
    "active_job_seeker",
    "searches_broadly",
    "geographically_mobile",
    "can_start_within_14_days",
    "wants_employment",
    "danish_course",
    "network_use",
    "language_sufficient",
)
#: Values never offered as a change: not something one works towards.
_NOT_A_CHANGE = frozenset({"unknown", "not_relevant"})
_LEVEL_DA = {None: "ingen", "block": "frarådes", "caution": "forsigtighed"}
_LEVEL_EN = {None: "none", "block": "advised against", "caution": "caution"}
#: Short names of the verdict codes for a what-if line (an unlisted code is shown as it is).
VERDICT_NAMES = {
    "clear_first_choice": ("klart førstevalg", "clear first choice"),
    "no_clear_difference": ("ingen klar forskel", "no clear difference"),
    "no_advised_offer": ("alle tilbud frarådes", "every offer advised against"),
    "outside_target_group": ("uden for målgruppen", "outside the target group"),
    "already_active": ("allerede erhvervsaktiv", "already active"),
    "no_offer_fits": ("intet tilbud passer", "no offer fits"),
}


@dataclass(frozen=True)
class Option:
    """One changed answer and what it changes (each a ``(before, after)`` pair, or ``None``)."""

    field: str
    value: str
    typology: tuple[str, str] | None
    criteria_met: tuple[int, int]
    guards: tuple[tuple[str, str | None, str | None], ...]  # (offer, level before, level after)
    verdict: tuple[str, str] | None
    top_offer: tuple[str | None, str | None] | None
    estimate: tuple[str, float, float, float, float] | None  # (offer, before, after, low, high)
    message: Message

    @property
    def changes_anything(self) -> bool:
        """Whether the change moves the typology, the criteria met, a guard, the verdict or rank 1."""
        return bool(
            self.typology
            or self.criteria_met[0] != self.criteria_met[1]
            or self.guards
            or self.verdict
            or self.top_offer
        )

    def to_dict(self) -> dict[str, object]:
        est = (
            None
            if self.estimate is None
            else {
                "offer": self.estimate[0],
                "before": self.estimate[1],
                "after": self.estimate[2],
                "interval": [self.estimate[3], self.estimate[4]],
                "kind": "association",
            }
        )
        return {
            "value": self.value,
            "label_da": value_label(self.field, self.value),
            "changes_anything": self.changes_anything,
            "typology": None if self.typology is None else list(self.typology),
            "criteria_met": list(self.criteria_met),
            "guards": [{"offer": o, "before": a, "after": b} for o, a, b in self.guards],
            "verdict": None if self.verdict is None else list(self.verdict),
            "top_offer": None if self.top_offer is None else list(self.top_offer),
            "estimate": est,
            "message": self.message.to_dict(),
        }


@dataclass(frozen=True)
class Lever:
    """One answer the adviser and the citizen can work on: its value now and each other value."""

    field: str
    current: object
    options: tuple[Option, ...]

    def option(self, value: str) -> Option:
        return next(o for o in self.options if o.value == value)

    def to_dict(self) -> dict[str, object]:
        return {
            "field": self.field,
            "label_da": FIELDS[self.field].da,
            "label_en": FIELDS[self.field].en,
            "current": self.current,
            "current_label_da": value_label(self.field, self.current),
            "options": [o.to_dict() for o in self.options],
        }


@dataclass(frozen=True)
class WhatIf:
    """Every lever with every other value, each run again through rules and recommendation."""

    citizen_id: str
    levers: tuple[Lever, ...]

    def lever(self, field: str) -> Lever:
        return next(lv for lv in self.levers if lv.field == field)

    def to_dict(self) -> dict[str, object]:
        return {
            "citizen_id": self.citizen_id,
            "levers": [lv.to_dict() for lv in self.levers],
            "note": {
                "da": "Hver ændring er kørt igennem reglerne og anbefalingen igen. Ændringer i "
                "modellens estimater er sammenhænge, ikke virkninger.",
                "en": "Each change was run through the rules and the recommendation again. "
                "Changes in the model's estimates are associations, not effects.",
            },
        }


def what_if(
    citizen: Citizen | Mapping[str, object],
    *,
    model: OutcomeModel | None = None,
    rules: RuleSet | None = None,
    typology: str | None = None,
    reason: str | None = None,
    base: Recommendation | None = None,
) -> WhatIf:
    """For each lever and each other value: what the rules and the recommendation say then."""
    citizen = Citizen.from_dict(citizen)
    kwargs: dict[str, object] = {"model": model, "rules": rules, "typology": typology, "reason": reason}
    base = base if base is not None else recommend(citizen, **kwargs)  # type: ignore[arg-type]
    record = citizen.to_dict()
    levers = []
    for name in LEVERS:
        scale = FIELDS[name].scale
        assert scale is not None
        options = []
        for value in scale.codes:
            if value == record[name] or value in _NOT_A_CHANGE:
                continue
            after = recommend({**record, name: value}, **kwargs)  # type: ignore[arg-type]
            options.append(_compare(name, value, record[name], base, after))
        levers.append(Lever(name, record[name], tuple(options)))
    return WhatIf(citizen.citizen_id, tuple(levers))


def _met(rec: Recommendation) -> int:
    return sum(r.met for r in rec.labour_force.criteria.values())


def _compare(
    field: str, value: str, current: object, before: Recommendation, after: Recommendation
) -> Option:
    typ = (before.typology.code, after.typology.code) if before.typology.code != after.typology.code else None
    met = (_met(before), _met(after))
    guards = tuple(
        (o, _level(before, o), _level(after, o)) for o in OFFER.codes if _level(before, o) != _level(after, o)
    )
    code_a = before.verdict_message.code if before.verdict_message else ""
    code_b = after.verdict_message.code if after.verdict_message else ""
    verdict = (code_a, code_b) if code_a != code_b else None
    top = (before.top_offer, after.top_offer) if before.top_offer != after.top_offer else None
    estimate = None
    if after.top_offer is not None:
        a, b = before.offer(after.top_offer), after.offer(after.top_offer)
        estimate = (after.top_offer, a.score, b.score, *b.score_interval)
    option = Option(field, value, typ, met, guards, verdict, top, estimate, Message("", "", ""))
    return Option(field, value, typ, met, guards, verdict, top, estimate, _message(option, current, after))


def _level(rec: Recommendation, offer: str) -> str | None:
    guard = rec.offer(offer).guard
    return None if guard is None else guard.level


def _message(o: Option, current: object, after: Recommendation) -> Message:
    name = FIELDS[o.field]
    da = [f"Hvis «{name.da}» ændres fra {value_label(o.field, current)} til {value_label(o.field, o.value)}:"]
    en = [
        f"If «{name.en}» changes from {value_label(o.field, current, 'en')} to "
        f"{value_label(o.field, o.value, 'en')}:"
    ]
    if o.typology:
        da.append(f"typologien bliver {TYPOLOGY.label(o.typology[1])} (nu {TYPOLOGY.label(o.typology[0])});")
        en.append(
            f"the typology becomes {TYPOLOGY.label(o.typology[1], 'en')} (now "
            f"{TYPOLOGY.label(o.typology[0], 'en')});"
        )
    if o.criteria_met[0] != o.criteria_met[1]:
        n = len(after.labour_force.criteria)
        da.append(
            f"{o.criteria_met[1]} af {n} kriterier for arbejdsstyrken opfyldt (nu {o.criteria_met[0]});"
        )
        en.append(f"{o.criteria_met[1]} of {n} labour-force criteria met (now {o.criteria_met[0]});")
    for offer, a, b in o.guards:
        da.append(f"{OFFER.label(offer)}: {_LEVEL_DA[b]} (nu {_LEVEL_DA[a]});")
        en.append(f"{OFFER.label(offer, 'en')}: {_LEVEL_EN[b]} (now {_LEVEL_EN[a]});")
    if o.verdict:
        new_da, new_en = VERDICT_NAMES.get(o.verdict[1], (o.verdict[1], o.verdict[1]))
        old_da, old_en = VERDICT_NAMES.get(o.verdict[0], (o.verdict[0], o.verdict[0]))
        da.append(f"vurderingen bliver «{new_da}» (nu «{old_da}»);")
        en.append(f"the verdict becomes «{new_en}» (now «{old_en}»);")
    if o.top_offer:
        first_da = OFFER.label(o.top_offer[1]) if o.top_offer[1] else "intet tilbud"
        first_en = OFFER.label(o.top_offer[1], "en") if o.top_offer[1] else "no offer"
        da.append(f"første tilbud bliver {first_da};")
        en.append(f"the first offer becomes {first_en};")
    if not o.changes_anything:
        da.append("ingen ændring i typologi, kriterier, frarådede tilbud eller vurdering;")
        en.append("no change in typology, criteria, offers advised against or verdict;")
    if o.estimate is not None:
        first, now, then, lo, hi = o.estimate
        da.append(
            f"forventet værdi for {OFFER.label(first)} {num_da(then)} (interval "
            f"{num_da(lo)}–{num_da(hi)}; nu {num_da(now)}) – en sammenhæng, ikke en virkning."
        )
        en.append(
            f"expected value for {OFFER.label(first, 'en')} {then:.2f} (interval {lo:.2f}–{hi:.2f}; "
            f"now {now:.2f}) – an association, not an effect."
        )
    return Message(f"what_if:{o.field}={o.value}", " ".join(da), " ".join(en))


def render_what_if(wi: WhatIf, lang: str = "da") -> str:
    """The what-if as a section of the adviser's screen, under "Hvad kunne ændre anbefalingen?"."""
    head = "Hvad kunne ændre anbefalingen?" if lang == "da" else "What could change the suggestion?"
    lines = [head, "-" * len(head), wi.to_dict()["note"][lang]]  # type: ignore[index]
    for lever in wi.levers:
        spec = FIELDS[lever.field]
        now = value_label(lever.field, lever.current, lang)
        lines.append(f"{spec.da} (nu: {now})" if lang == "da" else f"{spec.en} (now: {now})")
        for option in lever.options:
            lines.append(f"  - {option.message.text(lang)}")
    return "\n".join(lines) + "\n"
