"""Geometry of the server-drawn SVG charts; the templates draw them with numbers on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from carecareers.campaigns.service import FunnelRow
from carecareers.catalogue import text
from carecareers.events.funnel import EventFunnel
from carecareers.picture import Row, Value
from carecareers.picture.suppression import HIDDEN, SMALL

# Each step, and the step its share is of: leads come from conversations whether or not
# the person booked a place at an event, so theirs is of "Chatted". Their words are
# dashboard.charts.steps and dashboard.charts.shares.
FUNNEL_STEPS = (("visits", None), ("conversations", "visits"), ("booked", "conversations"),
                ("attended", "booked"), ("leads", "conversations"), ("contacted", "leads"))
# A campaign's funnel also counts the "Is care for me?" checks finished in its conversations.
CAMPAIGN_STEPS = (*FUNNEL_STEPS[:2], ("values_checks", "conversations"), *FUNNEL_STEPS[2:])
Steps = tuple[tuple[str, str | None], ...]
BAR_AREA = 360
BAR_HEIGHT = 30
BAR_GAP = 14


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    width: float
    y: int
    share: str | None  # "40% of visits"


def percent(part: int, whole: int) -> str:
    return f"{round(100 * part / whole)}%" if whole else "–"


def funnel_bars(row: FunnelRow | EventFunnel, steps: Steps = FUNNEL_STEPS) -> list[Bar]:
    """One bar per step, widths relative to the largest; each after the first says its share.

    `row` has the steps' attributes (a campaign's FunnelRow or an event's funnel).
    """
    values = [(name, int(getattr(row, name)), base) for name, base in steps]
    largest = max((value for _, value, _ in values), default=0) or 1
    bars = []
    for index, (name, value, base) in enumerate(values):
        share = text(f"dashboard.charts.shares.{base}",
                     percent=percent(value, int(getattr(row, base)))) if base else None
        bars.append(Bar(text(f"dashboard.charts.steps.{name}"), value,
                        max(2.0, BAR_AREA * value / largest) if value else 0.0,
                        index * (BAR_HEIGHT + BAR_GAP), share))
    return bars


def funnel_height(steps: Steps = FUNNEL_STEPS) -> int:
    return len(steps) * (BAR_HEIGHT + BAR_GAP)


@dataclass(frozen=True)
class Column:
    day: date
    value: int
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class DayChart:
    title: str
    columns: list[Column]
    largest: int
    total: int
    width: int
    height: int


def day_chart(title: str, days: Sequence[date], values: Sequence[int],
              height: int = 80, step: int = 14) -> DayChart:
    """Columns per day (oldest first), scaled to the largest day."""
    largest = max(values, default=0)
    columns = []
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        column_height = height * value / largest if largest else 0.0
        columns.append(Column(day, value, index * step, height - column_height, column_height))
    return DayChart(title, columns, largest, sum(values), max(step * len(days), step), height)


# The programme picture's charts: columns by month and pairs of bars by role, each with its
# number written on it; a count held back by the small-number rule draws no bar, only its
# short mark ("<5").


@dataclass(frozen=True)
class Mark:
    """One column or bar: where it is, how long, and what is written on it."""

    label: str
    written: str
    position: float
    length: float


@dataclass(frozen=True)
class MonthChart:
    columns: list[Mark]
    width: int
    height: int


def short(value: Value) -> str:
    """A value as a chart writes it: the number, or the short mark of one held back."""
    if value.state in (SMALL, HIDDEN):
        return text(f"dashboard.picture.states_short.{value.state}")
    return f"{int(value.number):,}" if value.number is not None else ""


def month_chart(rows: Sequence[Row], index: int, height: int = 110,
                step: int = 44) -> MonthChart:
    """A column for each month (oldest first) of one column of a table."""
    values = [row.values[index] for row in rows]
    largest = max((v.number or 0 for v in values if v.shown), default=0) or 1
    columns = [Mark(row.label.split(" ")[0], short(value), n * step,
                    height * (value.number or 0) / largest if value.shown else 0.0)
               for n, (row, value) in enumerate(zip(rows, values, strict=True))]
    return MonthChart(columns, step * max(len(rows), 1), height)


@dataclass(frozen=True)
class PairedBar:
    label: str
    first: Mark
    second: Mark
    y: int


def paired_bars(rows: Sequence[Row], first: int, second: int,
                area: int = BAR_AREA) -> list[PairedBar]:
    """Two bars for each row (say open jobs and people interested), on one scale."""
    shown = [r.values[i].number or 0 for r in rows for i in (first, second)
             if r.values[i].shown]
    largest = max(shown, default=0) or 1

    def mark(value: Value) -> Mark:
        length = area * (value.number or 0) / largest if value.shown else 0.0
        return Mark("", short(value), 0, max(length, 2.0) if length else 0.0)

    return [PairedBar(row.label, mark(row.values[first]), mark(row.values[second]),
                      n * (2 * 16 + BAR_GAP)) for n, row in enumerate(rows)]


def value_bars(items: Sequence[tuple[str, Value]], area: int = BAR_AREA) -> list[Bar]:
    """One bar for each labelled value, widths relative to the largest shown."""
    largest = max((v.number or 0 for _, v in items if v.shown), default=0) or 1
    return [Bar(label, int(value.number or 0) if value.shown else 0,
                max(2.0, area * (value.number or 0) / largest)
                if value.shown and value.number else 0.0,
                n * (BAR_HEIGHT + BAR_GAP), short(value))
            for n, (label, value) in enumerate(items)]
