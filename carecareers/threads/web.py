"""Adviser messages to web chat visitors: shown in their browser's next chat, and emailed.

A web chat visitor has no chat we can push to. A message to them waits (state `waiting`)
until the same browser (its signed chat cookie holds their sender id) opens the chat; then
it is shown once and marked `seen`. If they gave an email address and agreed to be
contacted by email, a copy is queued in the outbox too (sent by `carecareers alerts send`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.delivery.outbox import Outgoing, enqueue
from carecareers.models import AdviserThread, Lead, OutboxMessage, ThreadMessage
from carecareers.threads.rules import agreed_to_email

WAITING = "waiting"
SEEN = "seen"
EMAIL_KIND = "adviser_message"
MESSAGE_HEADER = "X-Care-Careers-Thread-Message"


@dataclass(frozen=True)
class Shown:
    """An adviser's message, as the web chat shows it: who wrote, and what."""

    name: str
    organisation: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"from": "adviser", "text": self.text,
                "by": text("web.chat.adviser_by", name=self.name, organisation=self.organisation)}


def queue_email(session: Session, lead: Lead, message: ThreadMessage,
                now: datetime) -> OutboxMessage | None:
    """Queue the message by email when the person chose email and agreed; else None."""
    if not agreed_to_email(lead) or not lead.email:
        return None
    return enqueue(session, Outgoing(
        channel="email", address=lead.email, kind=EMAIL_KIND,
        subject=text("emails.adviser_message.subject", name=message.sender_name,
                     organisation=message.organisation),
        body=text("emails.adviser_message.body", first_name=lead.first_name,
                  name=message.sender_name, organisation=message.organisation,
                  text=message.text),
        headers={MESSAGE_HEADER: str(message.id)}), now)


def _waiting(sender_id: str) -> Select[tuple[ThreadMessage]]:
    """Messages to this conversation not shown yet (not to a person who withdrew consent)."""
    return (select(ThreadMessage).join(AdviserThread)
            .join(Lead, Lead.id == AdviserThread.lead_id)
            .where(Lead.sender_id == sender_id, Lead.status != "withdrawn",
                   ThreadMessage.direction == "to_person", ThreadMessage.state == WAITING))


def has_unseen(session: Session, sender_id: str) -> bool:
    """Whether an adviser message waits for this conversation (nothing is marked seen)."""
    return session.scalar(_waiting(sender_id).limit(1)) is not None


def take_unseen(session: Session, sender_id: str, now: datetime) -> list[Shown]:
    """The adviser messages this browser has not seen yet, marked seen (each shown once).

    Each is taken with a conditional UPDATE, so two tabs opening at once never both show it.
    A person who withdrew their consent is not shown what was waiting.
    """
    waiting = session.scalars(
        _waiting(sender_id).order_by(ThreadMessage.created_at, ThreadMessage.id)).all()
    shown = []
    for message in waiting:
        taken = session.execute(
            update(ThreadMessage)
            .where(ThreadMessage.id == message.id, ThreadMessage.state == WAITING)
            .values(state=SEEN, sent_at=now, attempts=ThreadMessage.attempts + 1)
            .execution_options(synchronize_session=False))
        if taken.rowcount == 1:
            shown.append(Shown(message.sender_name, message.organisation, message.text))
    return shown


def email_states(session: Session, lead: Lead) -> dict[int, str]:
    """The email copy's outbox status for each of this lead's messages that has one."""
    if not lead.email or lead.thread is None:
        return {}
    rows = session.execute(select(OutboxMessage.headers, OutboxMessage.status).where(
        OutboxMessage.channel == "email", OutboxMessage.address == lead.email,
        OutboxMessage.kind == EMAIL_KIND)).tuples()
    states: dict[int, str] = {}
    for headers, status in rows:
        message_id = (headers or {}).get(MESSAGE_HEADER, "")
        if message_id.isdigit():
            states[int(message_id)] = status
    return states
