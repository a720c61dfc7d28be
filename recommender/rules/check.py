"""The rule checker (spec §9): prove that every possible record gets exactly one typology.

It enumerates every combination of the values of the fields that the typology rules read: both
booleans, every code, and for whole-number fields the boundary values that the conditions mention
(with their neighbours and the field's range ends), which is enough because a condition can only
change its answer at those points. With first-match semantics a record gets exactly one typology when
at least one rule holds, so the checker reports the combinations no rule covers (with an example),
the rules that are never the first to hold (they can never fire), and, as information only, the
combinations where rules of different typologies both hold.

The rules-only fields of issue 26 (integration programme, health barrier, work experience) are part of
every possible record too. One that no typology rule reads is a *free field*: a compiled condition reads
only its own fields, so every value of it gives the same first match, and each enumerated combination
stands for ``len(values)`` records, one per value (the counts are multiplied accordingly). One that a
typology rule reads is enumerated like any other field.

>>> from recommender.typology import load_rules
>>> report = check_rules(load_rules())
>>> report.complete, report.n_records, report.never_fires
(True, 9922500, ())
>>> dict(report.free_fields)
{'integration_programme': 3, 'health_barrier': 7, 'work_experience': 5}
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from recommender.errors import RulesError
from recommender.vocab import FIELDS, RULE_ONLY

if TYPE_CHECKING:
    from recommender.typology import RuleSet

__all__ = ["CheckReport", "Overlap", "check_rules", "field_values"]

MAX_RECORDS = 20_000_000  # beyond this the enumeration would take minutes: refuse and say why
_CHUNK = 1_000_000


@dataclass(frozen=True)
class Overlap:
    """Two rules of different typologies that both hold for some records (first match decides)."""

    rule_a: str
    typology_a: str
    rule_b: str
    typology_b: str
    records: int
    example: Mapping[str, object]

    def to_dict(self) -> dict[str, object]:
        return {
            "rules": [self.rule_a, self.rule_b],
            "typologies": [self.typology_a, self.typology_b],
            "records": self.records,
            "example": dict(self.example),
        }


@dataclass(frozen=True)
class CheckReport:
    """What the enumeration found. ``complete`` is true when every record gets a typology."""

    path: str
    version: str
    fields: Mapping[str, tuple[object, ...]]
    n_records: int
    n_uncovered: int
    uncovered_example: Mapping[str, object] | None
    fires_first: Mapping[str, int]
    never_fires: tuple[str, ...]
    n_several_typologies: int
    overlaps: tuple[Overlap, ...] = field(default=())
    #: Rules-only fields no typology rule reads, with their number of values (each record × every value).
    free_fields: Mapping[str, int] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return self.n_uncovered == 0

    def to_dict(self) -> dict[str, object]:
        return {
            "path": self.path,
            "version": self.version,
            "complete": self.complete,
            "records": self.n_records,
            "fields": {k: list(v) for k, v in self.fields.items()},
            "uncovered": self.n_uncovered,
            "uncovered_example": dict(self.uncovered_example) if self.uncovered_example else None,
            "fires_first": dict(self.fires_first),
            "never_fires": list(self.never_fires),
            "records_with_several_typologies": self.n_several_typologies,
            "overlaps": [o.to_dict() for o in self.overlaps],
            "free_fields": dict(self.free_fields),
        }

    def __repr__(self) -> str:
        state = "complete" if self.complete else f"{self.n_uncovered} uncovered"
        return f"CheckReport({state}, {self.n_records} records, never fires: {list(self.never_fires)})"


def field_values(rules: RuleSet) -> dict[str, tuple[object, ...]]:
    """The values to enumerate for each field the typology rules read, in schema order."""
    bounds: dict[str, set[int]] = {}
    for rule in rules.typology_rules:
        for leaf in rule.condition.leaves():
            if FIELDS[leaf.field].kind == "int":
                for v in leaf.values:
                    bounds.setdefault(leaf.field, set()).update((v - 1, v, v + 1))  # type: ignore[operator, arg-type]
    out: dict[str, tuple[object, ...]] = {}
    for name, spec in FIELDS.items():
        if name not in rules.fields_read:
            continue
        if spec.kind == "code":
            assert spec.scale is not None
            out[name] = spec.scale.codes
        elif spec.kind == "bool":
            out[name] = (False, True)
        else:
            low, high = spec.low, spec.high
            assert low is not None and high is not None
            points = {low, high} | {v for v in bounds.get(name, ()) if low <= v <= high}
            out[name] = tuple(sorted(points))
    return out


def _frame(values: Mapping[str, tuple[object, ...]], start: int, stop: int) -> pd.DataFrame:
    """Rows ``start:stop`` of the full cross product, as a table of columns like a Citizen stores."""
    index = np.arange(start, stop, dtype=np.int64)
    columns: dict[str, pd.Series] = {}
    stride = math.prod(len(v) for v in values.values())
    for name, options in values.items():
        stride //= len(options)
        position = (index // stride) % len(options)
        kind = FIELDS[name].kind
        array = np.array(options, dtype=object if kind == "code" else None)
        columns[name] = pd.Series(array[position], dtype=object if kind == "code" else array.dtype)
    return pd.DataFrame(columns)


def _record(frame: pd.DataFrame, row: int) -> dict[str, object]:
    return {name: _plain(frame[name].iloc[row]) for name in frame.columns}


def _plain(value: object) -> object:
    return value.item() if isinstance(value, np.generic) else value


def check_rules(rules: RuleSet) -> CheckReport:
    """Enumerate every combination of the values the typology rules read and report on coverage."""
    values = field_values(rules)
    total = math.prod(len(v) for v in values.values())
    if total > MAX_RECORDS:
        sizes = ", ".join(f"{k} {len(v)}" for k, v in values.items())
        raise RulesError(
            f"the typology rules read too many fields to enumerate: {total:,} combinations "
            f"({sizes}); at most {MAX_RECORDS:,} / for mange kombinationer",
            path=rules.path,
        )
    names = [r.name for r in rules.typology_rules]
    typologies = sorted({r.typology for r in rules.typology_rules})
    first_counts = dict.fromkeys(names, 0)
    pairs = [
        (i, j)
        for i in range(len(names))
        for j in range(i + 1, len(names))
        if rules.typology_rules[i].typology != rules.typology_rules[j].typology
    ]
    pair_counts = dict.fromkeys(pairs, 0)
    pair_examples: dict[tuple[int, int], dict[str, object]] = {}
    uncovered, several = 0, 0
    example: dict[str, object] | None = None
    for start in range(0, total, _CHUNK):
        frame = _frame(values, start, min(start + _CHUNK, total))
        masks = [rule.condition.mask(frame) for rule in rules.typology_rules]
        done = np.zeros(len(frame), dtype=bool)
        for name, mask in zip(names, masks, strict=True):
            first_counts[name] += int((mask & ~done).sum())
            done |= mask
        if example is None and not done.all():
            example = _record(frame, int(np.flatnonzero(~done)[0]))
        uncovered += int((~done).sum())
        per_typology = [
            np.logical_or.reduce(
                [m for r, m in zip(rules.typology_rules, masks, strict=True) if r.typology == t]
            )
            for t in typologies
        ]
        several += int((np.sum(per_typology, axis=0) > 1).sum())
        for i, j in pairs:
            both = masks[i] & masks[j]
            count = int(both.sum())
            if count and (i, j) not in pair_examples:
                pair_examples[(i, j)] = _record(frame, int(np.flatnonzero(both)[0]))
            pair_counts[(i, j)] += count
    overlaps = tuple(
        Overlap(
            names[i],
            rules.typology_rules[i].typology,
            names[j],
            rules.typology_rules[j].typology,
            count,
            MappingProxyType(pair_examples[(i, j)]),
        )
        for (i, j), count in pair_counts.items()
        if count
    )
    free = {
        name: len(FIELDS[name].scale.codes)  # type: ignore[union-attr]
        for name in RULE_ONLY
        if name not in values
    }
    k = math.prod(free.values())
    overlaps = tuple(dataclasses.replace(o, records=o.records * k) for o in overlaps)
    return CheckReport(
        path=rules.path,
        version=rules.version,
        fields=MappingProxyType(values),
        n_records=total * k,
        n_uncovered=uncovered * k,
        uncovered_example=MappingProxyType(example) if example else None,
        fires_first=MappingProxyType({n: c * k for n, c in first_counts.items()}),
        never_fires=tuple(n for n in names if first_counts[n] == 0),
        n_several_typologies=several * k,
        overlaps=overlaps,
        free_fields=MappingProxyType(free),
    )


def show_record(record: Mapping[str, object]) -> str:
    """``job_goal_level=skilled (faglært), education_plan=false, …`` for a report line."""
    parts = []
    for name, value in record.items():
        spec = FIELDS[name]
        if spec.scale is not None:
            parts.append(f"{name}={value} ({spec.scale.label(str(value), 'da')})")
        else:
            parts.append(f"{name}={str(value).lower() if isinstance(value, bool) else value}")
    return ", ".join(parts)


def format_report(report: CheckReport) -> str:
    """The report as text for a domain expert (Danish first, English after the slash)."""
    free = ", ".join(f"{k} ({n})" for k, n in report.free_fields.items())
    lines = [
        f"Regelcheck / rules check: {report.path} (version {report.version})",
        "Felter / fields: " + ", ".join(f"{k} ({len(v)})" for k, v in report.fields.items()),
        *(
            [
                f"Felter, som ingen typologiregel læser (hver kombination gælder for alle deres værdier) / "
                f"fields no typology rule reads (each combination holds for all their values): {free}"
            ]
            if free
            else []
        ),
        f"Kombinationer / combinations: {report.n_records:,}",
        "Regler, første der passer / rules, first match:",
    ]
    width = max(len(n) for n in report.fires_first)
    for number, (name, count) in enumerate(report.fires_first.items(), 1):
        lines.append(f"  {number}. {name:<{width}}  {count:>12,}")
    never = ", ".join(report.never_fires) or "ingen / none"
    lines.append(f"Kan aldrig give typologien / never fires: {never}")
    lines.append(
        f"Flere typologier mulige (kun information) / several typologies hold (information "
        f"only): {report.n_several_typologies:,}"
    )
    for o in report.overlaps:
        lines.append(f"  {o.rule_a} ({o.typology_a}) & {o.rule_b} ({o.typology_b}): {o.records:,}")
    if report.complete:
        lines.append(
            "OK: hver kombination får præcis én typologi / every combination gets exactly one typology"
        )
    else:
        assert report.uncovered_example is not None
        lines.append(
            f"FEJL / ERROR: {report.n_uncovered:,} kombinationer får ingen typologi / "
            "combinations get no typology"
        )
        lines.append(f"  fx / e.g.: {show_record(report.uncovered_example)}")
    return "\n".join(lines)
