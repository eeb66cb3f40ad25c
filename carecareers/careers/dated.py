"""Dated rows: which one is in force on a day, and when a row is due for review."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TypeVar

T = TypeVar("T")

# A pay table is replaced every April: twelve months after it starts it is out of date.
REVIEW_MONTHS = 12
# A table that changes on a known day is flagged this long before, until its new row is in.
WARN_BEFORE_CHANGE = timedelta(days=60)


def add_months(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, min(day.day, 28))


def review_due(starts: date) -> date:
    """The day a row that starts on `starts` is due for review (12 months on)."""
    return add_months(starts, REVIEW_MONTHS)


def is_stale(starts: date, on: date) -> bool:
    """Whether a row that starts on `starts` is out of date on `on`."""
    return on >= review_due(starts)


def in_force(rows: Sequence[T], on: date, starts: Callable[[T], date]) -> T | None:
    """The latest row that has started by `on` (rows in any order), or None."""
    started = [row for row in rows if starts(row) <= on]
    return max(started, key=starts) if started else None


def warning_starts(change: date) -> date:
    """The first day `content check` warns about a change on `change` (60 days before)."""
    return change - WARN_BEFORE_CHANGE
