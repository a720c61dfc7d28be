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
3. an **audit**: the attacker's own integer program (every figure shown, counts whole and ≥ 0) looks
   for a hidden figure it can work out (:func:`recovered`); while it finds one, one more figure in its
   line is hidden.

Every hidden figure is shown with the one mark :data:`HIDDEN` (``".."``, Danmarks Statistik's mark for a
figure withheld for confidentiality): a different mark for primary and complementary cells would tell
that a complement is 0 or at least ``min_cell`` and could give the primary back.

Tables shown together are protected together by :func:`protect_linked`: the same steps over all of
them, with :class:`Link` tying figures of different tables (equal, adding up, or at most another), and
the audit's program over every figure of every table. A hidden figure counts as worked out when the
program narrows it to an interval shorter than a small count's range (:func:`recovered`).

A hidden count then has values that agree with every figure shown at least ``min_cell - 2`` apart (and
never one value only: the program is solved in whole numbers), and the hidden part of every line is at
least ``min_cell`` citizens. A rate ``k/n`` is shown only when its
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

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["HIDDEN", "Link", "Position", "Protected", "Ref", "protect", "protect_linked", "rate", "recovered"]

HIDDEN = ".."

# A position in the table: ("cell", i, j), ("row", i, -1), ("col", -1, j) or ("all", -1, -1).
Position = tuple[str, int, int]
# A figure of one table of several shown together: (table name, position).
Ref = tuple[str, Position]


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


@dataclass(frozen=True)
class Link:
    """Figures of different tables that the reader can tie together: ``whole`` (plus the figures in
    ``whole_also``) is the sum of ``parts`` (``exact``), or at least that sum (not ``exact``: an unseen
    remainder, such as the decisions not yet closed, makes up the rest)."""

    whole: Ref
    parts: tuple[Ref, ...]
    exact: bool = True
    whole_also: tuple[Ref, ...] = ()

    def refs(self) -> tuple[Ref, ...]:
        return (self.whole, *self.whole_also, *self.parts)


def recovered(low: float, high: float, min_cell: int) -> bool:
    """Whether an attacker who knows a hidden count lies in ``[low, high]`` has worked it out: the
    interval is narrower than the range a primary-suppressed count has (1 to ``min_cell - 1``), and
    never a single value.

    >>> recovered(4, 4, 5), recovered(2, 4, 5), recovered(0, 5, 5), recovered(3, 4, 3)
    (True, True, False, False)
    """
    return high - low < max(1, min_cell - 2)


def _lines(n_rows: int, n_cols: int, column_totals: bool) -> list[tuple[Position, list[Position]]]:
    """Each published equation of one table as (its total, its parts)."""
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
    ``column_totals``, column totals and a grand total). ``hide`` forces positions hidden."""
    return protect_linked(
        {"": cells},
        min_cell=min_cell,
        column_totals=[""] if column_totals else [],
        hide=[("", p) for p in hide],
    )[""]


def protect_linked(
    tables: Mapping[str, Sequence[Sequence[int]]],
    links: Sequence[Link] = (),
    *,
    min_cell: int = 5,
    column_totals: Collection[str] = (),
    hide: Collection[Ref] = (),
    unpublished: Collection[Ref] = (),
    public: Collection[Ref] = (),
    positive: Collection[Ref] = (),
) -> dict[str, Protected]:
    """Protect tables shown together, jointly: every figure of every table counts as shown unless
    hidden, ``links`` tie figures of different tables together, and one attacker's program over them
    all must pin no hidden figure down. A figure hidden in one table is hidden wherever it is equal to a
    figure of another (an exact link with one part). ``unpublished`` figures are never shown: the reader
    knows only that they exist and what the links and tables say about them; they are never chosen as
    a complement, no line with one in it counts as a published equation, and they are not figures the
    audit protects (the cells they add up are). ``public`` figures the reader knows whatever is hidden
    (a list left empty says its total is 0): never hidden, nor is a figure equal to one. ``positive``
    figures the reader knows to be at least 1 (a row shown by name).

    Not followed 9 of 12, with the reasons 4 and 5: alone, the reasons' total 9 would give the followed
    3 back.

    >>> link = Link(("follow", ("cell", 0, 1)), (("reasons", ("row", 0, -1)),))
    >>> shown = protect_linked({"follow": [[3, 9]], "reasons": [[4, 5]]}, [link])
    >>> shown["follow"].shown_cells(), shown["follow"].shown_row_totals(), shown["reasons"].shown_row_totals()
    ([['..', '..']], [12], ['..'])
    """
    if min_cell < 1:
        raise ValueError(f"min_cell: expected a whole number ≥ 1; got {min_cell!r}")
    probes: dict[str, Protected] = {}
    for name, cells in tables.items():
        table = tuple(tuple(int(k) for k in row) for row in cells)
        if not table or any(k < 0 for row in table for k in row) or len({len(row) for row in table}) != 1:
            raise ValueError(f"{name or 'cells'}: expected a rectangular table of counts ≥ 0")
        probes[name] = Protected(table, frozenset(), min_cell, name in column_totals)
    lines: list[tuple[Ref, list[Ref]]] = []
    for name, probe in probes.items():
        for top, below in _lines(len(probe.cells), len(probe.cells[0]), probe.column_totals):
            lines.append(((name, top), [(name, p) for p in below]))
    lines += [(link.whole, list(link.parts)) for link in links if link.exact and not link.whole_also]
    unknown = sorted({t for link in links for t, _ in link.refs()} - set(probes))
    if unknown:
        raise ValueError(f"links: tables {unknown} not given; expected one of {sorted(probes)}")
    positions = sorted({r for total, parts in lines for r in (total, *parts)})
    dark = set(unpublished)
    lines = [(total, parts) for total, parts in lines if dark.isdisjoint((total, *parts))]

    def value(ref: Ref) -> int:
        return probes[ref[0]].value(ref[1])

    known = set(public)
    while True:  # a figure equal to a public one is public
        more = {
            r
            for total, parts in lines
            if len(parts) == 1
            for r in (total, *parts)
            if {total, *parts} & known and r not in known
        }
        if not more:
            break
        known |= more
    hidden = ({r for r in positions if 0 < value(r) < min_cell} | set(hide) | dark) - known
    changed = True
    while changed:
        changed = False
        for total, parts in lines:
            members = [total, *parts]
            secret = [r for r in members if r in hidden]
            if not secret:
                continue
            shown = [r for r in members if r not in hidden and r not in known]
            if not shown:
                continue  # the whole line is hidden or public
            if len(members) == 2:  # two equal figures: hide both
                hidden.add(shown[0])
                changed = True
                continue
            if len(secret) >= 2 and sum(value(r) for r in secret) >= min_cell:
                continue
            # the smallest count above zero among the parts; zeros, then the total, only when needed
            order = sorted(shown, key=lambda r: (r == total, value(r) == 0, value(r), r))
            hidden.add(order[0])
            changed = True
        if changed:
            continue
        # The audit: an attacker's program over everything shown; hide more while it works one out.
        for pinned in _worked_out(probes, hidden, dark, positions, links, min_cell, set(positive)):
            near = [r for total, parts in lines if pinned in (total, *parts) for r in (total, *parts)]
            near += [r for link in links if pinned in link.refs() for r in link.refs()]
            candidates = [r for r in near if r not in hidden | known]
            candidates = candidates or [r for r in positions if r not in hidden | known]
            if candidates:
                hidden.add(min(candidates, key=lambda r: (value(r) == 0, value(r), r)))
                changed = True
                break
    return {
        name: Protected(
            probe.cells, frozenset(p for t, p in hidden if t == name), min_cell, probe.column_totals
        )
        for name, probe in probes.items()
    }


def _worked_out(
    probes: Mapping[str, Protected],
    hidden: set[Ref],
    dark: set[Ref],
    positions: Sequence[Ref],
    links: Sequence[Link],
    min_cell: int,
    positive: set[Ref],
) -> list[Ref]:
    """The hidden figures an attacker works out (:func:`recovered`) from every figure shown: for each,
    the smallest and largest whole value of a program over every cell of every table (counts whole and
    ≥ 0) and one unseen remainder ≥ 0 per inexact link."""
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    if not hidden:
        return []
    offsets, size = {}, 0
    for name, probe in probes.items():
        offsets[name] = size
        size += len(probe.cells) * len(probe.cells[0])
    remainders = {i: size + k for k, i in enumerate(i for i, link in enumerate(links) if not link.exact)}
    size += len(remainders)

    def expression(ref: Ref) -> np.ndarray:
        name, (kind, i, j) = ref
        n_rows, n_cols = len(probes[name].cells), len(probes[name].cells[0])
        grid = np.zeros((n_rows, n_cols))
        if kind == "cell":
            grid[i, j] = 1
        elif kind == "row":
            grid[i, :] = 1
        elif kind == "col":
            grid[:, j] = 1
        else:
            grid[:, :] = 1
        out = np.zeros(size)
        out[offsets[name] : offsets[name] + grid.size] = grid.ravel()
        return out

    rows = [expression(r) for r in positions if r not in hidden]
    bounds = [float(probes[r[0]].value(r[1])) for r in positions if r not in hidden]
    tops = list(bounds)
    for ref in sorted(positive & hidden):
        rows.append(expression(ref))
        bounds.append(1.0)
        tops.append(np.inf)
    for i, link in enumerate(links):  # whole - parts (- remainder) = 0
        row = sum((expression(w) for w in (link.whole, *link.whole_also)), np.zeros(size))
        row = row - sum((expression(p) for p in link.parts), np.zeros(size))
        if i in remainders:
            row[remainders[i]] = -1
        rows.append(row)
        bounds.append(0.0)
        tops.append(0.0)
    if not rows:
        return []  # nothing shown: every hidden count may be anything
    constraint = LinearConstraint(np.array(rows), np.array(bounds), np.array(tops))
    whole = np.ones(size)
    out, seen = [], {}
    for ref in sorted(hidden - dark):
        objective = expression(ref)
        key = objective.tobytes()
        if key not in seen:
            low = milp(objective, integrality=whole, bounds=Bounds(0, np.inf), constraints=constraint)
            high = milp(-objective, integrality=whole, bounds=Bounds(0, np.inf), constraints=constraint)
            top = -high.fun if high.status == 0 else np.inf
            seen[key] = low.status == 0 and recovered(low.fun, top, min_cell)
        if seen[key]:
            out.append(ref)
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
