"""Write to a lead, take their replies, close the conversation, count what is unread."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import ColumnElement, exists, func, select, update
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.advisers.scope import visible_to
from carecareers.delivery.outbox import is_suppressed
from carecareers.models import Adviser, AdviserThread, Lead, ThreadMessage
from carecareers.threads import web
from carecareers.threads.errors import NotAllowed
from carecareers.threads.rules import (
    author_for,
    came_through_web,
    chat_address,
    check_rate,
    check_text,
    refusal,
)


def send_message(session: Session, lead: Lead, adviser: Adviser, text: str,
                 staff_organisation: str, now: datetime) -> ThreadMessage:
    """Queue a message from this account to the person, opening the thread.

    Raises NotAllowed, BadMessage or TooManyMessages. The bot sends it to the chat the
    person writes from (threads/delivery.py); a web chat visitor sees it the next time
    their browser opens the chat, and gets it by email if they chose email (threads/web.py).
    """
    reason = refusal(session, lead, adviser)
    if reason is not None:
        raise NotAllowed(reason)
    text = check_text(text)
    check_rate(session, lead, adviser, now)
    thread = _open_thread(session, lead, now)
    author = author_for(session, adviser, staff_organisation)
    on_web = came_through_web(lead)
    chat = None if on_web else chat_address(session, lead)
    blocked = chat is not None and is_suppressed(session, lead.channel, chat)
    state = web.WAITING if on_web else "blocked" if blocked else "pending"
    message = ThreadMessage(
        direction="to_person", adviser_id=adviser.id, provider_id=author.provider_id,
        sender_name=author.name, organisation=author.organisation, text=text,
        state=state, attempts=0, next_attempt_at=now,
        created_at=now, last_error="the bot was blocked" if blocked else None)
    thread.messages.append(message)
    thread.last_message_at = now
    session.flush()
    if on_web:
        web.queue_email(session, lead, message, now)
    audit.record(session, adviser.email, "thread.message_written", f"lead:{lead.id}",
                 message=message.id, characters=len(text))
    return message


def _open_thread(session: Session, lead: Lead, now: datetime) -> AdviserThread:
    thread = lead.thread
    if thread is None:
        thread = AdviserThread(lead_id=lead.id, status="open", opened_at=now,
                               last_message_at=now)
        session.add(thread)
        lead.thread = thread
    elif thread.status != "open":
        thread.status, thread.opened_at, thread.closed_at, thread.closed_by = (
            "open", now, None, None)
    return thread


def open_thread_for_sender(session: Session, sender_id: str) -> AdviserThread | None:
    """The open adviser conversation of this chat's lead, if there is one."""
    return session.scalar(select(AdviserThread).join(Lead).where(*_open_for(sender_id)))


def has_open_thread(sender_id: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL: this chat's lead has an open adviser conversation (`open_thread_for_sender`)."""
    return exists().where(AdviserThread.lead_id == Lead.id, *_open_for(sender_id))


def _open_for(sender_id: str | ColumnElement[str]) -> tuple[ColumnElement[bool], ...]:
    return Lead.sender_id == sender_id, AdviserThread.status == "open"


def record_reply(session: Session, sender_id: str, text: str,
                 now: datetime) -> ThreadMessage | None:
    """Add what the person wrote to their open thread; None when no thread is open."""
    thread = open_thread_for_sender(session, sender_id)
    cleaned = text.strip()
    if thread is None or not cleaned:
        return None
    message = ThreadMessage(direction="from_person", text=cleaned[:4000], state="received",
                            attempts=0, next_attempt_at=now, created_at=now)
    thread.messages.append(message)
    thread.last_message_at = now
    session.execute(update(Lead).where(Lead.id == thread.lead_id)
                    .values(last_activity_at=now))
    session.flush()
    return message


def close_thread(session: Session, sender_id: str, by: str,
                 now: datetime) -> bool:
    """End the person's open adviser conversation; False if none was open."""
    thread = open_thread_for_sender(session, sender_id)
    if thread is None:
        return False
    thread.status, thread.closed_at, thread.closed_by = "closed", now, by
    audit.record(session, "person", "thread.closed", f"lead:{thread.lead_id}", by=by)
    return True


def thread_view(session: Session, lead: Lead) -> list[ThreadMessage]:
    """The lead's thread, oldest first (newest last)."""
    if lead.thread is None:
        return []
    return list(session.scalars(select(ThreadMessage).where(
        ThreadMessage.thread_id == lead.thread.id).order_by(ThreadMessage.created_at,
                                                            ThreadMessage.id)))


def mark_read(session: Session, lead: Lead, now: datetime) -> int:
    """Mark the person's replies as read now that an adviser has opened the lead."""
    if lead.thread is None:
        return 0
    result = session.execute(update(ThreadMessage).where(
        ThreadMessage.thread_id == lead.thread.id, ThreadMessage.direction == "from_person",
        ThreadMessage.read_at.is_(None)).values(read_at=now))
    return int(result.rowcount or 0)


def _unread(adviser: Adviser):  # type: ignore[no-untyped-def]
    return (select(AdviserThread.lead_id, func.count(ThreadMessage.id))
            .join(ThreadMessage, ThreadMessage.thread_id == AdviserThread.id)
            .join(Lead, Lead.id == AdviserThread.lead_id)
            .where(ThreadMessage.direction == "from_person", ThreadMessage.read_at.is_(None),
                   visible_to(adviser))
            .group_by(AdviserThread.lead_id))


def unread_by_lead(session: Session, adviser: Adviser,
                   lead_ids: Iterable[int] | None = None) -> dict[int, int]:
    """Unread replies per lead, among the leads this account may see."""
    query = _unread(adviser)
    if lead_ids is not None:
        query = query.where(AdviserThread.lead_id.in_(list(lead_ids)))
    return {lead_id: count for lead_id, count in session.execute(query).tuples()}


def unread_total(session: Session, adviser: Adviser) -> int:
    return sum(unread_by_lead(session, adviser).values())
