"""The small-number rule: no count of people from which one person could be picked out.

A table of counts of people is published with its totals (a row total, a column total and
the grand total), and its totals may be published again elsewhere (the whole area's
figure for a month is the total of that month's districts). The rule
(docs/programme-picture.md):

1. A count of 1 to 4 is shown as "fewer than 5" (SMALL). Nought is shown as 0.
2. No small count may be worked out from what is shown. A line (a row with its total, a
   column with its total, the row totals with the grand total, the column totals with the
   grand total) never has exactly one count held back; when it would, the smallest other
   count above nought in the line is held back too (HIDDEN, shown as "hidden"), a count in
   the table before a total. Then every small count is audited: knowing every figure shown,
   that a small count is 1 to 4 and that a hidden one is 5 or more, could it have any other
   value? When it could not, the smallest count shown in its row or column (in the table
   before a total) is held back as well, and the lines are checked again. The grand total
   is shown unless it is small, or unless nothing else is left to hold back.
3. Every view of the table (the whole area, each district, the CSV) shows the one
   protected table, so two views never hold back different counts of the same figures.

The audit is exact for a table with its totals: the counts are flows in a network, and
"could it be another value" is whether the network still has a circulation when the count
is fixed at the value next to its own (circulation.py).

A table may go on: its columns' totals split again another way (the leads of each place by
month, and the same leads of each place by age band). The two are protected as one chain,
months -> places -> age bands, so that a place's total is held back alike in both, and the
audit knows everything both publish: a flow through the chain is exactly what the two
tables together allow (for each place, any split by month and any split by age with the same
total are the two sides of some table of month by age band).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from carecareers.picture.circulation import Edge, has_circulation

SMALLEST_SHOWN = 5
SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"
UNBOUNDED = 1 << 40

# ("cell", row, column), ("row", row), ("column", column) or ("all",); a table that goes on:
# ("onward", column, onward column) and ("end", onward column).
Key = tuple
ALL: Key = ("all",)
CELLS = ("cell", "onward")


@dataclass(frozen=True)
class Figure:
    """A count of people and how it may be shown: SHOWN, SMALL or HIDDEN."""

    value: int
    state: str = SHOWN

    @property
    def shown(self) -> bool:
        return self.state == SHOWN


@dataclass(frozen=True)
class Protected:
    """A table of counts with its totals, each as it may be shown."""

    cells: tuple[tuple[Figure, ...], ...]
    row_totals: tuple[Figure, ...] | None  # None when the rows' totals mean nothing
    column_totals: tuple[Figure, ...]
    total: Figure
    # The table's going on: for each column, its total split another way, and those totals.
    onward: tuple[tuple[Figure, ...], ...] = ()
    onward_totals: tuple[Figure, ...] = ()

    def column(self, index: int) -> list[Figure]:
        return [row[index] for row in self.cells]


def is_small(value: int) -> bool:
    return 0 < value < SMALLEST_SHOWN


def protect(cells: Sequence[Sequence[int]], row_totals: bool = True,
            onward: Sequence[Sequence[int]] | None = None) -> Protected:
    """Apply the small-number rule to a table of counts (rows of equal length).

    `row_totals`: whether the rows' totals are figures at all (a month's leads across the
    districts are; a campaign's conversations plus its leads are not).
    `onward`: the table going on, one row per column whose counts add up to that column's
    total (the leads of each place by age band), protected with it as one chain.
    """
    table = _Table([list(map(int, row)) for row in cells], row_totals,
                   None if onward is None else [list(map(int, row)) for row in onward])
    table.hold_back()
    return table.result()


def protect_column(values: Sequence[int]) -> tuple[list[Figure], Figure]:
    """The rule for one column of counts and its total."""
    protected = protect([[value] for value in values], row_totals=False)
    return protected.column(0), protected.total


class _Table:
    def __init__(self, cells: list[list[int]], row_totals: bool,
                 onward: list[list[int]] | None = None) -> None:
        self.rows = len(cells)
        self.columns = len(cells[0]) if cells else 0
        onward = onward or []
        self.ends = len(onward[0]) if onward else 0
        self.with_row_totals = row_totals and self.columns > 1
        # The grand total is a figure when the rows add up (or there is one column); the
        # total of a campaign's chats, leads and starts together is nothing anyone reads.
        self.with_total = row_totals or self.columns <= 1
        self.values: dict[Key, int] = {}
        for r, row in enumerate(cells):
            if len(row) != self.columns:
                raise ValueError("every row needs the same number of counts")
            for c, value in enumerate(row):
                if value < 0:
                    raise ValueError("a count is never below nought")
                self.values[("cell", r, c)] = value
            if self.with_row_totals:
                self.values[("row", r)] = sum(row)
        for c in range(self.columns):
            self.values[("column", c)] = sum(row[c] for row in cells)
        self.values[ALL] = sum(map(sum, cells))
        if onward:
            self._go_on(onward, row_totals)
        self.state = {key: SMALL if is_small(value) else SHOWN
                      for key, value in self.values.items()}
        if not self.with_total:
            self.state[ALL] = HIDDEN  # never shown, never a line's known total
        # Small counts the audit found could be other values: holding more back only widens
        # what they could be, so they stay safe.
        self.safe: set[Key] = set()
        # Small counts hidden as a last resort: "hidden" then says nothing of their size.
        self.widened: set[Key] = set()

    def _go_on(self, onward: list[list[int]], row_totals: bool) -> None:
        if not row_totals or len(onward) != self.columns:
            raise ValueError("a table goes on from each of its columns, and its rows add up")
        for c, row in enumerate(onward):
            if len(row) != self.ends or min(row) < 0:
                raise ValueError("every onward row needs the same number of counts, none "
                                 "below nought")
            if sum(row) != self.values[("column", c)]:
                raise ValueError("an onward row adds up to its column's total")
            for e, value in enumerate(row):
                self.values[("onward", c, e)] = value
        for e in range(self.ends):
            self.values[("end", e)] = sum(row[e] for row in onward)

    # -- the lines: counts that add up to a total -------------------------------------------

    def lines(self) -> Iterator[tuple[list[Key], Key]]:
        columns_total = ALL if self.columns > 1 and self.with_total else None
        for c in range(self.columns):
            yield [("cell", r, c) for r in range(self.rows)], ("column", c)
        if self.with_row_totals:
            for r in range(self.rows):
                yield [("cell", r, c) for c in range(self.columns)], ("row", r)
            yield [("row", r) for r in range(self.rows)], ALL
        if columns_total is not None:
            yield [("column", c) for c in range(self.columns)], ALL
        if self.ends:
            for c in range(self.columns):
                yield [("onward", c, e) for e in range(self.ends)], ("column", c)
            for e in range(self.ends):
                yield [("onward", c, e) for c in range(self.columns)], ("end", e)
            yield [("end", e) for e in range(self.ends)], ALL

    def _same(self, key: Key) -> Key:
        """The grand total of a single column is that column's total."""
        return ("column", 0) if key == ALL and self.columns == 1 else key

    def hidden(self, key: Key) -> bool:
        return self.state[self._same(key)] != SHOWN

    # -- holding back -----------------------------------------------------------------------

    def hold_back(self) -> None:
        while self._one_in_a_line() or self._worked_out():
            pass

    def _one_in_a_line(self) -> bool:
        """Hold back a second count in a line with exactly one held back; True if it did."""
        for members, total in self.lines():
            line = [*members, total]
            if sum(self.hidden(key) for key in line) == 1:
                if self._hide_smallest(members, [total]):
                    return True
        return False

    def _worked_out(self) -> bool:
        """Hold back one more count next to a small one that could be worked out."""
        for key, state in self.state.items():
            if state != SMALL or key in self.safe or (key == ALL and not self.with_total):
                continue
            if not self._pinned(key):
                self.safe.add(key)
                continue
            near = [k for members, total in self.lines() if key in [*members, total]
                    for k in [*members, total]]
            if self._hide_smallest([k for k in near if k[0] in CELLS],
                                   [k for k in near if k[0] not in CELLS]):
                return True
            if self._hide_smallest([k for k in self.state if k[0] in CELLS],
                                   [k for k in self.state if k[0] not in CELLS]):
                return True
            # Nothing shown is left to hold back: the small totals themselves are hidden, and
            # then "hidden" no longer says the count is 5 or more.
            small_totals = [k for k in [*near, ALL] if k[0] not in CELLS
                            and self.state[self._same(k)] == SMALL]
            if small_totals:
                self.state[self._same(small_totals[0])] = HIDDEN
                self.widened.add(self._same(small_totals[0]))
                return True
            if not self.hidden(ALL):
                self.state[self._same(ALL)] = HIDDEN
                return True
        return False

    def _hide_smallest(self, cells: list[Key], totals: list[Key]) -> bool:
        for group in (cells, totals):
            open_ = [k for k in group if k != ALL and self._same(k) != self._same(ALL)
                     and not self.hidden(k) and self.values[k] > 0]
            if open_:
                chosen = min(open_, key=lambda k: (self.values[k], k))
                self.state[chosen] = HIDDEN
                return True
        return False

    # -- the audit --------------------------------------------------------------------------

    def _pinned(self, key: Key) -> bool:
        """Whether what is shown leaves this small count only one possible value."""
        value = self.values[key]
        return not any(self._possible(key, other) for other in (value - 1, value + 1)
                       if 1 <= other < SMALLEST_SHOWN)

    def _bounds(self, key: Key, fixed: Key, value: int) -> tuple[int, int]:
        key = self._same(key)
        if key == self._same(fixed):
            return value, value
        if key == ALL and not self.with_total:
            return 0, UNBOUNDED
        state = self.state[key]
        if state == SHOWN:
            return self.values[key], self.values[key]
        if state == SMALL:
            return 1, SMALLEST_SHOWN - 1
        return (1 if key in self.widened else SMALLEST_SHOWN), UNBOUNDED

    def _possible(self, fixed: Key, value: int) -> bool:
        # Nodes: 0 source, 1 sink, then the rows, then the columns; a table that goes on has
        # each column's way out after them, then the onward columns.
        def row(r: int) -> int:
            return 2 + r

        def column(c: int) -> int:
            return 2 + self.rows + c

        def way_out(c: int) -> int:
            return 2 + self.rows + self.columns + c

        def end(e: int) -> int:
            return 2 + self.rows + 2 * self.columns + e

        edges: list[Edge] = []
        for r in range(self.rows):
            low, high = (self._bounds(("row", r), fixed, value) if self.with_row_totals
                         else (0, UNBOUNDED))
            edges.append((0, row(r), low, high))
            for c in range(self.columns):
                edges.append((row(r), column(c), *self._bounds(("cell", r, c), fixed, value)))
        if not self.ends:
            for c in range(self.columns):
                edges.append((column(c), 1, *self._bounds(("column", c), fixed, value)))
            edges.append((1, 0, *self._bounds(ALL, fixed, value)))
            return has_circulation(2 + self.rows + self.columns, edges)
        for c in range(self.columns):
            edges.append((column(c), way_out(c), *self._bounds(("column", c), fixed, value)))
            for e in range(self.ends):
                edges.append((way_out(c), end(e),
                              *self._bounds(("onward", c, e), fixed, value)))
        for e in range(self.ends):
            edges.append((end(e), 1, *self._bounds(("end", e), fixed, value)))
        edges.append((1, 0, *self._bounds(ALL, fixed, value)))
        return has_circulation(2 + self.rows + 2 * self.columns + self.ends, edges)

    def result(self) -> Protected:
        def figure(key: Key) -> Figure:
            return Figure(self.values[key], self.state[self._same(key)])

        return Protected(
            cells=tuple(tuple(figure(("cell", r, c)) for c in range(self.columns))
                        for r in range(self.rows)),
            row_totals=tuple(figure(("row", r)) for r in range(self.rows))
            if self.with_row_totals else None,
            column_totals=tuple(figure(("column", c)) for c in range(self.columns)),
            total=figure(ALL),
            onward=tuple(tuple(figure(("onward", c, e)) for e in range(self.ends))
                         for c in range(self.columns) if self.ends),
            onward_totals=tuple(figure(("end", e)) for e in range(self.ends)))
