"""What advisers see of alerts: how many are active, by area and role, and nothing personal."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.models import AlertRecipient, JobAlert


@dataclass(frozen=True)
class AlertCount:
    area: str
    role: str
    apprenticeships_only: bool
    count: int


def active_alert_counts(session: Session) -> list[AlertCount]:
    """Active alerts grouped by postcode district (or town) and role, most first."""
    area = func.coalesce(JobAlert.outcode, JobAlert.place, "")
    rows = session.execute(
        select(area, JobAlert.role_code, JobAlert.apprenticeships_only, func.count())
        .join(AlertRecipient, AlertRecipient.id == JobAlert.recipient_id)
        .where(JobAlert.status == "active", AlertRecipient.status == "active")
        .group_by(area, JobAlert.role_code, JobAlert.apprenticeships_only))
    counts = [AlertCount(r[0] or "anywhere", r[1] or "any role", bool(r[2]), int(r[3]))
              for r in rows]
    return sorted(counts, key=lambda c: (-c.count, c.area, c.role))
