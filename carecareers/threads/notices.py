"""Email the advisers of a conversation when the person replies (through the outbox).

The email names no one and quotes nothing: it says there is a reply and links the lead
page, where the adviser logs in to read it. At most one notice per adviser and lead in
NOTICE_EVERY, so a person writing several short messages sends one email.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.delivery.outbox import Outgoing, enqueue
from carecareers.models import Adviser, OutboxMessage, ThreadMessage

KIND = "thread_reply_notice"
LEAD_HEADER = "X-Care-Careers-Lead"
NOTICE_EVERY = timedelta(hours=1)


def notify_advisers(session: Session, reply: ThreadMessage, dashboard_url: str,
                    now: datetime) -> int:
    """Queue a notice to each active account that wrote in this thread; return how many."""
    lead_id = reply.thread.lead_id
    link = f"{dashboard_url.rstrip('/')}/advisers/leads/{lead_id}"
    writers = session.scalars(select(Adviser).join(
        ThreadMessage, ThreadMessage.adviser_id == Adviser.id).where(
        ThreadMessage.thread_id == reply.thread_id, Adviser.active.is_(True)).distinct())
    queued = 0
    for adviser in writers:
        if _recently_told(session, adviser.email, lead_id, now):
            continue
        enqueue(session, Outgoing(channel="email", address=adviser.email, kind=KIND,
                                  subject=text("emails.thread_reply_notice.subject"),
                                  body=text("emails.thread_reply_notice.body", link=link),
                                  headers={LEAD_HEADER: str(lead_id)}), now)
        queued += 1
    return queued


def _recently_told(session: Session, address: str, lead_id: int, now: datetime) -> bool:
    recent = session.scalars(select(OutboxMessage.headers).where(
        OutboxMessage.channel == "email", OutboxMessage.address == address,
        OutboxMessage.kind == KIND, OutboxMessage.created_at >= now - NOTICE_EVERY))
    return any((headers or {}).get(LEAD_HEADER) == str(lead_id) for headers in recent)
