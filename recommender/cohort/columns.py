"""Column parsers for cohort files: each column is factorised once and its distinct values parsed.

Used by :mod:`recommender.cohort.reader`. Each parser records ``(file line, FieldProblem)`` pairs for the
first bad rows, marks every bad row in ``bad`` and returns the parsed column. File lines count the
header as line 1, so row position ``r`` is line ``r + 2``.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from recommender.citizen import parse_value
from recommender.errors import FieldProblem
from recommender.text import CONTROL, CPR, FORMULA_START
from recommender.vocab import FieldSpec

__all__ = ["DATE_LABELS", "MAX_PROBLEMS", "date_column", "parse_column", "text_column"]

MAX_PROBLEMS = 20
DATE_LABELS = {"enrolled_on": "indskrevet dato", "closed_on": "afsluttet dato"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_column(
    spec: FieldSpec, raw: pd.Series, problems: list, bad: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Parse one column by its distinct values; record problems.

    Returns ``(parsed distinct values, index of each row's distinct value)``.
    """
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=False)
    parsed = np.empty(len(uniques), dtype=object)
    failed = np.zeros(len(uniques), dtype=bool)
    found: dict[int, FieldProblem] = {}
    for i, value in enumerate(uniques):
        text = "" if value is None or value != value else str(value)
        if not text.strip():
            value_, problem = parse_value(spec, None)
            if spec.kind == "code" and not spec.required:
                value_ = spec.default  # None, or "unknown" for a rules-only field (issue 26)
        else:
            value_, problem = parse_value(spec, text)
        parsed[i] = value_
        if problem is not None:
            failed[i] = True
            found[i] = problem
    if failed.any():
        rows = np.flatnonzero(failed[codes])
        bad[rows] = True
        for r in rows[:MAX_PROBLEMS]:
            problems.append((int(r) + 2, found[int(codes[r])]))
    return parsed, codes


def text_column(spec: FieldSpec, raw: pd.Series, problems: list, bad: np.ndarray) -> np.ndarray:
    """Free-text columns, checked once per distinct value (ids: once per row, still no pandas loop)."""
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=False)
    values = np.empty(len(uniques) + 1, dtype=object)
    found: dict[int, FieldProblem] = {}
    # Many distinct values (ids, free text): check in full only the suspicious ones; the rest are
    # their stripped selves. Municipality names are always checked (known names are normalised).
    fast = len(uniques) > 1000 and spec.name != "municipality"
    for i in _suspects(spec, uniques) if fast else range(len(uniques)):
        value = uniques[i]
        text = "" if value is None or value != value else str(value)
        parsed, problem = parse_value(spec, text if text.strip() else None)  # CPR ids refused here
        values[i] = parsed
        if problem is not None:
            found[i] = problem
    if fast:
        texts = _stripped(uniques)
        plain = np.ones(len(uniques), dtype=bool)
        plain[_suspects(spec, uniques)] = False
        values[: len(uniques)][plain] = texts[plain]
    issue = np.zeros(len(codes), dtype=bool)
    if found:
        issue[np.isin(codes, list(found))] = True
    dup = np.zeros(len(codes), dtype=bool)
    if spec.name == "citizen_id":  # each case once (compared after stripping)
        ids, _ = pd.factorize(values[codes], use_na_sentinel=False)
        first = np.zeros(len(codes), dtype=bool)
        first[np.unique(ids, return_index=True)[1]] = True
        dup = ~first & ~issue
    if issue.any() or dup.any():
        bad |= issue | dup
        for r in np.flatnonzero(issue | dup)[:MAX_PROBLEMS]:
            p = found.get(int(codes[r])) or FieldProblem(
                spec.name,
                raw.iloc[r],
                "a unique id (each case once) / et unikt id (hvert forløb én gang)",
                spec.da,
            )
            problems.append((int(r) + 2, p))
    return values[codes]


def _stripped(uniques: np.ndarray) -> np.ndarray:
    return np.array(["" if u is None or u != u else str(u).strip() for u in uniques], dtype=object)


def _suspects(spec: FieldSpec, uniques: np.ndarray) -> list[int]:
    """Positions of the distinct values that need a full check (empty, too long, control chars, CPR)."""
    texts = _stripped(uniques)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    suspect = (lengths == 0) | (lengths > (spec.max_length or 10**9))
    # Non-ASCII text is normalised (look-alike dashes, digits, invisible characters) by the full check;
    # ASCII text is its own normal form. Control characters, spreadsheet formulas and CPR numbers too.
    suspect |= np.fromiter(
        (not t.isascii() or CONTROL.search(t) is not None or t.startswith(FORMULA_START) for t in texts),
        dtype=bool,
        count=len(texts),
    )
    # one regex scan over all values, separated by NUL (never a digit)
    joined = "\x00".join(texts)
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    hits = [m.start() for m in CPR.finditer(joined)]
    if hits:
        suspect[np.searchsorted(starts, hits, side="right") - 1] = True
    return np.flatnonzero(suspect).tolist()


def date_column(name: str, raw: pd.Series, problems: list, bad: np.ndarray) -> np.ndarray:
    codes, uniques = pd.factorize(raw.to_numpy(dtype=object), use_na_sentinel=False)
    text = pd.Series(["" if u is None or u != u else str(u).strip() for u in uniques], dtype=object)
    empty = (text == "").to_numpy()
    dates = pd.to_datetime(text.where(~empty), format="%Y-%m-%d", errors="coerce")
    wrong = ~empty & (dates.isna().to_numpy() | ~text.str.match(_ISO_DATE).to_numpy(dtype=bool))
    if wrong.any():
        issue = wrong[codes]
        bad |= issue
        for r in np.flatnonzero(issue)[:MAX_PROBLEMS]:
            problems.append(
                (
                    int(r) + 2,
                    FieldProblem(
                        name,
                        raw.iloc[r],
                        "an ISO date YYYY-MM-DD or empty / en dato ÅÅÅÅ-MM-DD eller tom",
                        DATE_LABELS[name],
                    ),
                )
            )
    return dates.to_numpy(dtype="datetime64[ns]")[codes]
