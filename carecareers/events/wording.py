"""Dates and times in plain words, as people in the UK say them."""

from __future__ import annotations

from datetime import datetime

from carecareers.clock import uk_date, uk_time


def uk(moment: datetime) -> datetime:
    """A stored time on the UK's clock (SQLite gives back naive UTC times)."""
    return uk_time(moment)


def time_words(moment: datetime) -> str:
    """10am, 1:30pm, 12 noon."""
    local = uk(moment)
    if local.hour == 12 and local.minute == 0:
        return "12 noon"
    hour = local.hour % 12 or 12
    minutes = f":{local.minute:02d}" if local.minute else ""
    return f"{hour}{minutes}{'am' if local.hour < 12 else 'pm'}"


def day_words(moment: datetime) -> str:
    """Saturday 12 December."""
    local = uk(moment)
    return f"{local.strftime('%A')} {local.day} {local.strftime('%B')}"


def when_words(starts_at: datetime, ends_at: datetime) -> str:
    """Saturday 12 December, 10am to 1pm (both days named when it runs over midnight)."""
    if uk_date(starts_at) == uk_date(ends_at):
        return f"{day_words(starts_at)}, {time_words(starts_at)} to {time_words(ends_at)}"
    return (f"{day_words(starts_at)}, {time_words(starts_at)} to "
            f"{day_words(ends_at)}, {time_words(ends_at)}")
