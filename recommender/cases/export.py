"""Closed cases from the decision log as a cohort (spec §10), for retraining and comparison.

:func:`closed_cases` reads every recommendation with a closure (optionally closed within
``since``–``until``): the intake record as stored with the recommendation, the offer the citizen
actually had (the closure's), the outcome, the duration, ``closed_on`` and ``enrolled_on`` (the closing
date minus the duration the closure recorded), and ``typology_adviser``: the typology the adviser set
(issue 26; empty when she kept the rules'). A record stored before the rules-only intake fields existed
has none of them; a column no exported record has stays out of the file (read back as ``unknown``).
It returns a frame in the cohort format together with the top offer the service advised for each
case (for monitoring and the off-policy estimate).

Privacy: ``citizen_id`` is a pseudonym of the case (:func:`case_pseudonym`: a hash of the stored
keyed-hash pseudonym and the recommendation, 96 bits written in letters only, as digits could form
something shaped like a CPR number), never the case system's id; a citizen with two closed cases
appears as two rows with two ids, as a cohort file needs one id per case. Where the export
aggregates, no cell under ``min_cell`` citizens is written: a municipality with fewer closed cases
than ``min_cell`` in the export is written as ``other`` (the model pools such municipalities anyway),
and the summary (:func:`summary_lines`, with :func:`summary_total` beside it) hides small cells and
their complements as ``..``. :func:`export_cohort`
writes the file with :func:`recommender.cohort.write_cohort` (validated, atomic).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from recommender.analysis.suppression import Protected
from recommender.cases.tables import Closure, RecommendationRow
from recommender.errors import RecommenderError
from recommender.vocab import FIELDS, OUTCOME

__all__ = [
    "DEFAULT_MIN_CELL",
    "ClosedCases",
    "case_pseudonym",
    "closed_cases",
    "export_cohort",
    "summary_lines",
    "summary_total",
]

DEFAULT_MIN_CELL = 5
# Pseudonyms in letters only: a run of hex digits can look like a CPR number, which cohort files refuse.
_LETTERS = str.maketrans("0123456789", "ghijklmnop")


@dataclass(frozen=True)
class ClosedCases:
    """Closed cases in the cohort format (``frame``), the advised top offer per case (``advised``)
    and how many municipalities were pooled as ``other``."""

    frame: pd.DataFrame
    advised: pd.Series
    pooled: tuple[str, ...]


def case_pseudonym(citizen_ref: str, recommendation_id: int) -> str:
    """The exported id of one case: a hash of the stored pseudonym and the case, in letters.

    >>> case_pseudonym("ab" * 32, 1) == case_pseudonym("ab" * 32, 1) != case_pseudonym("ab" * 32, 2)
    True
    >>> len(case_pseudonym("ab" * 32, 1)), any(c.isdigit() for c in case_pseudonym("ab" * 32, 1))
    (26, False)
    """
    digest = hashlib.sha256(f"case\0{citizen_ref}\0{recommendation_id}".encode()).hexdigest()
    return "p-" + digest[:24].translate(_LETTERS)


def _check_min_cell(min_cell: object) -> int:
    if not isinstance(min_cell, int) or isinstance(min_cell, bool) or min_cell < 1:
        raise RecommenderError(f"--min-cell: expected a whole number ≥ 1; got {min_cell!r}")
    return min_cell


def closed_cases(
    session: Session,
    *,
    since: date | None = None,
    until: date | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> ClosedCases:
    """The closed cases closed on or after ``since`` and on or before ``until`` (see module docs)."""
    min_cell = _check_min_cell(min_cell)
    if since is not None and until is not None and until < since:
        raise RecommenderError(f"--until: expected a date on or after --since ({since}); got {until}")
    query = select(RecommendationRow, Closure).join(
        Closure, Closure.recommendation_id == RecommendationRow.id
    )
    if since is not None:
        query = query.where(Closure.closed >= since)
    if until is not None:
        query = query.where(Closure.closed <= until)
    rows, advised = [], []
    for rec, closure in session.execute(query.order_by(Closure.closed, Closure.id)):
        record = {name: rec.intake.get(name) for name in FIELDS}
        record["citizen_id"] = case_pseudonym(closure.citizen_ref, rec.id)
        record.update(
            offer=closure.offer,
            outcome=closure.outcome,
            duration_days=closure.duration_days,
            enrolled_on=(closure.closed - timedelta(days=closure.duration_days)).isoformat(),
            closed_on=closure.closed.isoformat(),
            typology_adviser=rec.typology_adviser,
        )
        rows.append(record)
        advised.append(rec.top_offer)
    columns = [*FIELDS, "offer", "outcome", "duration_days", "enrolled_on", "closed_on", "typology_adviser"]
    frame = pd.DataFrame(rows, columns=columns)
    for name, spec in FIELDS.items():  # optional fields never given stay out of the file
        if not spec.required and name in frame and frame[name].isna().all():
            frame = frame.drop(columns=name)
    pooled: tuple[str, ...] = ()
    if len(frame):
        counts = frame["municipality"].value_counts()
        pooled = tuple(sorted(str(m) for m, k in counts.items() if k < min_cell))
        frame.loc[frame["municipality"].isin(pooled), "municipality"] = "other"
    return ClosedCases(frame=frame, advised=pd.Series(advised, dtype=object), pooled=pooled)


def export_cohort(
    session: Session,
    out: str | os.PathLike[str],
    *,
    since: date | None = None,
    until: date | None = None,
    min_cell: int = DEFAULT_MIN_CELL,
) -> ClosedCases:
    """Write the closed cases as a cohort file (validated by the cohort reader; atomic)."""
    from recommender.cohort import write_cohort

    cases = closed_cases(session, since=since, until=until, min_cell=min_cell)
    if cases.frame.empty:
        raise RecommenderError(
            "no closed cases to export"
            + (f" since {since}" if since else "")
            + (f" until {until}" if until else "")
            + " / ingen afsluttede forløb"
        )
    write_cohort(cases.frame, out)
    return cases


def _summary(cases: ClosedCases, min_cell: int) -> tuple[pd.DataFrame, Protected, Protected]:
    """The municipality x outcome table and, protected with it, the number of cases (shown beside it:
    the row totals add up to it)."""
    from recommender.analysis.suppression import Link, protect_linked

    table = pd.crosstab(cases.frame["municipality"], cases.frame["outcome"]).reindex(
        columns=list(OUTCOME.codes), fill_value=0
    )
    cells = table.to_numpy(dtype=int).tolist() or [[0] * len(OUTCOME.codes)]
    rows = tuple(("summary", ("row", i, -1)) for i in range(len(cells)))
    shown = protect_linked(
        {"summary": cells, "cases": [[len(cases.frame)]]},
        [Link(("cases", ("cell", 0, 0)), rows)],
        min_cell=min_cell,
    )
    return table, shown["summary"], shown["cases"]


def summary_lines(cases: ClosedCases, min_cell: int = DEFAULT_MIN_CELL) -> list[str]:
    """Closed cases per municipality and outcome with each municipality's total; protected by
    complementary suppression together with the number of cases (:func:`summary_total`;
    :func:`recommender.analysis.suppression.protect_linked`), so no total gives a hidden cell back: a
    hidden figure is ``..``.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"municipality": ["Aarhus"] * 6, "outcome": ["job"] * 5 + ["other"]})
    >>> summary_lines(ClosedCases(frame, pd.Series(dtype=object), ()))[1].split()
    ['Aarhus', '6', '..', '0', '0', '..']
    """
    lines = [f"{'kommune/municipality':<22}{'i alt/all':>10}" + "".join(f"{o:>12}" for o in OUTCOME.codes)]
    table, shown, _ = _summary(cases, min_cell)
    for i, municipality in enumerate(table.index):
        lines.append(
            f"{str(municipality):<22}{shown.show(('row', i, -1))!s:>10}"
            + "".join(f"{shown.show(('cell', i, j))!s:>12}" for j in range(len(OUTCOME.codes)))
        )
    return lines


def summary_total(cases: ClosedCases, min_cell: int = DEFAULT_MIN_CELL) -> int | str:
    """The number of closed cases as shown beside :func:`summary_lines` (``..`` when it would give a
    hidden figure back, or is itself under ``min_cell``): Aarhus 6 and Vejle 3 all in work show 9 and
    hide both municipalities.

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"municipality": ["Aarhus"] * 6 + ["Vejle"] * 3, "outcome": ["job"] * 9})
    >>> summary_total(ClosedCases(frame, pd.Series(dtype=object), ())), summary_total(
    ...     ClosedCases(frame[:3], pd.Series(dtype=object), ()))
    (9, '..')
    """
    return _summary(cases, min_cell)[2].show(("cell", 0, 0))
