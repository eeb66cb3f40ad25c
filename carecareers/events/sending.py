"""The reminder run: queue the day-before reminders, then deliver what the outbox holds."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker

from carecareers.clock import Clock
from carecareers.delivery import DeliveryReport, Sender, deliver_due
from carecareers.events.notices import queue_reminders


@dataclass(frozen=True)
class ReminderReport:
    queued: int
    delivered: DeliveryReport

    def as_dict(self) -> dict[str, object]:
        return {"reminders_queued": self.queued, **self.delivered.as_dict()}


def send_reminders(factory: sessionmaker[Session], base_url: str,
                   senders: Mapping[str, Sender], clock: Clock,
                   ) -> ReminderReport:
    """Queue tomorrow's reminders and send every due message (change notices too)."""
    now = clock.now()
    with factory() as session, session.begin():
        queued = queue_reminders(session, base_url, now, clock.today())
    return ReminderReport(queued, deliver_due(factory, senders, now=now))
