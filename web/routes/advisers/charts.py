"""Geometry of the server-drawn SVG charts; the templates draw them with numbers on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from carecareers.campaigns.service import FunnelRow

FUNNEL_STEPS = (("visits", "Visits"), ("conversations", "Conversations"),
                ("leads", "Leads"), ("contacted", "Contacted"))
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


def funnel_bars(row: FunnelRow) -> list[Bar]:
    """One bar per step, widths relative to the largest; each after the first says its share."""
    values = [(label, int(getattr(row, name))) for name, label in FUNNEL_STEPS]
    largest = max((value for _, value in values), default=0) or 1
    bars = []
    for index, (label, value) in enumerate(values):
        previous_label, previous = values[index - 1] if index else (None, 0)
        share = f"{percent(value, previous)} of {previous_label.lower()}" if previous_label \
            else None
        bars.append(Bar(label, value, max(2.0, BAR_AREA * value / largest) if value else 0.0,
                        index * (BAR_HEIGHT + BAR_GAP), share))
    return bars


def funnel_height() -> int:
    return len(FUNNEL_STEPS) * (BAR_HEIGHT + BAR_GAP)


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
