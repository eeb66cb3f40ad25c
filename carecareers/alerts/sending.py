"""One run of `carecareers alerts send`: expire, match and queue, deliver, stop dead addresses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker

from carecareers.alerts.queueing import QueueReport, queue_alerts
from carecareers.alerts.retention import ExpiryReport, expire_alerts, stop_failed_recipients
from carecareers.clock import Clock
from carecareers.delivery import DeliveryReport, RetryPolicy, Sender, deliver_due
from carecareers.settings import Settings


@dataclass(frozen=True)
class SendReport:
    expired: ExpiryReport
    queued: QueueReport
    delivered: DeliveryReport
    recipients_stopped: int

    def as_dict(self) -> dict[str, object]:
        return {"expired_alerts": self.expired.alerts, **self.queued.as_dict(),
                **self.delivered.as_dict(), "recipients_stopped": self.recipients_stopped}


def send_alerts(factory: sessionmaker[Session], settings: Settings,
                senders: Mapping[str, Sender], clock: Clock,
                policy: RetryPolicy = RetryPolicy()) -> SendReport:
    now, today = clock.now(), clock.today()
    with factory() as session, session.begin():
        expired = expire_alerts(session, settings.alert_retention_days, now)
        queued = queue_alerts(session, base_url=settings.public_base_url,
                              min_interval=timedelta(hours=settings.alert_min_interval_hours),
                              now=now, today=today)
    delivered = deliver_due(factory, senders, now=now, policy=policy)
    with factory() as session, session.begin():
        stopped = stop_failed_recipients(session)
    return SendReport(expired, queued, delivered, stopped)
