"""Dashboard sessions: a signed, expiring cookie naming the adviser, and access by role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import Session

from carecareers.advisers.accounts import is_staff, password_fingerprint
from carecareers.models import Adviser
from web.csrf import COOKIE_PATH, new_token
from web.deps import get_session

COOKIE_NAME = "cc_adviser"
SESSION_MAX_AGE = 8 * 60 * 60

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

    @property
    def is_staff(self) -> bool:
        return is_staff(self.adviser)

    @property
    def is_admin(self) -> bool:
        return self.adviser.role == "admin"


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="adviser-session")


def start_session(request: Request, response: Response, adviser: Adviser,
                  secret_key: str) -> None:
    """Log the adviser in on this browser, with a fresh CSRF token."""
    value = _serializer(secret_key).dumps(
        {"a": adviser.id, "c": new_token(), "p": password_fingerprint(adviser)})
    response.set_cookie(COOKIE_NAME, value, max_age=SESSION_MAX_AGE, path=COOKIE_PATH,
                        httponly=True, samesite="lax", secure=request.url.scheme == "https")


def end_session(request: Request, response: Response) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, httponly=True, samesite="lax",
                           secure=request.url.scheme == "https")


def read_viewer(request: Request, session: Session) -> Viewer:
    """The logged-in adviser, or NotLoggedIn (with `expired` when the session timed out)."""
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        raise NotLoggedIn()
    try:
        data = _serializer(request.app.state.settings.secret_key).loads(
            raw, max_age=SESSION_MAX_AGE)
    except SignatureExpired:
        raise NotLoggedIn(expired=True) from None
    except BadSignature:
        raise NotLoggedIn() from None
    adviser = session.get(Adviser, data.get("a")) if isinstance(data, dict) else None
    if (adviser is None or not adviser.active
            or data.get("p") != password_fingerprint(adviser)
            or not isinstance(data.get("c"), str)):
        raise NotLoggedIn(expired=adviser is not None)
    return Viewer(adviser, data["c"])


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
