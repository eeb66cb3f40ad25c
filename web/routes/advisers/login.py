"""Logging in and out of the dashboard."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carecareers.advisers.accounts import (
    MAX_FAILED_LOGINS,
    AccountLocked,
    LoginRefused,
    authenticate,
)
from web.auth import DbSession, NotLoggedIn, end_session, read_viewer, start_session
from web.csrf import (
    CSRF_FIELD,
    CsrfError,
    check_login_token,
    check_token,
    new_token,
    set_login_token,
)
from web.routes.advisers.common import LOGIN_PATH, dashboard_router, render, safe_next, uk_time

router = dashboard_router()

REFUSED = (f"The email or password is not right. After {MAX_FAILED_LOGINS} failed attempts "
           "in a row the account is locked for 15 minutes.")


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
        notice = "Your session has ended. Log in again to carry on." if expired else None
        return login_page(request, notice=notice)
    return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request, session: DbSession) -> Response:
    form = await request.form()
    email, password = str(form.get("email") or "")[:254], str(form.get("password") or "")
    next_path = safe_next(str(form.get("next") or ""))
    try:
        check_login_token(request, form.get(CSRF_FIELD), request.app.state.settings.secret_key)
    except CsrfError:
        return login_page(request, 403, "The login form had expired. Please try again.",
                          email, next_path=next_path)
    if not email.strip() or not password:
        return login_page(request, 400, "Enter your email address and your password.",
                          email, next_path=next_path)
    try:
        adviser = authenticate(session, email, password)
    except AccountLocked as exc:
        return login_page(request, 401, "Too many failed attempts: this account is locked "
                          f"until {uk_time(exc.until)}. Try again then, or ask an admin "
                          "to reset your password.", email, next_path=next_path)
    except LoginRefused:
        return login_page(request, 401, REFUSED, email, next_path=next_path)
    response = RedirectResponse(next_path, status_code=303)
    start_session(request, response, adviser, request.app.state.settings.secret_key)
    return response


@router.post("/logout")
async def logout(request: Request, session: DbSession) -> Response:
    form = await request.form()
    try:
        viewer = read_viewer(request, session)
        check_token(viewer.csrf_token, form.get(CSRF_FIELD))
    except NotLoggedIn:
        pass  # already logged out: just go to the login page
    response = RedirectResponse(LOGIN_PATH, status_code=303)
    end_session(request, response)
    return response
