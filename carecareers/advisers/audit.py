"""The audit log: who did what and when, never what a lead said."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from carecareers.models import AuditEvent


def record(session: Session, actor: str, action: str, subject: str | None = None,
           **detail: Any) -> AuditEvent:
    event = AuditEvent(actor=actor, action=action, subject=subject, detail=detail)
    session.add(event)
    return event
