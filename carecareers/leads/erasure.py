"""Erasure on request, and the retention period enforced."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.db import make_engine
from carecareers.models import Conversation, Lead, UnansweredQuestion
from carecareers.models.base import utcnow

logger = logging.getLogger(__name__)


class ErasureFailed(Exception):
    """Conversation events could not be erased; the lead was not touched by this failure."""


def find_leads(session: Session, *, sender_id: str | None = None, email: str | None = None,
               phone: str | None = None) -> list[Lead]:
    conditions = []
    if sender_id:
        conditions.append(Lead.sender_id == sender_id)
    if email:
        conditions.append(Lead.email == email)
    if phone:
        conditions.append(Lead.phone == phone)
    if not conditions:
        return []
    found: dict[int, Lead] = {}
    for condition in conditions:
        for lead in session.scalars(select(Lead).where(condition)):
            found[lead.id] = lead
    return list(found.values())


def erase_lead(session: Session, lead: Lead, actor: str, via: str) -> None:
    """Delete a lead with its consents, routes and follow-ups; audit only that it happened."""
    session.delete(lead)
    audit.record(session, actor, "lead.erased", None, via=via)


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed: how many leads, and every conversation they came from."""

    leads: int
    senders: frozenset[str]


def erase_person(session: Session, *, actor: str, via: str, sender_id: str | None = None,
                 email: str | None = None, phone: str | None = None) -> Erasure:
    """Erase every lead found by sender, email or phone, and unlink their conversations.

    The one erasure service: the chat (and the bot's /forget) and the CLI all call it.
    Deleting the conversations' events from Rasa's tracker store is the caller's next step,
    once nothing more will be written to them.
    """
    leads = find_leads(session, sender_id=sender_id, email=email, phone=phone)
    senders = {lead.sender_id for lead in leads} | ({sender_id} if sender_id else set())
    for lead in leads:
        erase_lead(session, lead, actor, via=via)
    for sender in senders:
        forget_conversation(session, sender)
    return Erasure(len(leads), frozenset(senders))


def forget_conversation(session: Session, sender_id: str) -> None:
    """Unlink a conversation from its sender, keeping only the anonymous campaign counts."""
    conversation = session.scalar(select(Conversation).where(Conversation.sender_id == sender_id))
    if conversation is not None:
        conversation.sender_id = "erased-" + secrets.token_hex(12)


def erase_conversation_events(tracker_store_url: str, sender_id: str) -> int:
    """Delete every event of one conversation from Rasa's SQL tracker store."""
    return _delete_events(tracker_store_url, "sender_id = :value", sender_id)


def purge_conversation_events(tracker_store_url: str, before: datetime) -> int:
    """Delete the tracker store's events older than `before`."""
    return _delete_events(tracker_store_url, "timestamp < :value", before.timestamp())


def _delete_events(tracker_store_url: str, where: str, value: object) -> int:
    engine = make_engine(tracker_store_url)
    try:
        with engine.begin() as connection:
            if "events" not in _table_names(connection):
                return 0
            result = connection.execute(text(f"DELETE FROM events WHERE {where}"),  # noqa: S608
                                        {"value": value})
            return int(result.rowcount or 0)
    except SQLAlchemyError as exc:
        raise ErasureFailed(f"the tracker store did not answer: {type(exc).__name__}") from exc
    finally:
        engine.dispose()


def _table_names(connection) -> set[str]:  # type: ignore[no-untyped-def]
    from sqlalchemy import inspect

    return set(inspect(connection).get_table_names())


@dataclass(frozen=True)
class PurgeReport:
    leads: int
    unanswered_questions: int
    conversation_events: int


def purge_expired(session: Session, tracker_store_url: str, retention_days: int,
                  now: datetime | None = None) -> PurgeReport:
    """Remove leads inactive for `retention_days`, and older questions and chat events."""
    cutoff = (now or utcnow()) - timedelta(days=retention_days)
    stale = list(session.scalars(select(Lead).where(Lead.last_activity_at < cutoff)))
    for lead in stale:
        session.delete(lead)
    questions = session.execute(
        delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < cutoff))
    if stale:
        audit.record(session, "retention", "lead.erased", None, via="retention",
                     count=len(stale), retention_days=retention_days)
    session.flush()
    events = purge_conversation_events(tracker_store_url, cutoff)
    return PurgeReport(len(stale), int(questions.rowcount or 0), events)
