"""Progression tables (the report's tabel 19–37; spec §11).

For each of the five labour-force criteria and for network use, the share of citizens answering
each value at intake and at closing, for those who closed in the labour force (job, education or
labour-force active), those who closed for another reason, and all; and the relative progression =
closing share − intake share, in percentage points.

Shares are computed among the rows registered at that time: every row has intake values (they are
required intake fields), while a closing share counts only rows whose ``<criterion>_closing`` column
is filled in. A cohort without closing columns gives intake shares only (closing and progression
``None``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from recommender.cohort import Source, read_cohort
from recommender.numbers import MISSING, decimal
from recommender.vocab import ANSWER, CRITERIA, DEGREE, FIELDS, LABOUR_FORCE_OUTCOMES, Scale

__all__ = [
    "GROUPS",
    "PROGRESSION_ITEMS",
    "ProgressionReport",
    "Share",
    "progression_tables",
    "render_progression",
]

#: The criteria of the tables, in the report's order: the five labour-force criteria, then network use.
PROGRESSION_ITEMS: tuple[str, ...] = (*CRITERIA, "network_use")
#: The groups of the tables: closed in the labour force, closed for another reason, all.
GROUPS: tuple[str, ...] = ("labour_force", "other", "all")
GROUP_LABELS_DA = {
    "labour_force": "Afsluttet i arbejdsstyrken",
    "other": "Afsluttet af anden årsag",
    "all": "Alle",
}


def _scale(item: str) -> Scale:
    return DEGREE if item == "network_use" else ANSWER


@dataclass(frozen=True)
class Share:
    """One cell of a progression table: shares in percent, progression in percentage points."""

    intake: float | None
    closing: float | None
    progression: float | None
    n_intake: int
    n_closing: int

    def to_dict(self) -> dict[str, float | None]:
        """The JSON form: ``{intake, closing, progression}`` (counts are in ``ProgressionReport.counts``)."""
        return {"intake": self.intake, "closing": self.closing, "progression": self.progression}

    def __repr__(self) -> str:
        def pct(x: float | None) -> str:
            return "–" if x is None else f"{x:.1f}%"

        prog = "–" if self.progression is None else f"{self.progression:+.1f}pp"
        return f"Share(intake={pct(self.intake)}, closing={pct(self.closing)}, progression={prog})"


@dataclass(frozen=True)
class ProgressionReport:
    """``tables[criterion][group][answer]`` → :class:`Share`; ``counts[criterion][group]`` → sizes."""

    tables: Mapping[str, Mapping[str, Mapping[str, Share]]]
    counts: Mapping[str, Mapping[str, Mapping[str, int]]]
    n_rows: int
    fingerprint: str

    def to_dict(self) -> dict[str, dict[str, dict[str, dict[str, float | None]]]]:
        """``{criterion: {group: {answer: {intake, closing, progression}}}}``, values in percent."""
        return {
            item: {
                group: {answer: share.to_dict() for answer, share in answers.items()}
                for group, answers in groups.items()
            }
            for item, groups in self.tables.items()
        }

    def __repr__(self) -> str:
        has_closing = [i for i in self.tables if any(c["closing"] for c in self.counts[i].values())]
        return (
            f"ProgressionReport(n_rows={self.n_rows}, criteria={len(self.tables)}, "
            f"with_closing={has_closing}, fingerprint={self.fingerprint[:12]!r}…)"
        )


def _shares(values: pd.Series, codes: tuple[str, ...]) -> tuple[dict[str, float], int]:
    counts = values.value_counts(dropna=True)
    n = int(counts.sum())
    if n == 0:
        return {}, 0
    return {code: 100.0 * float(counts.get(code, 0)) / n for code in codes}, n


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 2)


def progression_tables(cohort: Source) -> ProgressionReport:
    """The progression tables of a cohort (a :class:`~recommender.cohort.Cohort`, a CSV path or a frame).

    >>> from recommender.cohort import read_cohort
    >>> import pandas as pd
    >>> row = {"citizen_id": "A", "municipality": "Aarhus", "years_in_denmark": 3,
    ...     "children_under_18": 0, "danish_course": "du2", "education_home": "primary",
    ...     "education_dk": "none", "contact_route": "outreach", "active_job_seeker": "no",
    ...     "geographically_mobile": "yes", "searches_broadly": "no", "can_start_within_14_days": "yes",
    ...     "wants_employment": "yes", "language_sufficient": "some", "spouse_support": "high",
    ...     "network_use": "low", "job_goal_level": "unskilled", "education_plan": False,
    ...     "offer": "internship", "outcome": "job", "active_job_seeker_closing": "yes"}
    >>> frame = pd.DataFrame([row, dict(row, citizen_id="B", active_job_seeker_closing="")])
    >>> report = progression_tables(read_cohort(frame))
    >>> report.tables["active_job_seeker"]["labour_force"]["yes"]
    Share(intake=0.0%, closing=100.0%, progression=+100.0pp)
    >>> report.counts["active_job_seeker"]["all"]
    {'intake': 2, 'closing': 1}
    """
    c = read_cohort(cohort)
    frame = c.frame
    in_lf = frame["outcome"].isin(LABOUR_FORCE_OUTCOMES).to_numpy()
    masks = {"labour_force": in_lf, "other": ~in_lf, "all": None}
    tables: dict[str, Any] = {}
    counts: dict[str, Any] = {}
    for item in PROGRESSION_ITEMS:
        codes = _scale(item).codes
        closing_col = f"{item}_closing"
        tables[item], counts[item] = {}, {}
        for group, mask in masks.items():
            rows = frame if mask is None else frame.loc[mask]
            intake, n_in = _shares(rows[item], codes)
            if closing_col in rows.columns:
                closing, n_out = _shares(rows[closing_col], codes)
            else:
                closing, n_out = {}, 0
            cells = {}
            for code in codes:
                a, b = intake.get(code), closing.get(code)
                prog = None if a is None or b is None else b - a
                cells[code] = Share(_round(a), _round(b), _round(prog), n_in, n_out)
            tables[item][group] = MappingProxyType(cells)
            counts[item][group] = {"intake": n_in, "closing": n_out}
        tables[item] = MappingProxyType(tables[item])
        counts[item] = MappingProxyType(counts[item])
    return ProgressionReport(MappingProxyType(tables), MappingProxyType(counts), c.n_rows, c.fingerprint)


def _pct(x: float | None) -> str:  # x is already in per cent
    return MISSING if x is None else f"{decimal(x, 1)} %"


def _pp(x: float | None) -> str:
    return MISSING if x is None else f"{decimal(x, 1, sign=True)} pp"


def render_progression(report: ProgressionReport) -> str:
    """The tables as Danish text for the screen, one table per criterion (like tabel 19–37)."""
    lines = [
        f"Progression ved start og afslutning ({report.n_rows} forløb). Andele blandt borgere med en "
        "registrering på tidspunktet; relativ progression = andel ved afslutning − andel ved start, "
        "i procentpoint (pp)."
    ]
    width = 26
    for item in PROGRESSION_ITEMS:
        scale = _scale(item)
        lines += ["", f"{FIELDS[item].da[:1].upper()}{FIELDS[item].da[1:]} ({item})"]
        head = " " * width + "".join(f"{GROUP_LABELS_DA[g]:>33}" for g in GROUPS)
        sub = f"{'svar':<{width}}" + "".join(f"{'start':>10}{'slut':>10}{'progression':>13}" for _ in GROUPS)
        lines += [head, sub]
        for code in scale.codes:
            label = f"{scale.label(code)} ({code})"
            cells = "".join(
                f"{_pct(s.intake):>10}{_pct(s.closing):>10}{_pp(s.progression):>13}"
                for s in (report.tables[item][g][code] for g in GROUPS)
            )
            lines.append(f"{label:<{width}}{cells}")
        n = report.counts[item]
        lines.append(
            f"{'N (start / slut)':<{width}}"
            + "".join(f"{n[g]['intake']:>10}{n[g]['closing']:>10}{'':>13}" for g in GROUPS)
        )
        if not any(n[g]["closing"] for g in GROUPS):
            lines.append("  (ingen registrering ved afslutning / no closing registrations)")
    return "\n".join(lines)
