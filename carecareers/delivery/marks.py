"""Marks of what was sent where, kept without the address: a keyed digest, for a day.

Some limits are per address: one job-alert confirmation email a day, because anyone can
type anyone's address. Erasing the person who typed it must not reset the limit (erase,
ask again, and the address gets a second email), yet the address itself is erased. So the
mark keeps an HMAC of the address under the product's secret key: it cannot be turned back
into the address, it only says "this one again". Marks go after a day (`purge_marks`).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from carecareers.models import SendMark

MARK_KEPT_FOR = timedelta(days=1)


def _digest(key: str, purpose: str, address: str) -> str:
    message = f"{purpose}\n{address.strip().lower()}".encode()
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


def mark_sent(session: Session, key: str, purpose: str, address: str, now: datetime) -> None:
    """Note that a message for `purpose` went to `address` now."""
    session.add(SendMark(purpose=purpose, digest=_digest(key, purpose, address), sent_at=now))
    session.flush()


def sent_within(session: Session, key: str, purpose: str, address: str, now: datetime,
                within: timedelta = MARK_KEPT_FOR) -> bool:
    """True when a message for `purpose` went to `address` less than `within` ago."""
    return session.scalar(select(SendMark.id).where(
        SendMark.purpose == purpose, SendMark.digest == _digest(key, purpose, address),
        SendMark.sent_at > now - within).limit(1)) is not None


def purge_marks(session: Session, now: datetime) -> int:
    """Delete the marks older than a day; return how many went. The session forgets them too,
    so that a mark made after in the same session (whose id the database may reuse) is new."""
    result = session.execute(delete(SendMark).where(SendMark.sent_at <= now - MARK_KEPT_FOR)
                             .execution_options(synchronize_session="fetch"))
    return int(result.rowcount or 0)
