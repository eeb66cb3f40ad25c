"""One clock for the product: the time (aware UTC) and the day (the UK date).

Each entry point builds a `Clock` from its settings (`clock_for`) and passes it, or the
`now()` and `today()` it reads, to the code that needs them; nothing else reads the system
time. "Today" is always the date in the UK, whatever the server's zone. CARECAREERS_TODAY
(development and tests only; the settings refuse it elsewhere) fixes the day everywhere.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from carecareers.settings import Settings

UK = ZoneInfo("Europe/London")


def as_utc(moment: datetime) -> datetime:
    """The instant as an aware UTC time (a naive one is UTC, as the database gives it back)."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def uk_time(moment: datetime) -> datetime:
    """The instant on the UK's clock (a naive time is UTC)."""
    return as_utc(moment).astimezone(UK)


def uk_date(moment: datetime) -> date:
    """The UK date of this instant (a naive time is UTC)."""
    return uk_time(moment).date()


def uk_midnight(day: date) -> datetime:
    """The instant (aware UTC) a UK date begins."""
    return datetime.combine(day, time(), UK).astimezone(timezone.utc)


class Clock:
    """What time it is (aware UTC) and what day it is in the UK: the system's time."""

    def __init__(self, fixed_day: date | None = None) -> None:
        self.fixed_day = fixed_day

    def now(self) -> datetime:
        return datetime.now(timezone.utc)

    def today(self) -> date:
        """The UK date now, or the fixed day (CARECAREERS_TODAY)."""
        return self.fixed_day or uk_date(self.now())

    def day_of(self, sent_at: float | datetime | None) -> date:
        """The day of a message sent at this instant (seconds since the epoch, or a time).

        The fixed day when there is one; else the instant's UK date; else today.
        """
        if self.fixed_day is not None:
            return self.fixed_day
        if isinstance(sent_at, datetime):
            return uk_date(sent_at)
        if sent_at is not None:
            try:
                return datetime.fromtimestamp(sent_at, UK).date()
            except (OverflowError, OSError, ValueError):
                pass
        return self.today()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(fixed_day={self.fixed_day!r})"


class FixedClock(Clock):
    """A clock that stays at one instant until moved: for tests."""

    def __init__(self, at: datetime, fixed_day: date | None = None) -> None:
        super().__init__(fixed_day)
        self.at = as_utc(at)

    def now(self) -> datetime:
        return self.at

    def advance(self, by: timedelta) -> None:
        self.at += by

    def __repr__(self) -> str:
        return f"FixedClock({self.at.isoformat()}, fixed_day={self.fixed_day!r})"


SYSTEM_CLOCK = Clock()


def clock_for(settings: Settings) -> Clock:
    """The system clock, with the day CARECAREERS_TODAY fixes (development and tests only)."""
    return Clock(settings.fixed_today)
