"""Geometry of the server-drawn SVG charts; the templates draw them with numbers on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from carecareers.campaigns.service import FunnelRow
from carecareers.catalogue import text
from carecareers.events.funnel import EventFunnel

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
