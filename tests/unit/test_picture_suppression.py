"""The small-number rule (carecareers/picture/suppression.py): counts of 1 to 4 are never
shown, and none can be worked out from what is shown, checked by trying every table that
fits what is published (the attack the rule defends against, done by brute force)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from carecareers.picture.circulation import has_circulation
from carecareers.picture.suppression import (
    HIDDEN,
    SHOWN,
    SMALL,
    Figure,
    Protected,
    protect,
    protect_column,
)
from tests.support.attack import could_be


def states(figures: list[Figure] | tuple[Figure, ...]) -> list[str]:
    return [f.state for f in figures]


def possible_values(original: list[list[int]], published: Protected) -> dict[tuple, set[int]]:
    """Every value each small count could have, over every table of counts that agrees with
    what is published: shown counts exactly, small ones 1 to 4, hidden ones 5 or more."""
    rows, columns = len(original), len(original[0])
    ceiling = sum(map(sum, original)) + 5

    def allowed(figure: Figure, value: int) -> bool:
        if figure.state == SHOWN:
            return value == figure.value
        if figure.state == SMALL:
            return 1 <= value <= 4
        return value >= (5 if figure.value >= 5 else 1)  # a small count hidden: any size

    free = [(r, c) for r in range(rows) for c in range(columns)
            if published.cells[r][c].state != SHOWN]
    choices = []
    for r, c in free:
        figure = published.cells[r][c]
        # No count is above a total shown that it is part of (what anyone can see).
        known = [published.column_totals[c]] + (
            [published.row_totals[r]] if published.row_totals is not None else [])
        highest = min([f.value for f in known if f.shown] + [ceiling])
        choices.append(range(1, 5) if figure.state == SMALL else range(5, highest + 1))
        # (a hidden count in the table is never a small one: only totals are widened)
    found: dict[tuple, set[int]] = {}
    for guess in itertools.product(*choices):
        table = [row[:] for row in original]
        for (r, c), value in zip(free, guess, strict=True):
            table[r][c] = value
        margins = {("column", c): sum(table[r][c] for r in range(rows))
                   for c in range(columns)}
        if published.row_totals is not None:
            margins |= {("row", r): sum(table[r]) for r in range(rows)}
        margins[("all",)] = sum(map(sum, table))
        figures = {("column", c): published.column_totals[c] for c in range(columns)}
        if published.row_totals is not None:
            figures |= {("row", r): published.row_totals[r] for r in range(rows)}
        if published.row_totals is not None or columns == 1:
            figures[("all",)] = published.total
        else:
            del margins[("all",)]  # not a figure: nothing to agree with
        if not all(allowed(figures[key], value) for key, value in margins.items()):
            continue
        for (r, c), value in zip(free, guess, strict=True):
            if published.cells[r][c].state == SMALL:
                found.setdefault(("cell", r, c), set()).add(value)
        for key, value in margins.items():
            if figures[key].state == SMALL:
                found.setdefault(key, set()).add(value)
    return found


def assert_nothing_given_away(table: list[list[int]], row_totals: bool = True) -> Protected:
    published = protect(table, row_totals)
    for r, row in enumerate(table):
        for c, value in enumerate(row):
            figure = published.cells[r][c]
            assert figure.value == value
            assert figure.state != SHOWN if 0 < value < 5 else True
    for key, values in possible_values(table, published).items():
        assert len(values) >= 2, f"{key} can be worked out: only {values} fit"
    return published


# -- the rule, case by case ---------------------------------------------------------------


def test_counts_of_one_to_four_are_small_and_nought_and_five_are_shown() -> None:
    figures, total = protect_column([0, 5, 12])
    assert states(figures) == [SHOWN, SHOWN, SHOWN] and total == Figure(17, SHOWN)
    figures, total = protect_column([1, 0, 0])
    assert states(figures) == [SMALL, SHOWN, SHOWN] and total == Figure(1, SMALL)


def test_one_small_count_in_a_column_holds_back_the_next_smallest() -> None:
    figures, total = protect_column([3, 7, 12, 40])
    assert states(figures) == [SMALL, HIDDEN, SHOWN, SHOWN]
    assert total == Figure(62, SHOWN)  # the real total: 3 + 7 = 10 is all it tells


def test_two_small_counts_that_add_up_to_their_only_possible_sum_are_protected() -> None:
    # 1 + 1: the total less the 20 is 2, which only 1 and 1 make.
    figures, total = protect_column([1, 1, 20])
    assert states(figures) == [SMALL, SMALL, HIDDEN] and total.shown
    # 4 + 4 = 8: only 4 and 4 make 8 from two counts under 5; nothing else is left to
    # hold back, so the total is held back.
    figures, total = protect_column([4, 4])
    assert states(figures) == [SMALL, SMALL] and total.state == HIDDEN


def test_a_small_total_of_a_line_of_noughts_hides_nothing_more() -> None:
    figures, total = protect_column([3, 0, 0])
    assert states(figures) == [SMALL, SHOWN, SHOWN] and total.state == SMALL


def test_a_small_count_in_a_table_is_protected_in_its_row_and_its_column() -> None:
    published = assert_nothing_given_away([[3, 8, 9], [7, 6, 10], [12, 11, 15]])
    assert states(published.cells[0]) == [SMALL, HIDDEN, SHOWN]
    assert [published.cells[r][0].state for r in range(3)] == [SMALL, HIDDEN, SHOWN]
    assert published.cells[1][1].state == HIDDEN  # else row 1 and column 1 give it away
    assert published.total.shown and all(f.shown for f in published.column_totals)


def test_a_count_pinned_by_rows_and_columns_together_is_found_by_the_audit() -> None:
    # Every row and column has two counts held back, yet with the 5 at the bottom right at
    # least 5 the 4 can only be 4: a+b=10, a+c=10, b+d=11, so d = a+1 >= 5.
    table = [[4, 6], [6, 5]]
    published = assert_nothing_given_away(table)
    assert published.cells[0][0].state == SMALL


def test_the_row_totals_with_the_grand_total_are_a_line_too() -> None:
    # A month with 2 people across the districts: the area's figure for it is small, and the
    # other months' figures and the year's total would give it away.
    published = assert_nothing_given_away([[2, 0], [9, 8], [12, 7]])
    assert published.row_totals is not None
    assert published.row_totals[0].state == SMALL
    assert sum(not f.shown for f in published.row_totals) >= 2


def test_columns_whose_rows_do_not_add_up_have_no_row_totals() -> None:
    published = protect([[3, 2, 1, 0], [30, 12, 6, 2]], row_totals=False)
    assert published.row_totals is None
    assert states(published.column(0)) == [SMALL, HIDDEN]  # 33 - 30 would give the 3 away
    assert published.column_totals[0].state == SHOWN
    # The columns' totals add up to nothing anyone reads (chats and leads together): no line.
    assert states(published.column_totals) == [SHOWN, SHOWN, SHOWN, SMALL]
    assert published.total.state == HIDDEN


def test_a_table_of_noughts_and_an_empty_table() -> None:
    published = protect([[0, 0], [0, 0]])
    assert all(f.state == SHOWN and f.value == 0 for row in published.cells for f in row)
    assert protect([]).total == Figure(0)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(st.lists(st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6]), min_size=3,
                         max_size=3), min_size=2, max_size=2), st.booleans())
def test_no_small_count_can_be_worked_out_from_any_small_table(table: list[list[int]],
                                                               row_totals: bool) -> None:
    published = protect(table, row_totals)
    held = sum(not f.shown for row in published.cells for f in row)
    assume(held <= 3)  # the brute force tries every table: keep it small
    assert_nothing_given_away(table, row_totals)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(st.sampled_from([0, 1, 2, 3, 4, 5, 7, 11]), min_size=1, max_size=6))
def test_no_small_count_can_be_worked_out_from_a_column(values: list[int]) -> None:
    published = protect([[v] for v in values], row_totals=False)
    assume(sum(not f.shown for row in published.cells for f in row) <= 4)
    for key, found in possible_values([[v] for v in values], published).items():
        assert len(found) >= 2, f"{key} can be worked out: only {found} fit"


# -- the network the audit asks ------------------------------------------------------------


def test_circulation_with_bounds() -> None:
    # A loop 0 -> 1 -> 2 -> 0 with flow 3 forced on one edge and room for it on the others.
    assert has_circulation(3, [(0, 1, 3, 3), (1, 2, 0, 5), (2, 0, 1, 9)])
    assert not has_circulation(3, [(0, 1, 3, 3), (1, 2, 0, 2), (2, 0, 1, 9)])
    assert not has_circulation(2, [(0, 1, 2, 1)])


# -- a table that goes on: months -> places -> age bands -----------------------------------


def chain_possible_values(months: list[list[int]], ages: list[list[int]],
                          published: Protected) -> dict[tuple, set[int]]:
    """Every value each small count could have, over every pair of tables (month by place,
    place by age band) that agrees with all both publish and with itself: a place's total is
    one number, however it is split."""
    rows, places, bands = len(months), len(months[0]), len(ages[0])
    ceiling = sum(map(sum, months)) + 5
    figures: dict[tuple, Figure] = {("all",): published.total}
    for r in range(rows):
        assert published.row_totals is not None
        figures[("row", r)] = published.row_totals[r]
        for c in range(places):
            figures[("cell", r, c)] = published.cells[r][c]
    for c in range(places):
        figures[("column", c)] = published.column_totals[c]
        for e in range(bands):
            figures[("onward", c, e)] = published.onward[c][e]
    for e in range(bands):
        figures[("end", e)] = published.onward_totals[e]
    value = {("cell", r, c): months[r][c] for r in range(rows) for c in range(places)}
    value |= {("onward", c, e): ages[c][e] for c in range(places) for e in range(bands)}

    def allowed(figure: Figure, number: int) -> bool:
        if figure.state == SHOWN:
            return number == figure.value
        if figure.state == SMALL:
            return 1 <= number <= 4
        return number >= (5 if figure.value >= 5 else 1)

    free = [key for key in value if figures[key].state != SHOWN]
    choices = [range(1, 5) if figures[key].state == SMALL else range(5, ceiling)
               for key in free]
    found: dict[tuple, set[int]] = {}
    for guess in itertools.product(*choices):
        table = value | dict(zip(free, guess, strict=True))
        margins = {("row", r): sum(table[("cell", r, c)] for c in range(places))
                   for r in range(rows)}
        margins |= {("column", c): sum(table[("cell", r, c)] for r in range(rows))
                    for c in range(places)}
        if any(margins[("column", c)] != sum(table[("onward", c, e)] for e in range(bands))
               for c in range(places)):
            continue
        margins |= {("end", e): sum(table[("onward", c, e)] for c in range(places))
                    for e in range(bands)}
        margins[("all",)] = sum(margins[("row", r)] for r in range(rows))
        if not all(allowed(figures[key], number) for key, number in margins.items()):
            continue
        for key, number in [*zip(free, guess, strict=True), *margins.items()]:
            if figures[key].state == SMALL:
                found.setdefault(key, set()).add(number)
    return found


def test_a_place_total_is_held_back_alike_by_month_and_by_age_band() -> None:
    # Place 0 has 3 people: small as a total of its months and of its age bands. Place 1's
    # total is held back beside it (the area's 20 is shown), in both tables alike; in the
    # age bands the 6 under the 3 is held back, so 9 = 3 + 6 tells only "1 to 4".
    months = [[2, 9], [1, 8]]
    ages = [[3, 0], [6, 11]]
    published = protect(months, onward=ages)
    assert states(published.column_totals) == [SMALL, HIDDEN] and published.total.shown
    assert states(published.onward[0]) == [SMALL, SHOWN]
    assert states(published.onward[1]) == [HIDDEN, SHOWN]
    assert states(published.onward_totals) == [SHOWN, SHOWN]
    for key, found in chain_possible_values(months, ages, published).items():
        assert len(found) >= 2, f"{key} can be worked out: only {found} fit"


def test_a_table_goes_on_only_from_counts_that_add_up() -> None:
    with pytest.raises(ValueError, match="adds up"):
        protect([[2, 9]], onward=[[1, 0], [9, 0]])
    with pytest.raises(ValueError, match="goes on"):
        protect([[2, 9]], onward=[[2, 0]])
    with pytest.raises(ValueError, match="goes on"):
        protect([[2, 9]], row_totals=False, onward=[[2, 0], [9, 0]])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(st.lists(st.lists(st.sampled_from([0, 0, 1, 2, 3, 5, 6]), min_size=2, max_size=2),
                min_size=2, max_size=2), st.data())
def test_no_small_count_can_be_worked_out_from_a_table_and_its_going_on(
        months: list[list[int]], data: st.DataObject) -> None:
    # Each place's people split across two age bands any way.
    totals = [sum(row[c] for row in months) for c in range(2)]
    firsts = [data.draw(st.integers(0, total)) for total in totals]
    ages = [[first, total - first] for first, total in zip(firsts, totals, strict=True)]
    published = protect(months, onward=ages)
    held = sum(not f.shown for row in (*published.cells, *published.onward) for f in row)
    assume(held <= 4)  # the brute force tries every pair of tables: keep it small
    for r, row in enumerate(months):
        for c, number in enumerate(row):
            assert published.cells[r][c].state != SHOWN if 0 < number < 5 else True
    for c, row in enumerate(ages):
        for e, number in enumerate(row):
            assert published.onward[c][e].value == number
            assert published.onward[c][e].state != SHOWN if 0 < number < 5 else True
    for key, found in chain_possible_values(months, ages, published).items():
        assert len(found) >= 2, f"{key} can be worked out: only {found} fit"


# -- the attacker the integration tests use (tests/support/attack.py) ---------------------


def attack_2d(table: list[list[int]], published: Protected) -> dict[tuple, set[int]]:
    """possible_values, found by tests/support/attack.py instead of by trying every table."""
    rows, columns = len(table), len(table[0])
    ceiling = sum(map(sum, table)) + 5
    counts: dict[tuple, tuple[int, int]] = {}

    def bound(key: tuple, figure: Figure, highest: int) -> None:
        if figure.state == SHOWN:
            counts[key] = (figure.value, figure.value)
        elif figure.state == SMALL:
            counts[key] = (1, 4)
        else:
            counts[key] = (5 if figure.value >= 5 else 1, highest)

    lines: list[tuple[list[tuple], tuple]] = []
    for r in range(rows):
        for c in range(columns):
            bound(("cell", r, c), published.cells[r][c], ceiling)
    for c in range(columns):
        bound(("column", c), published.column_totals[c], 10 ** 6)
        lines.append(([("cell", r, c) for r in range(rows)], ("column", c)))
    if published.row_totals is not None:
        for r in range(rows):
            bound(("row", r), published.row_totals[r], 10 ** 6)
            lines.append(([("cell", r, c) for c in range(columns)], ("row", r)))
    if published.row_totals is not None or columns == 1:
        bound(("all",), published.total, 10 ** 6)
        lines.append(([("column", c) for c in range(columns)], ("all",)))
    small = [k for k in counts if k in (("all",),) and published.total.state == SMALL
             or k[0] == "cell" and published.cells[k[1]][k[2]].state == SMALL
             or k[0] == "column" and published.column_totals[k[1]].state == SMALL
             or k[0] == "row" and published.row_totals is not None
             and published.row_totals[k[1]].state == SMALL]
    return {key: {v for v in range(1, 5) if could_be(counts, lines, key, v)} for key in small}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                  HealthCheck.filter_too_much])
@given(st.lists(st.lists(st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6]), min_size=3,
                         max_size=3), min_size=2, max_size=2), st.booleans(), st.booleans())
def test_the_attacker_finds_what_trying_every_table_finds(table: list[list[int]],
                                                          row_totals: bool,
                                                          protected: bool) -> None:
    # On tables as published, and on tables published with nothing more held back than the
    # small counts themselves (where some are given away): the same values fit both ways.
    published = protect(table, row_totals) if protected else Protected(
        tuple(tuple(Figure(v, SMALL if 0 < v < 5 else SHOWN) for v in row) for row in table),
        tuple(Figure(sum(row), SMALL if 0 < sum(row) < 5 else SHOWN) for row in table)
        if row_totals else None,
        tuple(Figure(sum(col), SMALL if 0 < sum(col) < 5 else SHOWN)
              for col in zip(*table, strict=True)),
        Figure(sum(map(sum, table)),
               SMALL if 0 < sum(map(sum, table)) < 5 else SHOWN if row_totals else HIDDEN))
    assume(sum(not f.shown for row in published.cells for f in row) <= 3)
    assert attack_2d(table, published) == possible_values(table, published)
