"""Rules from ``rules.yaml``: typology, labour-force status and readiness guards (spec §4–7, §9).

:func:`load_rules` reads and fully checks a rules file (the packaged default when no path is given)
and returns a frozen :class:`RuleSet`. ``RuleSet.evaluate(citizen)`` explains one citizen;
``RuleSet.evaluate_frame(df)`` does the same for a whole table at once (batch scoring).

>>> rules = load_rules()
>>> rules.outcome_weights["education"], rules.tie_margin
(0.8, 0.02)
>>> rules.preferred_order["flexible"]
('internship', 'wage_subsidy', 'counselling', 'clarification')
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from recommender import process_cache
from recommender.citizen import Citizen
from recommender.errors import RecommenderError, RulesError, show_value
from recommender.files import read_input
from recommender.rules.conditions import Condition, ConditionResult
from recommender.rules.file import (
    LEVELS,
    Criterion,
    Guard,
    Note,
    ParsedRules,
    TargetRule,
    TypologyRule,
    parse_rules,
)
from recommender.vocab import FIELDS, OFFER, TYPOLOGY

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ConditionResult",
    "Criterion",
    "CriterionResult",
    "Guard",
    "GuardHit",
    "GuardResult",
    "LabourForceResult",
    "Note",
    "RuleResult",
    "RuleSet",
    "TargetHit",
    "TypologyResult",
    "TypologyRule",
    "load_rules",
]


def _text(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


# --- results -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TypologyResult:
    """The citizen's typology, the rule that gave it, each condition of that rule and the guidance."""

    code: str
    rule: str
    description_da: str
    description_en: str
    conditions: tuple[ConditionResult, ...]
    notes: tuple[Note, ...]
    rule_da: str | None = None  # the rule's Danish name (``name_da`` in rules.yaml), if given

    @property
    def label_da(self) -> str:
        return TYPOLOGY.label(self.code, "da")

    @property
    def label_en(self) -> str:
        return TYPOLOGY.label(self.code, "en")

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "label_da": self.label_da,
            "label_en": self.label_en,
            "rule": self.rule,
            "rule_da": self.rule_da,
            "description": _text(self.description_da, self.description_en),
            "conditions": [c.to_dict() for c in self.conditions],
            "notes": [n.to_dict() for n in self.notes],
        }

    def __repr__(self) -> str:
        return f"TypologyResult({self.code!r} ({self.label_da}) by rule {self.rule!r})"


class CriterionResult(NamedTuple):
    """One labour-force criterion: the citizen's value and whether it is met."""

    value: object
    met: bool


@dataclass(frozen=True)
class LabourForceResult:
    """Whether all labour-force criteria are met (erhvervsaktiv), and each one's value and status."""

    active: bool
    criteria: Mapping[str, CriterionResult]

    def to_dict(self) -> dict[str, object]:
        return {
            "active": self.active,
            "criteria": {name: {"value": r.value, "met": r.met} for name, r in self.criteria.items()},
        }

    def __repr__(self) -> str:
        met = sum(r.met for r in self.criteria.values())
        return f"LabourForceResult(active={self.active}, {met}/{len(self.criteria)} criteria met)"


@dataclass(frozen=True)
class GuardHit:
    """One guard that holds for the citizen."""

    guard: str
    level: str
    reason_da: str
    reason_en: str
    condition: str

    def to_dict(self) -> dict[str, object]:
        return {
            "guard": self.guard,
            "level": self.level,
            "reason": _text(self.reason_da, self.reason_en),
            "condition": self.condition,
        }


@dataclass(frozen=True)
class GuardResult:
    """The guards that hold for one offer: ``level`` is ``block`` if any blocks, else ``caution``.

    ``hits`` keeps every guard that held (blocks first, then in file order); the reasons join them all.
    """

    offer: str
    hits: tuple[GuardHit, ...]

    @property
    def level(self) -> str:
        return self.hits[0].level

    @property
    def guard(self) -> str:
        return self.hits[0].guard

    @property
    def reason_da(self) -> str:
        return " ".join(h.reason_da for h in self.hits)

    @property
    def reason_en(self) -> str:
        return " ".join(h.reason_en for h in self.hits)

    def to_dict(self) -> dict[str, object]:
        return {
            "level": self.level,
            "reason": _text(self.reason_da, self.reason_en),
            "hits": [h.to_dict() for h in self.hits],
        }

    def __repr__(self) -> str:
        return f"GuardResult({self.offer!r}: {self.level}, by {', '.join(h.guard for h in self.hits)})"


@dataclass(frozen=True)
class TargetHit:
    """The target-group rule that holds for the citizen: its verdict code, message and report passage."""

    rule: str
    verdict: str
    da: str
    en: str
    passage: str

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "verdict": self.verdict,
            "message": _text(self.da, self.en),
            "passage": self.passage,
        }


@dataclass(frozen=True)
class RuleResult:
    """Everything the rules say about one citizen: typology, labour-force status, guards, notes, and
    ``target``: the target-group rule that holds (``None`` when the citizen is in the target group)."""

    typology: TypologyResult
    labour_force: LabourForceResult
    guards: Mapping[str, GuardResult | None]
    notes: tuple[Note, ...]
    target: TargetHit | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "typology": self.typology.to_dict(),
            "labour_force": self.labour_force.to_dict(),
            "guards": {o: (g.to_dict() if g else None) for o, g in self.guards.items()},
            "notes": [n.to_dict() for n in self.notes],
            "target_group": None if self.target is None else self.target.to_dict(),
        }

    def __repr__(self) -> str:
        guards = {o: g.level for o, g in self.guards.items() if g}
        return (
            f"RuleResult(typology={self.typology.code!r} by {self.typology.rule!r}, "
            f"labour_force_active={self.labour_force.active}, guards={guards}, "
            f"notes={[n.name for n in self.notes]})"
        )


# --- the rule set --------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class RuleSet(ParsedRules):
    """A checked, compiled rules file (the parsed sections plus its path; ``version`` carries a hash
    of the file's bytes). Immutable and safe to share between threads."""

    path: str

    @property
    def fields_read(self) -> frozenset[str]:
        """The intake fields that any typology rule reads."""
        return frozenset().union(*(rule.condition.fields for rule in self.typology_rules))

    @property
    def frame_fields(self) -> frozenset[str]:
        """The columns :meth:`evaluate_frame` needs: fields of typology rules, criteria and guards."""
        conditions: list[Condition] = [r.condition for r in self.typology_rules]
        conditions += [c.condition for c in self.criteria] + [g.condition for g in self.guards]
        conditions += [t.condition for t in self.target_group if t.condition is not None]
        return frozenset().union(*(c.fields for c in conditions))

    def __repr__(self) -> str:
        return (
            f"RuleSet(version={self.version!r}, {len(self.typology_rules)} typology rules, "
            f"{len(self.criteria)} criteria, {len(self.guards)} guards, path={self.path!r})"
        )

    def evaluate(self, citizen: Citizen | Mapping[str, object]) -> RuleResult:
        """Typology (first rule that holds), labour-force status, guards per offer, and notes."""
        if not isinstance(citizen, Citizen):
            citizen = Citizen.from_dict(citizen)
        record = vars(citizen)
        rule = next((r for r in self.typology_rules if r.condition.test(record)), None)
        if rule is None:
            raise RulesError(
                f"no typology rule holds for citizen {citizen.citizen_id!r}; the rules leave "
                "a gap (run 'recommender rules check') / ingen typologiregel passer",
                path=self.path,
            )
        typology = TypologyResult(
            rule.typology,
            rule.name,
            rule.description_da,
            rule.description_en,
            rule.condition.explain(record),
            self.typology_notes[rule.typology],
            rule.name_da,
        )
        criteria = {c.name: CriterionResult(record[c.name], c.condition.test(record)) for c in self.criteria}
        labour = LabourForceResult(all(r.met for r in criteria.values()), MappingProxyType(criteria))
        hits: dict[str, list[GuardHit]] = {offer: [] for offer in OFFER.codes}
        for guard in self.guards:
            if guard.condition.test(record):
                hits[guard.offer].append(
                    GuardHit(
                        guard.name, guard.level, guard.reason_da, guard.reason_en, guard.condition.describe()
                    )
                )
        guards = {
            offer: GuardResult(offer, tuple(sorted(h, key=lambda x: LEVELS.index(x.level)))) if h else None
            for offer, h in hits.items()
        }
        notes = tuple(n for n in self.notes if n.condition is None or n.condition.test(record))
        target = next(
            (
                TargetHit(t.name, t.verdict, t.da, t.en, t.passage)
                for t in self.target_group
                if _target_holds(t, record, labour.active)
            ),
            None,
        )
        return RuleResult(typology, labour, MappingProxyType(guards), notes, target)

    def with_typology(self, result: RuleResult, code: str, reason: str) -> RuleResult:
        """``result`` with the adviser's typology ``code`` in place of the rules' (issue 26): that
        typology's guidance; the conditions shown are the rules' own, and the reason is the adviser's."""
        rules_label = TYPOLOGY.label(result.typology.code, "da")
        typology = TypologyResult(
            code,
            "adviser",
            f"Rådgiverens vurdering (reglerne gav {rules_label}): {reason}",
            f"The adviser's judgement (the rules gave {TYPOLOGY.label(result.typology.code, 'en')}): "
            f"{reason}",
            result.typology.conditions,
            self.typology_notes[code],
            "rådgiverens vurdering",
        )
        return RuleResult(typology, result.labour_force, result.guards, result.notes, result.target)

    def evaluate_frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """Vectorised :meth:`evaluate` for many citizens: one output row per input row, same index.

        ``df`` has one column per intake field the rules read, values as a Citizen stores them (codes,
        bools, ints). Returns ``typology``, ``rule``, ``labour_force_active``, ``<criterion>_met`` and
        ``<offer>_guard`` (``None``, ``'block'`` or ``'caution'``).
        """
        import pandas as pd

        table = _prepared(df, self.frame_fields)
        n = len(df)
        typology = np.full(n, None, dtype=object)
        rule_name = np.full(n, None, dtype=object)
        done = np.zeros(n, dtype=bool)
        for rule in self.typology_rules:
            hit = rule.condition.mask(table) & ~done
            typology[hit], rule_name[hit] = rule.typology, rule.name
            done |= hit
        if not done.all():
            first = int(np.flatnonzero(~done)[0])
            who = repr(df["citizen_id"].iloc[first]) if "citizen_id" in df else f"at row {first}"
            raise RulesError(
                f"no typology rule holds for {int((~done).sum())} of {n} rows, e.g. citizen "
                f"{who}; the rules leave a gap (run 'recommender rules check') / ingen "
                "typologiregel passer",
                path=self.path,
            )
        out: dict[str, Any] = {"typology": typology, "rule": rule_name}
        met = {c.name: c.condition.mask(table) for c in self.criteria}
        out["labour_force_active"] = np.logical_and.reduce(list(met.values())) if met else np.ones(n, bool)
        out.update({f"{name}_met": mask for name, mask in met.items()})
        for offer in OFFER.codes:
            level = np.full(n, None, dtype=object)
            for lvl in reversed(LEVELS):  # caution first, then block overwrites it
                for guard in self.guards:
                    if guard.offer == offer and guard.level == lvl:
                        level[guard.condition.mask(table)] = lvl
            out[f"{offer}_guard"] = level
        return pd.DataFrame(
            {
                k: pd.Series(v, index=df.index, dtype=object if v.dtype == object else None)
                for k, v in out.items()
            }
        )


def _target_holds(rule: TargetRule, record: Mapping[str, object], active: bool) -> bool:
    return active if rule.condition is None else rule.condition.test(record)


def _prepared(df: pd.DataFrame, needed: frozenset[str]) -> pd.DataFrame:
    """The columns the rules read, checked (a missing column or a value a Citizen would not store is
    refused, naming the column) and with codes as categoricals, so that every condition is fast."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise RecommenderError(f"evaluate_frame needs a pandas DataFrame; got {type(df).__name__}")
    # A rules-only field (issue 26) that the table lacks is "uoplyst", as in a cohort file without it.
    absent = {n: FIELDS[n].default for n in needed - set(df.columns) if not FIELDS[n].model_feature}
    if absent:
        df = df.assign(
            **{n: pd.Series([v] * len(df), index=df.index, dtype=object) for n, v in absent.items()}
        )
    missing = sorted(needed - set(df.columns))
    if missing:
        raise RecommenderError(
            f"table lacks the column(s) {', '.join(missing)} that the rules read / tabellen mangler kolonner"
        )
    out: dict[str, Any] = {}
    for name in sorted(needed):
        spec, column = FIELDS[name], df[name]
        if spec.kind == "code":
            assert spec.scale is not None
            codes = pd.Index(spec.scale.codes).get_indexer(column)
            bad = codes < 0
            out[name] = pd.Categorical.from_codes(np.maximum(codes, 0), categories=spec.scale.codes)
        elif spec.kind == "bool":
            bad = (
                np.zeros(len(df), dtype=bool)
                if pd.api.types.is_bool_dtype(column.dtype)
                else ~column.map(lambda v: isinstance(v, (bool, np.bool_))).to_numpy(dtype=bool)
            )
            out[name] = column.to_numpy(dtype=bool) if not bad.any() else None
        else:
            if (
                not pd.api.types.is_integer_dtype(column.dtype)
                or pd.api.types.is_bool_dtype(column.dtype)
                or column.isna().any()
            ):
                raise RecommenderError(f"column {name!r}: expected whole numbers; got dtype {column.dtype}")
            out[name] = column.to_numpy(dtype=np.int64)
            bad = (out[name] < spec.low) | (out[name] > spec.high)
        if bad.any():
            first = int(np.flatnonzero(bad)[0])
            raise RecommenderError(
                f"column {name!r}: {int(bad.sum())} value(s) a citizen record cannot hold, e.g. "
                f"{show_value(column.iloc[first])} at row {first}; expected {spec.expected()} (codes, as "
                "Citizen stores them) / ugyldig værdi"
            )
    return pd.DataFrame(out, index=df.index)


# --- loading -------------------------------------------------------------------------------------------

MAX_RULES_BYTES = 4 * 1024 * 1024  # the packaged rules are about 20 KB


def load_rules(path: str | os.PathLike[str] | None = None) -> RuleSet:
    """Read, check and compile a rules file; ``None`` gives the packaged default (loaded once, cached).

    Any problem (missing file, bad YAML, unknown field or code, malformed condition, …) raises a
    :class:`~recommender.errors.RulesError` naming the line, the rule and a suggestion where one fits.
    """
    if path is None:
        return process_cache.remember("rules", _packaged)
    if not isinstance(path, (str, os.PathLike)):
        raise RulesError(
            f"expected the path of a rules file; got {type(path).__name__} / forventede stien til en regelfil"
        )
    shown = os.fspath(path)
    data = read_input(
        shown,
        limit=MAX_RULES_BYTES,
        what="rules file",
        error=lambda message: RulesError(
            f"cannot read the rules file / kan ikke læse regelfilen: {message}", path=shown
        ),
    )
    return _build(data, shown)


def _packaged() -> RuleSet:
    resource = importlib.resources.files("recommender").joinpath("rules.yaml")
    return _build(resource.read_bytes(), str(resource))


def _build(data: bytes, path: str) -> RuleSet:
    parsed = parse_rules(data, path)
    digest = hashlib.sha256(data).hexdigest()[:8]
    sections = {f.name: getattr(parsed, f.name) for f in fields(parsed)}
    for name in ("typology_notes", "outcome_weights", "preferred_order"):
        sections[name] = MappingProxyType(dict(sections[name]))
    sections["version"] = f"{parsed.version}+{digest}"
    return RuleSet(**sections, path=path)
