"""Dashboard sessions on the server: started at login, ended by logout, a new password,
30 idle minutes or 8 hours in all (OWASP ASVS 3.3)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from carecareers.models import Adviser, AdviserSession
from carecareers.models.base import as_utc

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=8)
# Recording every request's time would write on every page; a minute's precision will do.
TOUCH_EVERY = timedelta(minutes=1)


class SessionEnded(LookupError):
    """No such session, or it timed out (`expired`), was ended, or its account is disabled."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired
        super().__init__("session expired" if expired else "no session")


@dataclass(frozen=True)
class OpenSession:
    adviser: Adviser
    csrf_token: str


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(session: Session, adviser: Adviser, now: datetime,
                  ) -> tuple[str, str]:
    """Open a session for `adviser`; return the cookie's token and the CSRF token.

    Sessions that can no longer be resumed are deleted on the way (a login is rare).
    """
    purge_ended_sessions(session, now)
    token, csrf_token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    session.add(AdviserSession(token_digest=digest(token), adviser_id=adviser.id,
                               csrf_token=csrf_token, created_at=now, last_seen_at=now))
    session.flush()
    return token, csrf_token


def resume_session(session: Session, token: str, now: datetime) -> OpenSession:
    """The session this token opens, touched as seen now; SessionEnded if there is none."""
    row = session.scalar(select(AdviserSession).where(AdviserSession.token_digest
                                                      == digest(token)))
    if row is None:
        raise SessionEnded()
    last_seen, created = as_utc(row.last_seen_at), as_utc(row.created_at)
    adviser = session.get(Adviser, row.adviser_id)
    if (last_seen is None or created is None or now - last_seen > IDLE_TIMEOUT
            or now - created > ABSOLUTE_TIMEOUT or adviser is None or not adviser.active):
        session.delete(row)
        raise SessionEnded(expired=True)
    if now - last_seen >= TOUCH_EVERY:
        row.last_seen_at = now
    return OpenSession(adviser, row.csrf_token)


def end_session(session: Session, token: str) -> None:
    session.execute(delete(AdviserSession).where(AdviserSession.token_digest == digest(token)))


def end_all_sessions(session: Session, adviser: Adviser) -> int:
    """End every session of this account (a new password, a disabled account)."""
    result = session.execute(delete(AdviserSession)
                             .where(AdviserSession.adviser_id == adviser.id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def purge_ended_sessions(session: Session, now: datetime) -> int:
    """Delete the sessions that can no longer be resumed."""
    result = session.execute(delete(AdviserSession).where(
        (AdviserSession.last_seen_at < now - IDLE_TIMEOUT)
        | (AdviserSession.created_at < now - ABSOLUTE_TIMEOUT)))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
