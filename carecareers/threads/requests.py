"""Asking, in a chat that delivers later, for an adviser to message you there."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.models import Lead


def ask_for_adviser(session: Session, sender_id: str,
                    now: datetime) -> Lead | None:
    """Mark this conversation's lead as asking for a person; None when there is no lead yet.

    Asking for a person, with a standing consent, is what lets an adviser write to them in
    the chat (carecareers/threads/rules.py).
    """
    lead = session.scalar(select(Lead).where(Lead.sender_id == sender_id))
    if lead is None or lead.status == "withdrawn":
        return None
    lead.wants_callback, lead.last_activity_at = True, now
    if lead.status == "closed":
        lead.status = "new"
    audit.record(session, "assistant", "lead.adviser_chat_asked", f"lead:{lead.id}")
    return lead
