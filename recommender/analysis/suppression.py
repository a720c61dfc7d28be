"""Small-cell protection for published counts: primary and complementary suppression.

Hiding each count under ``min_cell`` is not enough when totals or rates are shown beside it: a row total
of 18 next to 8, 0, "<5" and 6 gives the hidden 4 back, and a rate of 0.2 next to n = 5 says exactly one
citizen. :func:`protect` hides, in a table of counts with its row totals and (optionally) its column
totals and grand total:

1. **primary** cells: every count from 1 to ``min_cell - 1`` (cells and totals alike);
2. **complementary** cells, until no line (a row with its total, a column with its total, the row
   totals with the grand total, the column totals with the grand total) has exactly one hidden member,
   and the hidden members of every line that has any add up to at least ``min_cell``. The complement
   chosen is the line's smallest shown count above zero (a total only when no cell is left), so little
   is hidden;
3. an **audit**: the attacker's own linear program (every figure shown, counts whole and ≥ 0) looks
   for a hidden figure it can pin down exactly; while it finds one, one more figure in its line is
   hidden.

Every hidden figure is shown with the one mark :data:`HIDDEN` (``".."``, Danmarks Statistik's mark for a
figure withheld for confidentiality): a different mark for primary and complementary cells would tell
that a complement is 0 or at least ``min_cell`` and could give the primary back.

A hidden count then has at least two values that agree with every figure shown (rows, columns and totals
are a transportation table, so the bounds a linear program finds are whole numbers and reached), and
the hidden part of every line is at least ``min_cell`` citizens. A rate ``k/n`` is shown only when its
count ``k`` and its complement ``n - k`` are both shown (:func:`rate`).

>>> t = protect([[8, 0, 4, 6]], min_cell=5)
>>> t.shown_cells()
[[8, 0, '..', '..']]
>>> t.shown_row_totals()
[18]
>>> t = protect([[1, 4], [3, 2]], min_cell=5, column_totals=True)
>>> t.shown_row_totals(), t.shown_column_totals(), t.shown_grand_total()
([5, 5], ['..', '..'], 10)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["HIDDEN", "Protected", "protect", "rate"]

HIDDEN = ".."

# A position in the table: ("cell", i, j), ("row", i, -1), ("col", -1, j) or ("all", -1, -1).
Position = tuple[str, int, int]


@dataclass(frozen=True)
class Protected:
    """A table of counts with the positions that must not be shown."""

    cells: tuple[tuple[int, ...], ...]
    hidden: frozenset[Position]
    min_cell: int
    column_totals: bool

    def value(self, position: Position) -> int:
        kind, i, j = position
        if kind == "cell":
            return self.cells[i][j]
        if kind == "row":
            return sum(self.cells[i])
        if kind == "col":
            return sum(row[j] for row in self.cells)
        return sum(map(sum, self.cells))

    def show(self, position: Position) -> int | str:
        """The count at ``position``, or :data:`HIDDEN`."""
        return HIDDEN if position in self.hidden else self.value(position)

    def is_hidden(self, position: Position) -> bool:
        return position in self.hidden

    def shown_cells(self) -> list[list[int | str]]:
        return [[self.show(("cell", i, j)) for j in range(len(row))] for i, row in enumerate(self.cells)]

    def shown_row_totals(self) -> list[int | str]:
        return [self.show(("row", i, -1)) for i in range(len(self.cells))]

    def shown_column_totals(self) -> list[int | str]:
        width = len(self.cells[0]) if self.cells else 0
        return [self.show(("col", -1, j)) for j in range(width)]

    def shown_grand_total(self) -> int | str:
        return self.show(("all", -1, -1))


def _lines(n_rows: int, n_cols: int, column_totals: bool) -> list[tuple[Position, list[Position]]]:
    """Each published equation as (its total, its parts)."""
    lines: list[tuple[Position, list[Position]]] = [
        (("row", i, -1), [("cell", i, j) for j in range(n_cols)]) for i in range(n_rows)
    ]
    if column_totals:
        lines += [(("col", -1, j), [("cell", i, j) for i in range(n_rows)]) for j in range(n_cols)]
        lines.append((("all", -1, -1), [("row", i, -1) for i in range(n_rows)]))
        lines.append((("all", -1, -1), [("col", -1, j) for j in range(n_cols)]))
    return lines


def protect(
    cells: Sequence[Sequence[int]],
    *,
    min_cell: int = 5,
    column_totals: bool = False,
    hide: Sequence[Position] = (),
) -> Protected:
    """Primary and complementary suppression of a table of counts with row totals (and, with
    ``column_totals``, column totals and a grand total). ``hide`` forces positions hidden (a total
    another table shares and hides)."""
    if min_cell < 1:
        raise ValueError(f"min_cell: expected a whole number ≥ 1; got {min_cell!r}")
    table = tuple(tuple(int(k) for k in row) for row in cells)
    if any(k < 0 for row in table for k in row) or len({len(row) for row in table}) > 1:
        raise ValueError("cells: expected a rectangular table of counts ≥ 0")
    n_rows, n_cols = len(table), (len(table[0]) if table else 0)
    probe = Protected(table, frozenset(), min_cell, column_totals)
    lines = _lines(n_rows, n_cols, column_totals)
    positions = {p for total, parts in lines for p in (total, *parts)}
    hidden = {p for p in positions if 0 < probe.value(p) < min_cell} | set(hide)
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            members = [total, *parts]
            secret = [p for p in members if p in hidden]
            if not secret:
                continue
            if len(secret) >= 2 and sum(probe.value(p) for p in secret) >= min_cell:
                continue
            shown = [p for p in members if p not in hidden]
            if not shown:
                continue  # the whole line is hidden
            # the smallest count above zero among the parts; zeros, then the total, only when needed
            order = sorted(shown, key=lambda p: (p == total, probe.value(p) == 0, probe.value(p), p))
            hidden.add(order[0])
            changed = True
        # The audit: an attacker's linear program over everything shown; hide more while it pins one.
        for pinned in _determined(probe, hidden, lines):
            shown = [
                p
                for total, parts in lines
                if pinned in (total, *parts)
                for p in (total, *parts)
                if p not in hidden
            ]
            shown = shown or sorted(positions - hidden)
            if shown:
                hidden.add(min(shown, key=lambda p: (probe.value(p) == 0, probe.value(p), p)))
                changed = True
                break
    return Protected(table, frozenset(hidden), min_cell, column_totals)


def _determined(
    probe: Protected, hidden: set[Position], lines: list[tuple[Position, list[Position]]]
) -> list[Position]:
    """The hidden positions whose value every shown figure together pins down (a linear program per
    position over the cells, counts ≥ 0; the table is a transportation table, so its bounds are whole)."""
    import numpy as np
    from scipy.optimize import linprog

    n_rows, n_cols = len(probe.cells), len(probe.cells[0]) if probe.cells else 0
    if not hidden or not n_rows or not n_cols:
        return []

    def expression(position: Position) -> np.ndarray:
        kind, i, j = position
        grid = np.zeros((n_rows, n_cols))
        if kind == "cell":
            grid[i, j] = 1
        elif kind == "row":
            grid[i, :] = 1
        elif kind == "col":
            grid[:, j] = 1
        else:
            grid[:, :] = 1
        return grid.ravel()

    known = sorted({p for total, parts in lines for p in (total, *parts)} - hidden)
    a_eq = np.array([expression(p) for p in known]) if known else None
    b_eq = np.array([probe.value(p) for p in known], dtype=float) if known else None
    out = []
    for position in sorted(hidden):
        objective = expression(position)
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs")
        if low.status == 0 and high.status == 0 and abs(-high.fun - low.fun) < 0.5:
            out.append(position)
    return out


def rate(table: Protected, part: Position, whole: Position, *, digits: int = 4) -> float | None:
    """``part / whole`` rounded, or ``None`` when the rate would tell a hidden count.

    The rate is shown only when ``whole`` and ``part`` are shown and ``whole - part`` is not a small
    count (from 1 to ``min_cell - 1``): the rate and the whole give the part and its complement back.

    >>> t = protect([[1, 4]], min_cell=5)  # n = 5, one followed
    >>> rate(t, ("cell", 0, 0), ("row", 0, -1)) is None
    True
    """
    if table.is_hidden(part) or table.is_hidden(whole):
        return None
    n, k = table.value(whole), table.value(part)
    if n == 0 or 0 < n - k < table.min_cell:
        return None
    return round(k / n, digits)
