"""Adviser conversations in the centre: what advisers queued for a person goes with them,
and what the person types while a thread is open goes to it (threads/replies.py).

A thread and its messages belong to a lead and go when it does; what this topic erases is
the adviser messages emailed to the lead. (What was queued for the chat advisers wrote to
goes with the person's addresses, `delivery.forget_person`.)
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from carecareers.models import Lead, OutboxMessage
from carecareers.threads.messages import has_open_thread
from carecareers.threads.replies import BACK_TO_ASSISTANT, END_THREAD, take_turn
from carecareers.threads.web import EMAIL_KIND
from carecareers.topics import Counts, Person, Retention, Topic, register


def erase(session: Session, person: Person) -> Counts:
    """Forget the outbox entries for the leads of these conversations."""
    if not person.sender_ids:
        return {}
    of_person = Lead.sender_id.in_(sorted(person.sender_ids))
    return {"adviser_emails": _forget_emails(session, of_person)}


def purge(session: Session, now: datetime, retention: Retention) -> Counts:
    """Forget the adviser emails to the leads the centre is about to purge."""
    stale = Lead.last_activity_at < retention.cutoff("lead", now)
    return {"adviser_emails": _forget_emails(session, stale)}


def _forget_emails(session: Session, leads: ColumnElement[bool]) -> int:
    emails = sorted({e for e in session.scalars(select(Lead.email).where(leads)) if e})
    if not emails:
        return 0
    result = session.execute(delete(OutboxMessage).where(
        OutboxMessage.channel == "email", OutboxMessage.kind == EMAIL_KIND,
        OutboxMessage.address.in_(emails)))
    return int(result.rowcount or 0)


TOPIC = register(Topic("threads", erase=erase, purge=purge, takes_turn=take_turn,
                       awaits=has_open_thread,
                       turn_payloads=frozenset({BACK_TO_ASSISTANT, END_THREAD})))
