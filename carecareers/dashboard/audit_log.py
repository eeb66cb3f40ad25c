"""The audit log as admins read it: newest first, filtered by action."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.models import AuditEvent

PER_PAGE = 50


@dataclass
class AuditPage:
    events: list[AuditEvent]
    total: int
    page: int
    per_page: int
    actions: list[str]

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def audit_page(session: Session, action: str | None = None, page: int = 1,
               per_page: int = PER_PAGE) -> AuditPage:
    where = [AuditEvent.action == action] if action else []
    total = session.scalar(select(func.count()).select_from(AuditEvent).where(*where)) or 0
    page = min(max(1, page), max(1, -(-total // per_page)))
    events = list(session.scalars(
        select(AuditEvent).where(*where).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        .limit(per_page).offset((page - 1) * per_page)))
    actions = list(session.scalars(select(AuditEvent.action).distinct()
                                   .order_by(AuditEvent.action)))
    return AuditPage(events, total, page, per_page, actions)
