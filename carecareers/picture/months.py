"""The months of the picture: calendar months in the UK, the chosen one and the eleven before."""

from __future__ import annotations

import re
from datetime import date, datetime

from carecareers.careers.dated import add_months
from carecareers.clock import uk_midnight

MONTHS_SHOWN = 12
RECENT_MONTHS = 3  # "people interested lately", for the gap
OFFERED = 24  # the months one can choose: this one and the 23 before
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def first_of(day: date) -> date:
    return day.replace(day=1)


def read_month(raw: str | None, today: date) -> date | None:
    """The first day of a month written YYYY-MM, one of those offered, or None."""
    match = _MONTH.match((raw or "").strip())
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or year < 2000:
        return None
    chosen = date(year, month, 1)
    return chosen if chosen in offered(today) else None


def months_to(last: date, count: int = MONTHS_SHOWN) -> list[date]:
    """The first days of `count` months, oldest first, the last being `last`'s month."""
    return [add_months(first_of(last), n - count + 1) for n in range(count)]


def month_end(first: date) -> date:
    """The first day of the month after."""
    return add_months(first, 1)


def month_key(first: date) -> str:
    return first.strftime("%Y-%m")


def month_label(first: date) -> str:
    return first.strftime("%b %Y")


def bounds(months: list[date]) -> list[datetime]:
    """The instants (UTC) each month begins, and the end of the last: len(months) + 1."""
    return [uk_midnight(first) for first in [*months, month_end(months[-1])]]


def offered(today: date, count: int = OFFERED) -> list[date]:
    """The months the page offers: this one and the ones before, newest first."""
    return list(reversed(months_to(today, count)))
