"""The sections of ``rules.yaml``, checked one by one against the vocabulary (spec §4–7, §9).

:func:`parse_rules` turns the bytes of a rules file into plain, frozen parts (criteria, typology
rules, guards, notes, weights, tie margin, preferred orders) or raises one
:class:`~recommender.errors.RulesError` naming the line, the rule and a did-you-mean suggestion.
:mod:`recommender.typology` assembles the parts into a :class:`~recommender.typology.RuleSet`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

from recommender.errors import did_you_mean, show_value
from recommender.rules.conditions import (
    Condition,
    Context,
    Leaf,
    YamlMap,
    YamlSeq,
    compile_condition,
    load_yaml,
)
from recommender.text import CONTROL, normalise
from recommender.vocab import OFFER, OUTCOME, TYPOLOGY, Scale

__all__ = [
    "LEVELS",
    "OPTIONAL_SECTIONS",
    "SECTIONS",
    "TARGET_VERDICTS",
    "Criterion",
    "Guard",
    "NoOfferFits",
    "Note",
    "ParsedRules",
    "TargetRule",
    "TypologyRule",
    "parse_rules",
]

SECTIONS = (
    "version",
    "criteria",
    "typology_rules",
    "guards",
    "typology_notes",
    "cross_cutting_notes",
    "outcome_weights",
    "tie_margin",
    "preferred_order",
)
#: Sections a rules file may leave out (issue 26, issue 24): an older file still loads, without
#: these checks (``sparse_data_min`` is then :data:`SPARSE_DATA_MIN`).
OPTIONAL_SECTIONS = ("target_group", "no_offer_fits", "sparse_data_min")
#: The smallest number of earlier citizens with an answer before its estimates count as clear.
SPARSE_DATA_MIN = 10
#: The verdict codes a target-group rule may give.
TARGET_VERDICTS = ("outside_target_group", "already_active")
#: Guard levels, the stronger first: a block wins over a caution.
LEVELS = ("block", "caution")


@dataclass(frozen=True)
class Criterion:
    """A labour-force criterion: one field and the value(s) that meet it (spec §4)."""

    name: str
    condition: Leaf
    line: int


@dataclass(frozen=True)
class TypologyRule:
    """One typology rule: tried in file order, the first whose condition holds gives the typology."""

    name: str
    typology: str
    description_da: str
    description_en: str
    condition: Condition
    line: int
    name_da: str | None = None  # the rule's name as the adviser reads it (Danish); optional


@dataclass(frozen=True)
class Guard:
    """A readiness guard on one offer: ``block`` (not advised) or ``caution`` (a warning) when it holds."""

    name: str
    offer: str
    level: str
    condition: Condition
    reason_da: str
    reason_en: str
    line: int
    passage: str | None = None  # the report passage the guard rests on


@dataclass(frozen=True)
class Note:
    """Guidance for the adviser in Danish and English; a cross-cutting note has a name and a condition."""

    da: str
    en: str
    name: str | None = None
    condition: Condition | None = None
    passage: str | None = None  # the report passage the note rests on

    def to_dict(self) -> dict[str, object]:
        head = {"name": self.name} if self.name else {}
        tail = {"passage": self.passage} if self.passage else {}
        return {**head, "da": self.da, "en": self.en, **tail}

    def __repr__(self) -> str:
        head = f"{self.name}: " if self.name else ""
        return f"Note({head}{self.da[:50]!r}{'…' if len(self.da) > 50 else ''})"


@dataclass(frozen=True)
class TargetRule:
    """Who the effort is not for: the first target-group rule that holds gives its verdict and message.

    ``condition`` is ``None`` when the rule is ``all_criteria_met: true`` (all labour-force criteria).
    """

    name: str
    verdict: str
    condition: Condition | None
    da: str
    en: str
    passage: str
    line: int


@dataclass(frozen=True)
class NoOfferFits:
    """The verdict ``no_offer_fits``: every advised offer's chance of "anden årsag" is at least
    ``other_at_least``; the message comes with the cross-cutting note named ``note``."""

    other_at_least: float
    note: str
    da: str
    en: str
    passage: str


@dataclass(frozen=True)
class ParsedRules:
    version: str
    criteria: tuple[Criterion, ...]
    typology_rules: tuple[TypologyRule, ...]
    guards: tuple[Guard, ...]
    typology_notes: Mapping[str, tuple[Note, ...]]
    notes: tuple[Note, ...]
    outcome_weights: Mapping[str, float]
    tie_margin: float
    preferred_order: Mapping[str, tuple[str, ...]]
    sparse_data_min: int
    target_group: tuple[TargetRule, ...] = field(default=(), kw_only=True)
    no_offer_fits: NoOfferFits | None = field(default=None, kw_only=True)


def parse_rules(data: bytes, path: str | None) -> ParsedRules:
    """Check every section of a rules file and compile its conditions."""
    ctx = Context(path)
    top = load_yaml(data, path)
    if not isinstance(top, dict):
        ctx.fail(
            f"the rules file must be a mapping of sections ({', '.join(SECTIONS)}); got "
            f"{show_value(top)} / regelfilen skal bestå af afsnit",
            getattr(top, "line", 1) or 1,
        )
    _keys(top, SECTIONS + OPTIONAL_SECTIONS, SECTIONS, ctx, "the rules file / regelfilen")
    version = top["version"]
    if not isinstance(version, str) or not version.strip():
        ctx.fail(
            f'version must be text in quotes, e.g. version: "2026.1"; got {show_value(version)} / '
            "version skal stå i anførselstegn",
            _line(top, "version"),
        )
    return ParsedRules(
        version=version.strip(),
        criteria=_criteria(top, ctx),
        typology_rules=_typology_rules(top, ctx),
        guards=_guards(top, ctx),
        typology_notes=_typology_notes(top, ctx),
        notes=(notes := _cross_cutting_notes(top, ctx)),
        outcome_weights=_weights(top, ctx),
        tie_margin=_tie_margin(top, ctx),
        preferred_order=_preferred_order(top, ctx),
        sparse_data_min=_sparse_data_min(top, ctx),
        target_group=_target_group(top, ctx),
        no_offer_fits=_no_offer_fits(top, ctx, notes),
    )


# --- helpers -------------------------------------------------------------------------------------------


def _line(node: object, key: object = None) -> int:
    if isinstance(node, YamlMap):
        return node.line_of(key) if key is not None else node.line
    if isinstance(node, YamlSeq) and isinstance(key, int):
        return node.line_of(key)
    return getattr(node, "line", 0)


def _keys(node: dict, allowed: tuple[str, ...], required: tuple[str, ...], ctx: Context, what: str) -> None:
    for key in node:
        if key not in allowed:
            ctx.fail(
                f"unknown key {show_value(key)} in {what} (allowed: {', '.join(allowed)}) / ukendt nøgle",
                _line(node, key),
                field=str(key)[:100],
                suggestion=did_you_mean(key, allowed),
            )
    for key in required:
        if key not in node:
            ctx.fail(f"{what} lacks {key!r} / mangler {key!r}", _line(node))


def _mapping(node: object, ctx: Context, what: str, line: int) -> dict:
    if not isinstance(node, dict):
        ctx.fail(
            f"{what} must be a mapping (key: value); got {show_value(node)} / skal være nøgle: værdi", line
        )
    return node


def _list(node: object, ctx: Context, what: str, line: int, *, empty: bool = False) -> list:
    if not isinstance(node, list) or (not node and not empty):
        kind = "a list" if empty else "a non-empty list"
        ctx.fail(
            f"{what} must be {kind} (lines starting with '-'); got {show_value(node)} / skal være en liste",
            line,
        )
    return node


def _text(node: dict, key: str, ctx: Context) -> str:
    value = node[key]
    if not isinstance(value, str) or not value.strip():
        ctx.fail(
            f"{key!r} must be non-empty text; got {show_value(value)} / skal være tekst", _line(node, key)
        )
    text = " ".join(normalise(value).split())
    if CONTROL.search(text):  # shown to advisers on a terminal: never escape sequences
        ctx.fail(
            f"{key!r} must be text without control characters; got {show_value(value)} / tekst uden "
            "kontroltegn",
            _line(node, key),
        )
    return text


_WHAT_DA = {"typology": "typologi", "offer": "tilbud", "outcome": "afslutningsårsag"}


def _code(scale: Scale, value: object, ctx: Context, line: int, what: str) -> str:
    code = scale.parse(value) if isinstance(value, str) else None
    if code is None:
        words = [w for item in scale.items for w in (item.code, item.da, item.en)]
        match = did_you_mean(value, words)
        what_da = _WHAT_DA.get(what.split()[0], what.split()[0])
        ctx.fail(
            f"unknown {what} {show_value(value)}; allowed: {scale.describe()} / ukendt {what_da}",
            line,
            value=value,
            allowed=scale.codes,
            suggestion=scale.parse(match) if match else None,
        )
    return code


def _name(node: dict, ctx: Context, seen: dict[str, int], what: str) -> str:
    name = _text(node, "name", ctx)
    if name in seen:
        ctx.within(name).fail(
            f"duplicate {what} name {show_value(name)} (first on line {seen[name]}) / navnet er "
            "brugt to gange",
            _line(node, "name"),
        )
    seen[name] = _line(node, "name")
    return name


# --- sections ------------------------------------------------------------------------------------------


def _criteria(top: dict, ctx: Context) -> tuple[Criterion, ...]:
    items = _list(top["criteria"], ctx, "criteria", _line(top, "criteria"))
    out: dict[str, Criterion] = {}
    for i, item in enumerate(items):
        line = _line(items, i)
        _keys(
            _mapping(item, ctx, "a criterion", line),
            ("field", "equals", "in"),
            ("field",),
            ctx,
            "a criterion / et kriterium",
        )
        leaf = compile_condition(item, ctx, line)
        assert isinstance(leaf, Leaf)
        if leaf.field in out:
            ctx.fail(
                f"criterion {leaf.field!r} appears twice / kriteriet står to gange", line, field=leaf.field
            )
        out[leaf.field] = Criterion(leaf.field, leaf, line)
    return tuple(out.values())


def _typology_rules(top: dict, ctx: Context) -> tuple[TypologyRule, ...]:
    items = _list(top["typology_rules"], ctx, "typology_rules", _line(top, "typology_rules"))
    seen: dict[str, int] = {}
    rules = []
    for i, item in enumerate(items):
        line = _line(items, i)
        keys = ("name", "typology", "description_da", "description_en", "when")
        allowed = (*keys, "name_da")
        _keys(_mapping(item, ctx, "a typology rule", line), allowed, ("name",), ctx, "a typology rule")
        name = _name(item, ctx, seen, "rule")
        here = ctx.within(name)
        _keys(item, allowed, keys, here, f"rule {name!r}")
        typology = _code(TYPOLOGY, item["typology"], here, _line(item, "typology"), "typology")
        condition = compile_condition(item["when"], here, _line(item, "when"))
        rules.append(
            TypologyRule(
                name,
                typology,
                _text(item, "description_da", here),
                _text(item, "description_en", here),
                condition,
                line,
                _text(item, "name_da", here) if "name_da" in item else None,
            )
        )
    return tuple(rules)


def _guards(top: dict, ctx: Context) -> tuple[Guard, ...]:
    items = _list(top["guards"], ctx, "guards", _line(top, "guards"), empty=True)
    seen: dict[str, int] = {}
    guards = []
    for i, item in enumerate(items):
        line = _line(items, i)
        keys = ("name", "offer", "level", "when", "reason_da", "reason_en")
        _keys(
            _mapping(item, ctx, "a guard", line),
            (*keys, "passage"),
            ("name",),
            ctx,
            "a guard / en regel, der fraråder",
        )
        name = _name(item, ctx, seen, "guard")
        here = ctx.within(name)
        _keys(item, (*keys, "passage"), keys, here, f"guard {name!r}")
        offer = _code(OFFER, item["offer"], here, _line(item, "offer"), "offer")
        level = item["level"]
        if level not in LEVELS:
            here.fail(
                f"level must be block or caution; got {show_value(level)} / niveau skal være block "
                "eller caution",
                _line(item, "level"),
                value=level,
                allowed=LEVELS,
                suggestion=did_you_mean(level, LEVELS),
            )
        condition = compile_condition(item["when"], here, _line(item, "when"))
        guards.append(
            Guard(
                name,
                offer,
                level,
                condition,
                _text(item, "reason_da", here),
                _text(item, "reason_en", here),
                line,
                _passage(item, here),
            )
        )
    return tuple(guards)


def _note(item: object, ctx: Context, line: int, extra: tuple[str, ...] = ()) -> dict:
    allowed = ("da", "en", *extra, *(("passage",) if extra else ()))
    _keys(_mapping(item, ctx, "a note", line), allowed, ("da", "en", *extra), ctx, "a note / en note")
    return item  # type: ignore[return-value]


def _passage(item: dict, ctx: Context) -> str | None:
    return _text(item, "passage", ctx) if "passage" in item else None


def _by_typology(top: dict, key: str, ctx: Context) -> dict[str, tuple[int, object]]:
    """A section keyed by typology: every typology exactly once (codes or labels accepted)."""
    section = _mapping(top[key], ctx, key, _line(top, key))
    out: dict[str, tuple[int, object]] = {}
    for name, value in section.items():
        line = _line(section, name)
        code = _code(TYPOLOGY, name, ctx, line, f"typology in {key}")
        if code in out:
            ctx.fail(f"typology {code!r} appears twice in {key} / står to gange", line)
        out[code] = (line, value)
    missing = [code for code in TYPOLOGY.codes if code not in out]
    if missing:
        ctx.fail(f"{key} lacks the typology {', '.join(missing)} / mangler typologien", _line(top, key))
    return {code: out[code] for code in TYPOLOGY.codes}


def _typology_notes(top: dict, ctx: Context) -> dict[str, tuple[Note, ...]]:
    out = {}
    for code, (line, value) in _by_typology(top, "typology_notes", ctx).items():
        items = _list(value, ctx, f"typology_notes for {code}", line, empty=True)
        notes = []
        for i, item in enumerate(items):
            _note(item, ctx, _line(items, i))
            notes.append(Note(_text(item, "da", ctx), _text(item, "en", ctx)))
        out[code] = tuple(notes)
    return out


def _cross_cutting_notes(top: dict, ctx: Context) -> tuple[Note, ...]:
    items = _list(
        top["cross_cutting_notes"], ctx, "cross_cutting_notes", _line(top, "cross_cutting_notes"), empty=True
    )
    seen: dict[str, int] = {}
    notes = []
    for i, item in enumerate(items):
        _note(item, ctx, _line(items, i), ("name", "when"))
        name = _name(item, ctx, seen, "note")
        here = ctx.within(name)
        condition = compile_condition(item["when"], here, _line(item, "when"))
        notes.append(
            Note(_text(item, "da", here), _text(item, "en", here), name, condition, _passage(item, here))
        )
    return tuple(notes)


def _target_group(top: dict, ctx: Context) -> tuple[TargetRule, ...]:
    if "target_group" not in top:
        return ()
    items = _list(top["target_group"], ctx, "target_group", _line(top, "target_group"), empty=True)
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items):
        line = _line(items, i)
        keys = ("name", "verdict", "when", "all_criteria_met", "da", "en", "passage")
        _keys(
            _mapping(item, ctx, "a target-group rule", line),
            keys,
            ("name",),
            ctx,
            "a target-group rule / en målgrupperegel",
        )
        name = _name(item, ctx, seen, "target-group rule")
        here = ctx.within(name)
        _keys(item, keys, ("verdict", "da", "en", "passage"), here, f"target-group rule {name!r}")
        verdict = item["verdict"]
        if verdict not in TARGET_VERDICTS:
            here.fail(
                f"verdict must be one of {', '.join(TARGET_VERDICTS)}; got {show_value(verdict)} / "
                "ukendt vurdering",
                _line(item, "verdict"),
                value=verdict,
                allowed=TARGET_VERDICTS,
                suggestion=did_you_mean(verdict, TARGET_VERDICTS),
            )
        if ("when" in item) == ("all_criteria_met" in item):
            here.fail(
                "a target-group rule needs exactly one of 'when' and 'all_criteria_met: true' / "
                "skriv enten when eller all_criteria_met: true",
                line,
            )
        condition = None
        if "when" in item:
            condition = compile_condition(item["when"], here, _line(item, "when"))
        elif item["all_criteria_met"] is not True:
            here.fail(
                f"all_criteria_met must be true; got {show_value(item['all_criteria_met'])} / skal være true",
                _line(item, "all_criteria_met"),
            )
        out.append(
            TargetRule(
                name,
                verdict,
                condition,
                _text(item, "da", here),
                _text(item, "en", here),
                _text(item, "passage", here),
                line,
            )
        )
    return tuple(out)


def _no_offer_fits(top: dict, ctx: Context, notes: tuple[Note, ...]) -> NoOfferFits | None:
    if "no_offer_fits" not in top:
        return None
    node = _mapping(top["no_offer_fits"], ctx, "no_offer_fits", _line(top, "no_offer_fits"))
    keys = ("other_at_least", "note", "da", "en", "passage")
    _keys(node, keys, keys, ctx, "no_offer_fits")
    value = node["other_at_least"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        ctx.fail(
            f"other_at_least must be a share above 0 and at most 1, e.g. 0.8; got {show_value(value)} "
            "/ skal være en andel over 0 og højst 1",
            _line(node, "other_at_least"),
            value=value,
        )
    names = [n.name for n in notes if n.name]
    note = node["note"]
    if note not in names:
        ctx.fail(
            f"note must name a note in cross_cutting_notes ({', '.join(names)}); got "
            f"{show_value(note)} / ukendt note",
            _line(node, "note"),
            value=note,
            suggestion=did_you_mean(note, names),
        )
    return NoOfferFits(
        float(value), note, _text(node, "da", ctx), _text(node, "en", ctx), _text(node, "passage", ctx)
    )


def _weights(top: dict, ctx: Context) -> dict[str, float]:
    section = _mapping(top["outcome_weights"], ctx, "outcome_weights", _line(top, "outcome_weights"))
    out: dict[str, float] = {}
    for name, value in section.items():
        line = _line(section, name)
        code = _code(OUTCOME, name, ctx, line, "outcome")
        if code in out:
            ctx.fail(f"outcome {code!r} appears twice in outcome_weights / står to gange", line)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            ctx.fail(
                f"the weight of {code!r} must be a number, e.g. 0.8; got {show_value(value)} / vægten "
                "skal være et tal",
                line,
                value=value,
            )
        out[code] = float(value)
    missing = [code for code in OUTCOME.codes if code not in out]
    if missing:
        ctx.fail(f"outcome_weights lacks {', '.join(missing)} / mangler", _line(top, "outcome_weights"))
    return {code: out[code] for code in OUTCOME.codes}


def _tie_margin(top: dict, ctx: Context) -> float:
    value = top["tie_margin"]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value < 1:
        ctx.fail(
            f"tie_margin must be a number from 0 up to (not including) 1, e.g. 0.02; got "
            f"{show_value(value)} / skal være et tal fra 0 til under 1",
            _line(top, "tie_margin"),
            value=value,
        )
    return float(value)


def _sparse_data_min(top: dict, ctx: Context) -> int:
    """How many earlier citizens must have given an answer before its estimates count as clear."""
    value = top.get("sparse_data_min", SPARSE_DATA_MIN)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100_000:
        ctx.fail(
            f"sparse_data_min must be a whole number from 0 to 100000, e.g. 10; got {show_value(value)} "
            "/ skal være et heltal fra 0 til 100000",
            _line(top, "sparse_data_min"),
            value=value,
        )
    return int(value)


def _preferred_order(top: dict, ctx: Context) -> dict[str, tuple[str, ...]]:
    out = {}
    for code, (line, value) in _by_typology(top, "preferred_order", ctx).items():
        items = _list(value, ctx, f"preferred_order for {code}", line)
        offers = tuple(_code(OFFER, v, ctx, _line(items, i), "offer") for i, v in enumerate(items))
        if sorted(offers) != sorted(OFFER.codes):
            missing = [o for o in OFFER.codes if o not in offers]
            twice = sorted({o for o in offers if offers.count(o) > 1})
            ctx.fail(
                f"preferred_order for {code} must list each of the four offers once "
                f"({', '.join(OFFER.codes)}); missing: {', '.join(missing) or '-'}, twice: "
                f"{', '.join(twice) or '-'} / skal nævne hvert tilbud én gang",
                line,
            )
        out[code] = offers
    return out
