"""Telling a person when a provider takes up their details or ends it.

A short message when a provider first gets in touch or offers an interview, and a kind
closing one when it is not taken forward or they start work: by email if they gave one,
or in the chat they came through, only when a consent they gave covers that channel. At
most one a day to a person; none for under-16s, after consent is withdrawn, or after
erasure (the lead, its address and its queued messages are gone): a second one the same
day waits for the next (`due_at`). The private reason is never in it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.clock import as_utc, uk_date, uk_midnight
from carecareers.delivery import CHAT_CHANNELS, Outgoing, address_for, enqueue_many
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
    queue_many_to_people(session, [Outgoing(channel=target[0], address=target[1],
                                            kind=KINDS[notice], subject=subject, body=body)],
                         now)


def queue_many_to_people(session: Session, messages: list[Outgoing], now: datetime) -> None:
    """Queue messages about people's details, each due on the first UK day with none yet to
    its address: now, or SEND_AT on a later day. At most one a day; a later one waits
    rather than being lost."""
    taken = days_taken(session, {m.address for m in messages}, now)
    due: dict[datetime, list[int]] = {}
    for message, message_id in zip(messages, enqueue_many(session, messages, now), strict=True):
        days = taken.setdefault(message.address, set())
        day = uk_date(now)
        while day in days:
            day += timedelta(days=1)
        days.add(day)
        if day != uk_date(now):
            due.setdefault(uk_midnight(day) + SEND_AT, []).append(message_id)
    for at, ids in due.items():
        for start in range(0, len(ids), 1000):
            session.execute(update(OutboxMessage)
                            .where(OutboxMessage.id.in_(ids[start:start + 1000]))
                            .values(next_attempt_at=at)
                            .execution_options(synchronize_session=False))


def days_taken(session: Session, addresses: set[str], now: datetime) -> dict[str, set[date]]:
    """For each address, the UK days that already have a message about their details."""
    taken: dict[str, set[date]] = {}
    chosen = sorted(addresses)
    for start in range(0, len(chosen), 1000):
        for address, created, due in session.execute(
                select(OutboxMessage.address, OutboxMessage.created_at,
                       OutboxMessage.next_attempt_at).where(
                    OutboxMessage.address.in_(chosen[start:start + 1000]),
                    OutboxMessage.kind.in_(KINDS.values()),
                    OutboxMessage.created_at >= now - LOOK_BACK)).tuples():
            taken.setdefault(address, set()).add(uk_date(max(as_utc(created), as_utc(due))))
    return taken


def may_be_told(lead: Lead) -> bool:
    """Not under 16, not withdrawn, and a consent that still stands."""
    return not is_under_16(lead.age, lead.age_band) and lead.status != "withdrawn" and any(
        c.withdrawn_at is None for c in lead.consents)


def is_under_16(age: int | None, age_band: str | None) -> bool:
    return (age is not None and age < MIN_AGE_TO_CONSENT) or age_band == "under_16"


def address_of_lead(session: Session, lead: Lead) -> tuple[str, str] | None:
    """Email if they gave one and agreed to it; else the chat they came through."""
    agreed = {channel for c in lead.consents if c.withdrawn_at is None
              for channel in (c.channels or [])}
    chat = address_for(session, lead.sender_id, lead.channel) \
        if lead.channel in CHAT_CHANNELS else None
    return reachable_at(lead.email, lead.channel, chat, agreed)


def reachable_at(email: str | None, channel: str, chat: str | None,
                 agreed: set[str]) -> tuple[str, str] | None:
    """(channel, address) to tell a person at: their email if they agreed to email, else
    the chat they came through if they agreed to be contacted there; None otherwise."""
    if email and "email" in agreed:
        return "email", email
    if channel in CHAT_CHANNELS and channel in agreed and chat:
        return channel, chat
    return None
