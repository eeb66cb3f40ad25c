"""Telling a person when a provider takes up their details or ends it.

A short message when a provider first gets in touch or offers an interview, and a kind
closing one when it is not taken forward or they start work: by email if they gave one,
or in the chat they came through, only when a consent they gave covers that channel. At
most one a day to a person; none for under-16s, after consent is withdrawn, or after
erasure (the lead, its address and its queued messages are gone): a second one the same
day waits for the next (`due_at`). The private reason is never in it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.clock import as_utc, uk_date, uk_midnight
from carecareers.delivery import CHAT_CHANNELS, Outgoing, address_for, enqueue
from carecareers.forms.validation import MIN_AGE_TO_CONSENT
from carecareers.models import Lead, OutboxMessage, Provider
from carecareers.outcomes.recording import ENDED, TAKEN_UP, OutcomeChange

# The outbox kinds of what tells a person about their details (the one-a-day limit and
# erasure cover them all); "overdue" is sent by waiting.py.
SEND_AT = timedelta(hours=9)  # a message that waits for a later day goes at 9am UK time
LOOK_BACK = timedelta(days=30)
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
    if target is None:
        return False
    organisation = session.get(Provider, change.route.provider_id)
    values = {"first_name": lead.first_name,
              "organisation": organisation.name if organisation else ""}
    queue_to_person(session, target, notice, text(f"notices.outcome.{notice}_subject", **values),
                    text(f"notices.outcome.{notice}", **values), now)
    return True


def queue_to_person(session: Session, target: tuple[str, str], notice: str, subject: str,
                    body: str, now: datetime) -> None:
    """Queue one message about their details, due on the first day that has none yet."""
    due = due_at(session, target[1], now)
    message = enqueue(session, Outgoing(channel=target[0], address=target[1],
                                        kind=KINDS[notice], subject=subject, body=body), now)
    message.next_attempt_at = due
    session.flush()


def due_at(session: Session, address: str, now: datetime) -> datetime:
    """Now, or SEND_AT on the first later UK day with no message about their details to
    this address: at most one a day, and a later one waits rather than being lost."""
    taken = {uk_date(max(as_utc(created), as_utc(due))) for created, due in session.execute(
        select(OutboxMessage.created_at, OutboxMessage.next_attempt_at).where(
            OutboxMessage.address == address, OutboxMessage.kind.in_(KINDS.values()),
            OutboxMessage.created_at >= now - LOOK_BACK)).tuples()}
    day = uk_date(now)
    if day not in taken:
        return now
    while day in taken:
        day += timedelta(days=1)
    return uk_midnight(day) + SEND_AT


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
