"""The outbox: messages queued in the caller's transaction, and addresses never to use again."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from carecareers.channels import chat_channels
from carecareers.models import OutboxMessage, SuppressedAddress

CHAT_CHANNELS = chat_channels()
"""Channels that reach a person in the chat they write from, at their noted address
(delivery/people.py); the topics ask for it when they queue. Read from content/channels.yml."""
CHANNELS = ("email", *CHAT_CHANNELS)


@dataclass(frozen=True)
class Outgoing:
    """A message to queue; for a chat channel, rows of buttons ({text, url|callback_data})."""

    channel: str
    address: str
    kind: str
    body: str
    subject: str = ""
    buttons: list[list[dict[str, str]]] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def enqueue(session: Session, outgoing: Outgoing, now: datetime) -> OutboxMessage:
    """Queue a message; one to a suppressed address is recorded as failed at once."""
    if outgoing.channel not in CHANNELS:
        raise ValueError(f"unknown channel {outgoing.channel!r}")
    message = OutboxMessage(
        channel=outgoing.channel, address=outgoing.address, kind=outgoing.kind,
        subject=outgoing.subject, body=outgoing.body, buttons=outgoing.buttons,
        headers=outgoing.headers, status="pending", next_attempt_at=now, created_at=now)
    if is_suppressed(session, outgoing.channel, outgoing.address):
        message.status, message.last_error = "failed", "address suppressed"
    session.add(message)
    return message


def enqueue_many(session: Session, messages: Iterable[Outgoing],
                 now: datetime) -> list[int]:
    """Queue many messages in a few statements; return their ids, in order."""
    pending = list(messages)
    if not pending:
        return []
    dead = suppressed_among(session, {(m.channel, m.address) for m in pending})
    rows = [{
        "channel": m.channel, "address": m.address, "kind": m.kind, "subject": m.subject,
        "body": m.body, "buttons": m.buttons, "headers": m.headers, "attempts": 0,
        "created_at": now, "next_attempt_at": now,
        "status": "failed" if (m.channel, m.address) in dead else "pending",
        "last_error": "address suppressed" if (m.channel, m.address) in dead else None,
    } for m in pending]
    statement = insert(OutboxMessage).returning(OutboxMessage.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def is_suppressed(session: Session, channel: str, address: str) -> bool:
    return bool(suppressed_among(session, {(channel, address)}))


def suppressed_among(session: Session, pairs: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Return which (channel, address) pairs are suppressed."""
    found: set[tuple[str, str]] = set()
    addresses = sorted({address for _, address in pairs})
    for start in range(0, len(addresses), 500):
        rows = session.execute(
            select(SuppressedAddress.channel, SuppressedAddress.address)
            .where(SuppressedAddress.address.in_(addresses[start:start + 500])))
        found.update((row[0], row[1]) for row in rows if (row[0], row[1]) in pairs)
    return found


def suppress(session: Session, channel: str, address: str, reason: str,
             now: datetime) -> None:
    """Never send to this address again, and fail what is still queued for it."""
    if not is_suppressed(session, channel, address):
        session.add(SuppressedAddress(channel=channel, address=address, reason=reason[:300],
                                      suppressed_at=now))
    for message in session.scalars(select(OutboxMessage).where(
            OutboxMessage.channel == channel, OutboxMessage.address == address,
            OutboxMessage.status.in_(("pending", "sending")))):
        message.status, message.last_error = "failed", "address suppressed"
    session.flush()


def forget_addresses(session: Session, channel: str, addresses: Iterable[str]) -> int:
    """Erase every message and suppression for these addresses; return the messages deleted."""
    chosen = sorted(set(addresses))
    if not chosen:
        return 0
    deleted = session.execute(delete(OutboxMessage).where(
        OutboxMessage.channel == channel, OutboxMessage.address.in_(chosen)))
    session.execute(delete(SuppressedAddress).where(
        SuppressedAddress.channel == channel, SuppressedAddress.address.in_(chosen)))
    return int(deleted.rowcount or 0)


def purge_outbox(session: Session, before: datetime) -> int:
    """Delete sent and failed messages created before `before` (the delivery log's retention)."""
    result = session.execute(delete(OutboxMessage).where(
        OutboxMessage.created_at < before, OutboxMessage.status.in_(("sent", "failed"))))
    return int(result.rowcount or 0)
