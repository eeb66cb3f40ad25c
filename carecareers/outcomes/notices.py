"""Telling a person when a provider takes up their details or ends it.

A short message when a provider first gets in touch or offers an interview, and a kind
closing one when it is not taken forward or they start work: by email if they gave one,
or in the chat they came through, only when a consent they gave covers that channel. At
most one a day to a person; none for under-16s, after consent is withdrawn, or after
erasure (the lead, its address and its queued messages are gone). The private reason is
never in it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.clock import uk_date, uk_midnight
from carecareers.delivery import CHAT_CHANNELS, Outgoing, address_for, enqueue
from carecareers.forms.validation import MIN_AGE_TO_CONSENT
from carecareers.models import Lead, OutboxMessage, Provider
from carecareers.outcomes.recording import ENDED, TAKEN_UP, OutcomeChange

# The outbox kinds of what tells a person about their details (the one-a-day limit and
# erasure cover them all); "overdue" is sent by waiting.py.
KINDS = {"taken_up": "outcome_taken_up", "not_taken_forward": "outcome_not_taken_forward",
         "started": "outcome_started", "overdue": "outcome_overdue"}


def notice_for(change: OutcomeChange) -> str | None:
    """Which notice the change calls for: taken up once, then the end; None for neither."""
    outcome, before = change.route.outcome, change.before
    if outcome in TAKEN_UP and before == "not_contacted":
        return "taken_up"
    if outcome in ENDED and before not in ENDED:
        return outcome
    return None


def queue_outcome_notice(session: Session, change: OutcomeChange,
                         now: datetime) -> bool:
    """Queue the notice the change calls for, if the person may be told; True if queued."""
    notice = notice_for(change)
    lead = change.route.lead
    if notice is None or not may_be_told(lead):
        return False
    target = address_of_lead(session, lead)
    if target is None or told_today(session, target[1], now):
        return False
    organisation = session.get(Provider, change.route.provider_id)
    values = {"first_name": lead.first_name,
              "organisation": organisation.name if organisation else ""}
    enqueue(session, Outgoing(
        channel=target[0], address=target[1], kind=KINDS[notice],
        subject=text(f"notices.outcome.{notice}_subject", **values),
        body=text(f"notices.outcome.{notice}", **values)), now)
    return True


def may_be_told(lead: Lead) -> bool:
    """Not under 16, not withdrawn, and a consent that still stands."""
    under_16 = (lead.age is not None and lead.age < MIN_AGE_TO_CONSENT) \
        or lead.age_band == "under_16"
    return not under_16 and lead.status != "withdrawn" and any(
        c.withdrawn_at is None for c in lead.consents)


def address_of_lead(session: Session, lead: Lead) -> tuple[str, str] | None:
    """Email if they gave one and agreed to it; else the chat they came through."""
    agreed = {channel for c in lead.consents if c.withdrawn_at is None
              for channel in (c.channels or [])}
    if lead.email and "email" in agreed:
        return "email", lead.email
    if lead.channel in CHAT_CHANNELS and lead.channel in agreed:
        chat = address_for(session, lead.sender_id, lead.channel)
        return (lead.channel, chat) if chat else None
    return None


def told_today(session: Session, address: str, now: datetime) -> bool:
    since = uk_midnight(uk_date(now))
    return bool(session.scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.address == address, OutboxMessage.kind.in_(KINDS.values()),
        OutboxMessage.created_at >= since)))
