"""The day of a conversation, which picks the pay rows and facts in force."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

UK = ZoneInfo("Europe/London")


def conversation_day(
    fixed: date | None,
    sent_at: float | None,
    today: Callable[[], date] = date.today,
) -> date:
    """The day the person sent their message, in the UK.

    `fixed` (the CARECAREERS_TODAY setting, honoured only in development and tests) wins;
    then the message's timestamp (seconds since the epoch); then `today()`.
    """
    if fixed is not None:
        return fixed
    if sent_at is not None:
        try:
            return datetime.fromtimestamp(sent_at, UK).date()
        except (OverflowError, OSError, ValueError):
            pass
    return today()
