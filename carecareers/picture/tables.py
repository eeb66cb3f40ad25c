"""The picture's tables as shown: rows of values, each a figure, an amount or a share.

One set of tables feeds the page, its charts, the printed report and the CSV, so that they
can never show different numbers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

from carecareers.catalogue import text
from carecareers.picture.suppression import HIDDEN, SHOWN, SMALL, Figure
from carecareers.spreadsheets import BOM, excel_safe

NONE = "none"  # nothing to show: no snapshot that month, a share of nought
COUNT, POUNDS, PERCENT, RATIO = "count", "pounds", "percent", "ratio"
CSV_COLUMNS = ("table", "area", "row", "measure", "value")


@dataclass(frozen=True)
class Value:
    number: float | None
    state: str = SHOWN  # SHOWN, SMALL, HIDDEN or NONE
    unit: str = COUNT

    @property
    def shown(self) -> bool:
        return self.state == SHOWN

    @property
    def words(self) -> str:
        """The value as the page and the CSV show it (without thousands commas: csv)."""
        if self.state in (SMALL, HIDDEN):
            return text(f"dashboard.picture.states.{self.state}")
        if self.state == NONE or self.number is None:
            return ""
        if self.unit == POUNDS:
            return f"{self.number:.2f}"
        if self.unit == RATIO:
            return f"{self.number:.1f}"
        return str(int(self.number))


def count(number: int | None) -> Value:
    """A count that is not of people (vacancies): always shown."""
    return Value(number) if number is not None else Value(None, NONE)


def of(figure: Figure) -> Value:
    """A count of people, as the small-number rule lets it be shown."""
    return Value(figure.value, figure.state)


def pounds(amount: float | None) -> Value:
    return Value(round(amount, 2), unit=POUNDS) if amount is not None else Value(None, NONE)


def share(part: Value, whole: Value) -> Value:
    """A percentage, only when both counts are shown (a share could give a small one away)."""
    if not (part.shown and whole.shown) or not whole.number:
        return Value(None, NONE, PERCENT)
    return Value(round(100 * (part.number or 0) / whole.number), unit=PERCENT)


def ratio(part: Value, whole: Value) -> Value:
    """How many of one for each of the other, to one decimal place, on the same terms."""
    if not (part.shown and whole.shown) or not whole.number:
        return Value(None, NONE, RATIO)
    return Value(round((part.number or 0) / whole.number, 1), unit=RATIO)


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    people: bool = False  # counts people: the small-number rule applies


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    values: tuple[Value, ...]


@dataclass(frozen=True)
class Table:
    code: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    total: Row | None = None

    @property
    def caption(self) -> str:
        return text(f"dashboard.picture.tables.{self.code}")

    def value(self, row_key: str, column_code: str) -> Value:
        row = self.total if row_key == "total" and self.total else next(
            r for r in self.rows if r.key == row_key)
        return row.values[[c.code for c in self.columns].index(column_code)]

    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]


def column(code: str, people: bool = False) -> Column:
    return Column(code, text(f"dashboard.picture.columns.{code}"), people)


def csv_rows(tables: Iterable[Table], area: str) -> Iterable[tuple[str, ...]]:
    for table in tables:
        for row in table.all_rows():
            for col, value in zip(table.columns, row.values, strict=True):
                yield table.code, area, row.label, col.code, value.words


def write_csv(rows: Iterable[Sequence[str]], stream: TextIO) -> int:
    """The picture as CSV (one row per figure); returns the number of figures written."""
    stream.write(BOM)
    writer = csv.writer(stream, dialect="excel")
    writer.writerow(CSV_COLUMNS)
    written = 0
    for row in rows:
        writer.writerow([excel_safe(cell) for cell in row])
        written += 1
    return written
