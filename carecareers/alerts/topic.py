"""Job alerts in the centre: erased with the person, expired after their period, and the
job-alert form's answers blanked out of the tracker when it keeps nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from carecareers.alerts.retention import erase_alerts_for, expire_alerts
from carecareers.delivery import purge_marks
from carecareers.models import AlertRecipient
from carecareers.topics import Counts, Person, Retention, Topic, register


def erase(session: Session, person: Person) -> Counts:
    return {"job_alert_recipients": erase_alerts_for(
        session, sender_ids=person.sender_ids, email=person.email)}


def purge(session: Session, now: datetime, retention: Retention) -> Counts:
    return {"job_alerts_expired": expire_alerts(session, retention.days["alert"], now).alerts,
            "send_marks_expired": purge_marks(session, now)}


TOPIC = register(Topic("alerts", erase=erase, purge=purge,
                       form_starts=("action_start_job_alert",), form_slots=("alert_",),
                       people=(AlertRecipient.sender_id,)))
