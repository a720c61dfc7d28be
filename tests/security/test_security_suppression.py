"""Issue 28, point 7: no shown figure lets a hidden one be worked out.

The attacker here knows every figure shown (cells, row totals, column totals, grand total) and that
counts are whole and at least 0; for each hidden figure she finds the smallest and largest value that
agree with them all (a linear program: the table is a transportation table, so the bounds are whole
numbers and are reached). A hidden figure is recovered when the two are equal. The same attacker
recovers the hidden cells of the tables the third attack found (primary suppression only); it recovers
nothing from :func:`recommender.analysis.suppression.protect`'s tables, over random tables too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from recommender.analysis.monitoring import monitoring_report
from recommender.analysis.suppression import HIDDEN, Protected, protect, rate


def _expression(position, n_rows: int, n_cols: int) -> np.ndarray:
    kind, i, j = position
    row = np.zeros(n_rows * n_cols)
    for r in range(n_rows):
        for c in range(n_cols):
            if (
                (kind == "cell" and (r, c) == (i, j))
                or (kind == "row" and r == i)
                or (kind == "col" and c == j)
                or kind == "all"
            ):
                row[r * n_cols + c] = 1
    return row


def attack(shown: dict, n_rows: int, n_cols: int, hidden: list) -> dict:
    """``{position: (low, high)}`` for each hidden position, from the shown figures ``{position: value}``."""
    a_eq = np.array([_expression(p, n_rows, n_cols) for p in shown]) if shown else None
    b_eq = np.array(list(shown.values()), dtype=float) if shown else None
    bounds = {}
    for position in hidden:
        objective = _expression(position, n_rows, n_cols)
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        assert low.status == 0, low.message
        top = np.inf if high.status == 3 else -high.fun  # unbounded above
        bounds[position] = (round(low.fun, 6), top if top == np.inf else round(top, 6))
    return bounds


def _published(t: Protected) -> tuple[dict, list]:
    n_rows, n_cols = len(t.cells), len(t.cells[0])
    positions = [("cell", i, j) for i in range(n_rows) for j in range(n_cols)] + [
        ("row", i, -1) for i in range(n_rows)
    ]
    if t.column_totals:
        positions += [("col", -1, j) for j in range(n_cols)] + [("all", -1, -1)]
    shown = {p: t.value(p) for p in positions if not t.is_hidden(p)}
    return shown, [p for p in positions if t.is_hidden(p)]


def _recovered(t: Protected) -> dict:
    shown, hidden = _published(t)
    bounds = attack(shown, len(t.cells), len(t.cells[0]), hidden)
    return {p: lo for p, (lo, hi) in bounds.items() if lo == hi}


def _primary_only(cells, min_cell=5, column_totals=False) -> Protected:
    """What the service did before issue 28: hide counts 1–4, show every other figure."""
    probe = Protected(tuple(map(tuple, cells)), frozenset(), min_cell, column_totals)
    n_rows, n_cols = len(cells), len(cells[0])
    positions = [("cell", i, j) for i in range(n_rows) for j in range(n_cols)] + [
        ("row", i, -1) for i in range(n_rows)
    ]
    if column_totals:
        positions += [("col", -1, j) for j in range(n_cols)] + [("all", -1, -1)]
    return Protected(
        probe.cells, frozenset(p for p in positions if 0 < probe.value(p) < min_cell), min_cell, column_totals
    )


FREDERIKSBERG = [[8, 0, 4, 6]]  # closed cases by outcome: 18 = 8 + 0 + "<5" + 6
MONITOR = [[2, 9]]  # followed / not followed: n = 11, overall 0.1818, n_followed "<5"
MUNICIPALITIES = [[1, 4], [12, 8], [6, 7], [3, 9]]  # Holstebro n = 5, one followed; with overall totals


@pytest.mark.parametrize(
    "cells, column_totals", [(FREDERIKSBERG, False), (MONITOR, False), (MUNICIPALITIES, True)]
)
def test_the_attacker_works_out_the_hidden_cells_of_primary_suppression(cells, column_totals) -> None:
    assert _recovered(_primary_only(cells, column_totals=column_totals))  # the attack works


@pytest.mark.parametrize(
    "cells, column_totals", [(FREDERIKSBERG, False), (MONITOR, False), (MUNICIPALITIES, True)]
)
def test_the_attacker_works_out_nothing_after_complementary_suppression(cells, column_totals) -> None:
    t = protect(cells, column_totals=column_totals)
    assert t.hidden and not _recovered(t)


def test_a_rate_is_not_shown_when_it_tells_a_hidden_count() -> None:
    holstebro = protect(MUNICIPALITIES, column_totals=True)
    assert rate(holstebro, ("cell", 0, 0), ("row", 0, -1)) is None  # n = 5, rate 0.2 → exactly one
    monitor = protect(MONITOR)
    assert rate(monitor, ("cell", 0, 0), ("row", 0, -1)) is None  # 0.1818 × 11 = 2
    assert rate(protect([[12, 8]]), ("cell", 0, 0), ("row", 0, -1)) == 0.6
    assert rate(protect([[12, 3]]), ("cell", 0, 0), ("row", 0, -1)) is None  # 12/15 gives the 3 back


small_counts = st.one_of(st.integers(0, 4), st.integers(0, 30))


@given(
    st.integers(1, 5).flatmap(
        lambda r: st.integers(1, 5).flatmap(
            lambda c: st.lists(st.lists(small_counts, min_size=c, max_size=c), min_size=r, max_size=r)
        )
    ),
    st.booleans(),
    st.sampled_from([3, 5, 10]),
)
@settings(max_examples=150, deadline=None)
def test_no_hidden_figure_of_any_table_can_be_worked_out(cells, column_totals, min_cell) -> None:
    t = protect(cells, min_cell=min_cell, column_totals=column_totals)
    assert not _recovered(t), (cells, t.hidden)
    for p in t.hidden:
        assert t.show(p) == HIDDEN
    # no count from 1 to min_cell - 1 is shown
    shown, _ = _published(t)
    assert not any(0 < v < min_cell for v in shown.values())


def test_the_monitor_hides_complementary_cells_and_rates() -> None:
    rows = pd.DataFrame(
        {
            "municipality": ["Holstebro"] * 5 + ["Aarhus"] * 20 + ["Vejle"] * 13,
            "typology": ["flexible"] * 38,
            "top_offer": ["internship"] * 38,
            "low_evidence": [False] * 38,
            "decided": [True] * 38,
            "followed": [True] + [False] * 4 + [True] * 12 + [False] * 8 + [True] * 6 + [False] * 7,
            "reason": [None] + ["other"] * 4 + [None] * 12 + ["other"] * 8 + [None] * 6 + ["other"] * 7,
            "outcome": [None] * 38,
        }
    )
    report = monitoring_report(rows, [], reference=None)
    by = report["follow_rate"]["by_municipality"]
    assert by["Holstebro"]["rate"] is None  # n = 5 with rate 0.2 would say: exactly one
    # the attacker reads the follow table back from the report: nothing hidden comes out
    names = sorted(by)
    cells = [
        [
            int(rows[(rows.municipality == m) & rows.followed].shape[0]),
            int(rows[(rows.municipality == m) & ~rows.followed].shape[0]),
        ]
        for m in names
    ]
    shown = {}
    for i, m in enumerate(names):
        if by[m]["n"] != HIDDEN:
            shown[("row", i, -1)] = by[m]["n"]
            if by[m]["rate"] is not None:
                shown[("cell", i, 0)] = round(by[m]["rate"] * by[m]["n"])
    if report["follow_rate"]["n_followed"] != HIDDEN:
        shown[("col", -1, 0)] = report["follow_rate"]["n_followed"]
    if report["follow_rate"]["n_decisions"] != HIDDEN:
        shown[("all", -1, -1)] = report["follow_rate"]["n_decisions"]
    hidden = [("cell", i, 0) for i in range(len(names)) if ("cell", i, 0) not in shown]
    bounds = attack(shown, len(names), 2, hidden)
    assert hidden and all(lo < hi for lo, hi in bounds.values()), (bounds, cells)


def test_the_cohort_export_summary_gives_no_hidden_cell_back() -> None:
    """Frederiksberg 18 = 8 + 0 + "<5" + 6 gave the 4 back before issue 28."""
    from recommender.cases.export import ClosedCases, summary_lines

    outcomes = ["job"] * 8 + ["active"] * 4 + ["other"] * 6
    frame = pd.DataFrame({"municipality": ["Frederiksberg"] * 18, "outcome": outcomes})
    row = summary_lines(ClosedCases(frame, pd.Series(dtype=object), ()))[1].split()
    assert row[:2] == ["Frederiksberg", "18"]
    shown = {o: v for o, v in zip(["job", "education", "active", "other"], row[2:])}
    assert shown["active"] == HIDDEN and list(shown.values()).count(HIDDEN) >= 2
    hidden_sum = 18 - sum(int(v) for v in shown.values() if v != HIDDEN)
    assert hidden_sum >= 5  # what the hidden cells share: never a small count on its own
