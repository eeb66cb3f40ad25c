"""Erasure on request, and the retention period enforced."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.alerts.retention import erase_alerts_for
from carecareers.conversation.tracker_events import (
    purge_conversation_events,
    purge_idle_conversations,
)
from carecareers.delivery.outbox import forget_addresses
from carecareers.events.retention import erase_bookings_for
from carecareers.models import (
    AuditEvent,
    Conversation,
    Lead,
    OutboxMessage,
    UnansweredQuestion,
)
from carecareers.threads.web import EMAIL_KIND as ADVISER_EMAIL_KIND

logger = logging.getLogger(__name__)


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


def _forget_adviser_emails(session: Session, leads: list[Lead]) -> None:
    """Delete the adviser messages emailed to these leads (carecareers/threads/web.py)."""
    emails = sorted({lead.email for lead in leads if lead.email})
    if emails:
        session.execute(delete(OutboxMessage).where(
            OutboxMessage.channel == "email", OutboxMessage.kind == ADVISER_EMAIL_KIND,
            OutboxMessage.address.in_(emails)))


def erase_lead(session: Session, lead: Lead, actor: str, via: str) -> None:
    """Delete a lead with its consents, routes and follow-ups; audit only that it happened."""
    session.delete(lead)
    audit.record(session, actor, "lead.erased", None, via=via)


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed: how many leads, and every conversation they came from."""

    leads: int
    senders: frozenset[str]
    alert_recipients: int = 0
    bookings: int = 0


def erase_person(session: Session, *, actor: str, via: str, sender_id: str | None = None,
                 email: str | None = None, phone: str | None = None) -> Erasure:
    """Erase every lead found by sender, email or phone, and unlink their conversations.

    The one erasure service: the chat (and the bot's /forget) and the CLI all call it.
    Deleting the conversations' events from Rasa's tracker store is the caller's next step,
    once nothing more will be written to them.
    """
    leads = find_leads(session, sender_id=sender_id, email=email, phone=phone)
    senders = {lead.sender_id for lead in leads} | ({sender_id} if sender_id else set())
    # the chats advisers wrote to: their never-send entries and queued messages go too
    forget_addresses(session, "telegram", {lead.telegram_chat_id for lead in leads
                                           if lead.telegram_chat_id})
    _forget_adviser_emails(session, leads)
    for lead in leads:
        erase_lead(session, lead, actor, via=via)
    for sender in senders:
        forget_conversation(session, sender)
    if senders:
        session.execute(delete(UnansweredQuestion).where(
            UnansweredQuestion.sender_id.in_(senders)))
    alerts = erase_alerts_for(session, sender_ids=senders, email=email)
    bookings = erase_bookings_for(session, sender_ids=senders, email=email, phone=phone)
    return Erasure(len(leads), frozenset(senders), alerts, bookings)


def forget_conversation(session: Session, sender_id: str) -> None:
    """Unlink a conversation from its sender, keeping only the anonymous campaign counts."""
    conversation = session.scalar(select(Conversation).where(Conversation.sender_id == sender_id))
    if conversation is not None:
        conversation.sender_id = "erased-" + secrets.token_hex(12)


@dataclass(frozen=True)
class PurgeReport:
    leads: int
    unanswered_questions: int
    conversation_events: int
    conversations: int = 0
    login_records: int = 0


@dataclass(frozen=True)
class Retention:
    """How long things are kept: leads (and what belongs to them), and idle chats."""

    lead_days: int
    tracker_days: int


def purge_expired(session: Session, tracker_store_url: str, retention: Retention,
                  now: datetime) -> PurgeReport:
    """Remove what is past its retention period.

    Leads inactive for `lead_days`, with their consents, routes and follow-ups; questions
    and audit records of login attempts (which hold typed email addresses) as old; the
    sender ids of conversations as old (the anonymous counts stay for the campaign
    funnel); all tracker events as old; and the events of conversations that never
    became a lead once idle for `tracker_days`.
    """
    cutoff = now - timedelta(days=retention.lead_days)
    leads = _purge_leads(session, cutoff, retention.lead_days)
    questions = session.execute(
        delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < cutoff))
    logins = session.execute(delete(AuditEvent).where(
        AuditEvent.action.like("login.%"), AuditEvent.at < cutoff))
    chats = _unlink_conversations(session, cutoff)
    session.flush()
    events = purge_conversation_events(tracker_store_url, cutoff)
    lead_senders = set(session.scalars(select(Lead.sender_id)))
    events += purge_idle_conversations(
        tracker_store_url, now - timedelta(days=retention.tracker_days), keep=lead_senders)
    return PurgeReport(leads, int(questions.rowcount or 0), events, chats,
                       int(logins.rowcount or 0))


def _purge_leads(session: Session, cutoff: datetime, retention_days: int) -> int:
    stale = list(session.scalars(select(Lead).where(Lead.last_activity_at < cutoff)))
    _forget_adviser_emails(session, stale)
    for lead in stale:
        session.delete(lead)
    if stale:
        audit.record(session, "retention", "lead.erased", None, via="retention",
                     count=len(stale), retention_days=retention_days)
    return len(stale)


def _unlink_conversations(session: Session, cutoff: datetime) -> int:
    """Keep old conversations only as anonymous counts for their campaign."""
    old = list(session.scalars(select(Conversation).where(
        Conversation.last_message_at < cutoff, ~Conversation.sender_id.like("erased-%"))))
    for conversation in old:
        conversation.sender_id = "erased-" + secrets.token_hex(12)
    return len(old)
