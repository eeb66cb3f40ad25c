"""Logging in and out of the dashboard."""

from __future__ import annotations

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carecareers.advisers.accounts import LoginRefused, finish_attempt, start_attempt
from carecareers.catalogue import text
from web.auth import DbSession, NotLoggedIn, end_session, read_viewer, start_session
from web.csrf import (
    CSRF_FIELD,
    CsrfError,
    check_login_token,
    check_token,
    new_token,
    set_login_token,
)
from web.deps import get_clock
from web.ratelimit import LoginLimiter
from web.routes.advisers.common import LOGIN_PATH, dashboard_router, render, safe_next
from web.session import client_address

router = dashboard_router()

# The id of the one answer for every failure (unknown account, wrong password, disabled,
# locked, too many attempts from this address), so that the page never tells whether an
# account exists.
REFUSED = "dashboard.login.refused"


def login_page(request: Request, status_code: int = 200, error: str | None = None,
               email: str = "", notice: str | None = None, next_path: str | None = None,
               ) -> HTMLResponse:
    token = new_token()
    response = render(request, "login.html", None, status_code=status_code, error=error,
                      email=email, notice=notice, login_token=token,
                      next=safe_next(next_path or request.query_params.get("next")))
    set_login_token(request, response, token, request.app.state.settings.secret_key)
    return response


@router.get("/", include_in_schema=False)
def dashboard_home() -> RedirectResponse:
    return RedirectResponse("/advisers/leads", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, session: DbSession) -> Response:
    try:
        read_viewer(request, session)
    except NotLoggedIn:
        expired = request.query_params.get("expired") == "1"
        notice = text("dashboard.login.ended") if expired else None
        return login_page(request, notice=notice)
    return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await request.form()
    email, password = str(form.get("email") or "")[:254], str(form.get("password") or "")
    next_path = safe_next(str(form.get("next") or ""))
    try:
        check_login_token(request, form.get(CSRF_FIELD), request.app.state.settings.secret_key)
    except CsrfError:
        return login_page(request, 403, text("dashboard.login.form_expired"), email,
                          next_path=next_path)
    if not email.strip() or not password:
        return login_page(request, 400, text("dashboard.login.missing"), email,
                          next_path=next_path)
    limiter: LoginLimiter = request.app.state.login_limiter
    address = client_address(request, request.app.state.settings.trust_proxy_headers)
    if not limiter.attempt(address):  # counted before any password is checked
        return login_page(request, 429, text(REFUSED), email, next_path=next_path)
    response = RedirectResponse(next_path, status_code=303)
    if not await run_in_threadpool(_log_in, request, response, email, password):
        return login_page(request, 401, text(REFUSED), email, next_path=next_path)
    return response


def _log_in(request: Request, response: Response, email: str, password: str) -> bool:
    """Count the attempt, check the password, record the outcome; True when logged in.

    Runs in a worker thread (Argon2 is slow), in two short transactions: the count is
    committed before the password is checked, and no transaction is open while it is (on
    SQLite it would hold the one write lock).
    """
    sessions = request.app.state.session_factory
    now = get_clock(request).now()
    with sessions() as session, session.begin():
        attempt = start_attempt(session, email, now)
    correct = attempt.check(password)
    with sessions() as session, session.begin():
        try:
            adviser = finish_attempt(session, attempt, password, correct, now)
        except LoginRefused:
            return False
        start_session(request, response, session, adviser)
    return True


@router.post("/logout")
async def logout(request: Request, session: DbSession) -> Response:
    form = await request.form()
    try:
        viewer = read_viewer(request, session)
        check_token(viewer.csrf_token, form.get(CSRF_FIELD))
    except NotLoggedIn:
        pass  # already logged out: just go to the login page
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    end_session(request, response, session)
    return response
