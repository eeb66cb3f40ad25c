"""Deliver due outbox messages: claim each, send it, record the outcome; back off on failure.

Each message gets its own short transactions (claim, then outcome), so a crash never
sends a message twice in quick succession: a claimed message is tried again only after
CLAIM_SECONDS. Delivery is therefore at least once, and exactly once unless the process
dies between the send and the outcome's commit.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from carecareers.delivery.errors import AddressDead, DeliveryFailed, TryLater
from carecareers.delivery.outbox import suppress
from carecareers.models import OutboxMessage

logger = logging.getLogger(__name__)

CLAIM_SECONDS = 600


class Sender(Protocol):
    channel: str

    def send(self, message: OutboxMessage) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff: first_delay, doubling, at most max_delay, up to max_attempts."""

    first_delay_seconds: float = 60.0
    max_delay_seconds: float = 6 * 3600.0
    max_attempts: int = 8

    def delay(self, attempts: int) -> timedelta:
        seconds = self.first_delay_seconds * 2 ** max(0, attempts - 1)
        return timedelta(seconds=min(seconds, self.max_delay_seconds))


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    suppressed: int = 0
    waiting: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"sent": self.sent, "retrying": self.retrying, "failed": self.failed,
                "addresses_stopped": self.suppressed, "no_sender_configured": self.waiting}


def due_ids(session: Session, now: datetime, limit: int) -> list[int]:
    return list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.status.in_(("pending", "sending")),
               OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(limit)))


def deliver_due(factory: sessionmaker[Session], senders: Mapping[str, Sender],
                now: datetime, limit: int = 1000,
                policy: RetryPolicy = RetryPolicy()) -> DeliveryReport:
    """Send up to `limit` due messages through the sender of their channel."""
    report = DeliveryReport()
    with factory() as session:
        ids = due_ids(session, now, limit)
    for message_id in ids:
        message = _claim(factory, message_id, now)
        if message is None:
            continue
        sender = senders.get(message.channel)
        if sender is None:
            report.waiting[message.channel] = report.waiting.get(message.channel, 0) + 1
            _release(factory, message_id, now)
            continue
        _deliver(factory, sender, message, now, policy, report)
    return report


def _claim(factory: sessionmaker[Session], message_id: int,
           now: datetime) -> OutboxMessage | None:
    """Mark a due message as being sent; None if another process took it first."""
    with factory() as session, session.begin():
        claimed = session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == message_id,
                   OutboxMessage.status.in_(("pending", "sending")),
                   OutboxMessage.next_attempt_at <= now)
            .values(status="sending", next_attempt_at=now + timedelta(seconds=CLAIM_SECONDS)))
        if claimed.rowcount != 1:
            return None
        message = session.get(OutboxMessage, message_id)
        if message is not None:
            session.expunge(message)
        return message


def _release(factory: sessionmaker[Session], message_id: int, now: datetime) -> None:
    with factory() as session, session.begin():
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id)
                        .values(status="pending", next_attempt_at=now))


def _deliver(factory: sessionmaker[Session], sender: Sender, message: OutboxMessage,
             now: datetime, policy: RetryPolicy, report: DeliveryReport) -> None:
    try:
        sender.send(message)
    except DeliveryFailed as exc:
        _record_failure(factory, message, exc, now, policy, report)
        return
    with factory() as session, session.begin():
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id).values(
            status="sent", sent_at=now, attempts=message.attempts + 1, last_error=None))
    report.sent += 1


def _record_failure(factory: sessionmaker[Session], message: OutboxMessage,
                    error: DeliveryFailed, now: datetime, policy: RetryPolicy,
                    report: DeliveryReport) -> None:
    attempts = message.attempts + 1
    reason = str(error)[:300]
    logger.warning("message %s (%s, %s) not delivered, attempt %s: %s", message.id,
                   message.channel, message.kind, attempts, reason)
    with factory() as session, session.begin():
        values: dict[str, object] = {"attempts": attempts, "last_error": reason}
        if isinstance(error, TryLater) and attempts < policy.max_attempts:
            wait = policy.delay(attempts)
            if error.after_seconds:
                wait = max(wait, timedelta(seconds=error.after_seconds))
            values |= {"status": "pending", "next_attempt_at": now + wait}
            report.retrying += 1
        else:
            values["status"] = "failed"
            report.failed += 1
        session.execute(update(OutboxMessage).where(OutboxMessage.id == message.id)
                        .values(**values))
        if isinstance(error, AddressDead):
            suppress(session, message.channel, message.address, reason, now)
            report.suppressed += 1
