"""Erasure on request, and the retention period enforced: the centre every topic plugs into.

Each registered topic (`carecareers/topics.py`) erases what it holds of the person, and purges
what is past its period, before the leads go (a topic may look a lead up to find what is
its); then the leads themselves, the conversations' links to them, and Rasa's events.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.campaigns.service import ERASED, forget_conversation, unlinked_sender
from carecareers.conversation.tracker_events import (
    purge_conversation_events,
    purge_idle_conversations,
)
from carecareers.delivery.people import forget_idle_people, forget_person
from carecareers.models import AuditEvent, Conversation, Lead, UnansweredQuestion
from carecareers.topics import Person, Retention, installed, kept_people

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


def erase_lead(session: Session, lead: Lead, actor: str, via: str) -> None:
    """Delete a lead with its consents, routes and follow-ups; audit only that it happened."""
    session.delete(lead)
    audit.record(session, actor, "lead.erased", None, via=via)


@dataclass(frozen=True)
class Erasure:
    """What an erasure removed: how many leads, every conversation they came from, and how
    many of each thing the topics erased ({"event_bookings": 1, ...})."""

    leads: int
    senders: frozenset[str]
    erased: Mapping[str, int] = field(default_factory=dict)

    @property
    def found_anything(self) -> bool:
        """Whether the person had left any details: a lead, or anything a topic held."""
        return bool(self.leads or any(self.erased.values()))


def erase_person(session: Session, *, actor: str, via: str, sender_id: str | None = None,
                 email: str | None = None, phone: str | None = None) -> Erasure:
    """Erase every lead found by sender, email or phone, and unlink their conversations.

    The one erasure service: the chat (and the bot's /forget) and the CLI all call it.
    Deleting the conversations' events from Rasa's tracker store is the caller's next step,
    once nothing more will be written to them.
    """
    leads = find_leads(session, sender_id=sender_id, email=email, phone=phone)
    senders = {lead.sender_id for lead in leads} | ({sender_id} if sender_id else set())
    person = Person(frozenset(senders), email=email, phone=phone)
    erased: dict[str, int] = {}
    for topic in installed():
        if topic.erase is not None:
            erased.update(topic.erase(session, person))
    forget_person(session, senders)  # how they can be reached, and what was queued there
    for lead in leads:
        erase_lead(session, lead, actor, via=via)
    for sender in senders:
        forget_conversation(session, sender)
    if senders:
        session.execute(delete(UnansweredQuestion).where(
            UnansweredQuestion.sender_id.in_(senders)))
    return Erasure(len(leads), frozenset(senders), erased)


@dataclass(frozen=True)
class PurgeReport:
    leads: int
    unanswered_questions: int
    conversation_events: int
    conversations: int = 0
    login_records: int = 0
    purged: Mapping[str, int] = field(default_factory=dict)


def purge_expired(session: Session, tracker_store_url: str, retention: Retention,
                  now: datetime) -> PurgeReport:
    """Remove what is past its retention period.

    What each topic keeps, past the topic's own period; leads inactive for the "lead"
    period, with their consents, routes and follow-ups; questions and audit records of login
    attempts (which hold typed email addresses) as old; the sender ids of conversations as
    old (the anonymous counts stay for the campaign funnel); all tracker events as old; and
    the events of conversations that never became a lead once idle for the "tracker" period,
    as the chat addresses of people silent as long whom no topic keeps a record of.
    """
    purged: dict[str, int] = {}
    for topic in installed():
        if topic.purge is not None:
            purged.update(topic.purge(session, now, retention))
    cutoff = retention.cutoff("lead", now)
    leads = _purge_leads(session, cutoff, retention.days["lead"])
    questions = session.execute(
        delete(UnansweredQuestion).where(UnansweredQuestion.asked_at < cutoff))
    logins = session.execute(delete(AuditEvent).where(
        AuditEvent.action.like("login.%"), AuditEvent.at < cutoff))
    chats = _unlink_conversations(session, cutoff)
    purged["chat_addresses_forgotten"] = forget_idle_people(
        session, retention.cutoff("tracker", now), keep=kept_people())
    session.flush()
    events = purge_conversation_events(tracker_store_url, cutoff)
    lead_senders = set(session.scalars(select(Lead.sender_id)))
    events += purge_idle_conversations(
        tracker_store_url, retention.cutoff("tracker", now), keep=lead_senders)
    return PurgeReport(leads, int(questions.rowcount or 0), events, chats,
                       int(logins.rowcount or 0), purged)


def _purge_leads(session: Session, cutoff: datetime, retention_days: int) -> int:
    stale = list(session.scalars(select(Lead).where(Lead.last_activity_at < cutoff)))
    for lead in stale:
        session.delete(lead)
    if stale:
        audit.record(session, "retention", "lead.erased", None, via="retention",
                     count=len(stale), retention_days=retention_days)
    return len(stale)


def _unlink_conversations(session: Session, cutoff: datetime) -> int:
    """Keep old conversations only as anonymous counts for their campaign."""
    old = list(session.scalars(select(Conversation).where(
        Conversation.last_message_at < cutoff, ~Conversation.sender_id.like(f"{ERASED}%"))))
    for conversation in old:
        conversation.sender_id = unlinked_sender()
    return len(old)
