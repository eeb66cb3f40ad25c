"""Dashboard sessions: a cookie holding a server-side session's token, and access by role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.orm import Session

from carecareers.advisers import sessions
from carecareers.advisers.accounts import is_staff
from carecareers.models import Adviser
from carecareers.threads import unread_total
from web.csrf import COOKIE_PATH
from web.deps import get_clock, get_session
from web.security import secure_cookies

COOKIE_NAME = "cc_adviser"
SESSION_MAX_AGE = int(sessions.ABSOLUTE_TIMEOUT.total_seconds())

DbSession = Annotated[Session, Depends(get_session, scope="function")]


class NotLoggedIn(Exception):
    """No valid session: a page sends the browser to the login page."""

    def __init__(self, expired: bool = False) -> None:
        self.expired = expired
        super().__init__("session expired" if expired else "not logged in")


class Unauthenticated(NotLoggedIn):
    """No valid session on a request for data (an export): answer 401, never redirect."""


class Forbidden(Exception):
    """Logged in, but this role may not use this page."""


@dataclass(frozen=True)
class Viewer:
    """The adviser behind this request, with the CSRF token of their session."""

    adviser: Adviser
    csrf_token: str
    unread_replies: int = 0  # replies in adviser conversations nobody has opened yet

    @property
    def is_staff(self) -> bool:
        return is_staff(self.adviser)

    @property
    def is_admin(self) -> bool:
        return self.adviser.role == "admin"


def start_session(request: Request, response: Response, session: Session,
                  adviser: Adviser) -> None:
    """Log the adviser in on this browser: a new server-side session, a fresh CSRF token."""
    token, _ = sessions.start_session(session, adviser, get_clock(request).now())
    response.set_cookie(COOKIE_NAME, token, max_age=SESSION_MAX_AGE, path=COOKIE_PATH,
                        httponly=True, samesite="lax", secure=secure_cookies(request))


def end_session(request: Request, response: Response, session: Session) -> None:
    """End this browser's session on the server, and forget its cookie."""
    token = request.cookies.get(COOKIE_NAME)
    if token:
        sessions.end_session(session, token)
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="lax",
                           secure=secure_cookies(request))


def read_viewer(request: Request, session: Session) -> Viewer:
    """The logged-in adviser, or NotLoggedIn (with `expired` when the session timed out)."""
    token = request.cookies.get(COOKIE_NAME)
    if not token or len(token) > 200:
        raise NotLoggedIn()
    try:
        opened = sessions.resume_session(session, token, get_clock(request).now())
    except sessions.SessionEnded as exc:
        raise NotLoggedIn(expired=exc.expired) from None
    return Viewer(opened.adviser, opened.csrf_token, unread_total(session, opened.adviser))


def current_viewer(request: Request, session: DbSession) -> Viewer:
    return read_viewer(request, session)


def staff_viewer(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    if not viewer.is_staff:
        raise Forbidden()
    return viewer


def admin_viewer(viewer: Annotated[Viewer, Depends(current_viewer)]) -> Viewer:
    if not viewer.is_admin:
        raise Forbidden()
    return viewer


def data_viewer(request: Request, session: DbSession) -> Viewer:
    """As current_viewer, but a missing or expired session is a 401, not a redirect."""
    try:
        return read_viewer(request, session)
    except NotLoggedIn as exc:
        raise Unauthenticated(exc.expired) from None


CurrentViewer = Annotated[Viewer, Depends(current_viewer)]
StaffViewer = Annotated[Viewer, Depends(staff_viewer)]
AdminViewer = Annotated[Viewer, Depends(admin_viewer)]
DataViewer = Annotated[Viewer, Depends(data_viewer)]
