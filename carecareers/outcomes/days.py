"""Working days, and whether a route has waited too long for a first contact."""

from __future__ import annotations

from datetime import date, timedelta

from carecareers.clock import uk_date
from carecareers.models import LeadRoute


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end` (0 when end <= start)."""
    if end <= start:
        return 0
    weeks, extra = divmod((end - start).days, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    return count


def waiting_state(route: LeadRoute, today: date, contact_days: int) -> str | None:
    """"waiting" or "overdue" for a route nobody has followed up in time; else None."""
    if route.lead.status == "withdrawn":
        return None
    return waited_state(route.outcome, uk_date(route.routed_at), today, contact_days)


def waited_state(outcome: str, routed_on: date, today: date, contact_days: int) -> str | None:
    """`waiting_state` from a route's outcome and the UK day it was passed on."""
    if outcome != "not_contacted":
        return None
    waited = working_days_between(routed_on, today)
    if waited >= 2 * contact_days:
        return "overdue"
    return "waiting" if waited >= contact_days else None
