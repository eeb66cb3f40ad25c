"""Hand adviser messages to the bot: claim what is due, then record sent, failed or blocked.

The dashboard (any number of web processes) only inserts `pending` rows; the bot process
claims them with a conditional UPDATE, so two drainers never send the same message, and
a claim left behind by a crash is taken again after CLAIM_SECONDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from carecareers.delivery.outbox import suppress
from carecareers.delivery.people import address_of_sender
from carecareers.models import AdviserThread, Lead, ThreadMessage

CLAIM_SECONDS = 120
MAX_ATTEMPTS = 5
FIRST_RETRY_SECONDS = 5.0


@dataclass(frozen=True)
class Delivery:
    message_id: int
    channel: str
    address: str  # the person's chat (carecareers/delivery/people.py)
    sender_name: str
    organisation: str
    text: str
    attempts: int


def claim_due(factory: sessionmaker[Session], now: datetime, channel: str,
              limit: int = 50) -> list[Delivery]:
    """Take the adviser messages due now to people in this channel, each for this process
    alone (each chat channel's front end claims its own).

    Looking is a read-only transaction, so a bot with nothing to send never holds a write
    lock (on SQLite, a dashboard request would otherwise have to wait for it); each claim
    is a transaction that begins with its write.
    """
    with factory() as session:
        rows = session.execute(
            select(ThreadMessage, Lead.channel, address_of_sender(Lead.sender_id, Lead.channel))
            .join(AdviserThread, AdviserThread.id == ThreadMessage.thread_id)
            .join(Lead, Lead.id == AdviserThread.lead_id)
            .where(ThreadMessage.direction == "to_person", Lead.channel == channel,
                   ThreadMessage.state.in_(("pending", "sending")),
                   ThreadMessage.next_attempt_at <= now)
            .order_by(ThreadMessage.id).limit(limit)).tuples().all()
        found = [(Delivery(m.id, channel, address or "", m.sender_name, m.organisation, m.text,
                           m.attempts), m.state, m.next_attempt_at)
                 for m, channel, address in rows]
    return [delivery for delivery, state, due in found
            if delivery.address and _claim(factory, delivery.message_id, state, due, now)]


def _claim(factory: sessionmaker[Session], message_id: int, state: str, due: datetime,
           now: datetime) -> bool:
    with factory() as session, session.begin():
        taken = session.execute(
            update(ThreadMessage)
            .where(ThreadMessage.id == message_id, ThreadMessage.state == state,
                   ThreadMessage.next_attempt_at == due)
            .values(state="sending", next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)))
        return taken.rowcount == 1


def record_sent(factory: sessionmaker[Session], delivery: Delivery,
                now: datetime) -> None:
    with factory() as session, session.begin():
        session.execute(update(ThreadMessage).where(ThreadMessage.id == delivery.message_id)
                        .values(state="sent", sent_at=now, last_error=None,
                                attempts=delivery.attempts + 1))


def record_failure(factory: sessionmaker[Session], delivery: Delivery, reason: str, *,
                   blocked: bool = False, retry: bool = True,
                   now: datetime) -> str:
    """Note a failed send: blocked (stop writing to this chat), retry later, or failed."""
    attempts = delivery.attempts + 1
    values: dict[str, object] = {"attempts": attempts, "last_error": reason[:300]}
    if blocked:
        values["state"] = "blocked"
    elif retry and attempts < MAX_ATTEMPTS:
        values |= {"state": "pending", "next_attempt_at": now + timedelta(
            seconds=FIRST_RETRY_SECONDS * 2 ** (attempts - 1))}
    else:
        values["state"] = "failed"
    with factory() as session, session.begin():
        session.execute(update(ThreadMessage).where(ThreadMessage.id == delivery.message_id)
                        .values(**values))
        if blocked:
            suppress(session, delivery.channel, delivery.address, reason, now)
    return str(values["state"])
