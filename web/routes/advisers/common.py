"""What every dashboard route shares: templates, error pages and security headers."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates

from carecareers.catalogue import template_globals, text
from carecareers.clock import UK
from carecareers.dashboard import LeadNotFound
from carecareers.leads.form import age_label
from web.auth import CurrentViewer, Forbidden, NotLoggedIn, Unauthenticated, Viewer
from web.csrf import CSRF_FIELD, CsrfError, check_token
from web.fingerprints import template_helpers

logger = logging.getLogger(__name__)
TEMPLATES_DIR = Path(__file__).resolve().parents[2] / "templates"
LOGIN_PATH = "/advisers/login"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class PageNotFound(LookupError):
    """A campaign or other dashboard item that does not exist; the message says which, in
    the catalogue's words."""


def uk_time(moment: datetime | None, with_time: bool = True) -> str:
    """A stored time as people in the UK read it: 3 Mar 2025, 14:05."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    local = moment.astimezone(UK)
    return local.strftime("%-d %b %Y, %H:%M" if with_time else "%-d %b %Y")


def uk_date(day: date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


def words(code: object) -> str:
    """A stored code (care_worker, 16_17) in words (care worker, 16-17)."""
    text = str(code or "")
    return text.replace("_plus", "+").replace("_", " ") if not text[:1].isdigit() else (
        text.replace("_plus", "+").replace("_", "-"))


def _make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=TEMPLATES_DIR)
    templates.env.filters.update(uk_time=uk_time, uk_date=uk_date, words=words,
                                 age_label=age_label)
    templates.env.globals.update(CSRF_FIELD=CSRF_FIELD, **template_globals(), **template_helpers())
    return templates


templates = _make_templates()


def render(request: Request, name: str, viewer: Viewer | None, status_code: int = 200,
           **context: Any) -> HTMLResponse:
    context.setdefault("errors", {})
    return templates.TemplateResponse(
        request, f"advisers/{name}", {"viewer": viewer, **context}, status_code=status_code)


def query_string(params: dict[str, str], **extra: object) -> str:
    merged = {**params, **{k: str(v) for k, v in extra.items() if v not in (None, "")}}
    return urlencode(merged)


def safe_next(target: str | None) -> str:
    """Where to go after logging in: only a dashboard path of this site."""
    if (target and target.startswith("/advisers/") and not target.startswith("//")
            and "\\" not in target and target != LOGIN_PATH):
        return target
    return "/advisers/leads"


def error_page(request: Request, status_code: int, why: str, message: str | None = None,
               link: str = "/advisers/leads", link_text: str | None = None) -> HTMLResponse:
    """The page for one of the reasons in dashboard.errors; `message` may say more."""
    return render(request, "error.html", None, status_code=status_code,
                  title=text(f"dashboard.errors.{why}.title"),
                  message=message or text(f"dashboard.errors.{why}.message"), link=link,
                  link_text=link_text or text("dashboard.errors.back_to_leads"))


def _login_redirect(request: Request, exc: NotLoggedIn) -> Response:
    params = {"expired": "1"} if exc.expired else {}
    if request.method == "GET":
        params["next"] = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(LOGIN_PATH + ("?" + urlencode(params) if params else ""),
                            status_code=303)


def _page_for(request: Request, exc: Exception) -> Response:
    if isinstance(exc, Unauthenticated):
        return PlainTextResponse(text("dashboard.errors.log_in_first"), status_code=401,
                                 headers={"WWW-Authenticate": 'Cookie realm="advisers"'})
    if isinstance(exc, NotLoggedIn):
        return _login_redirect(request, exc)
    if isinstance(exc, CsrfError):
        return error_page(request, 403, "form_expired", link=_same_site_referer(request),
                          link_text=text("dashboard.errors.go_back"))
    if isinstance(exc, Forbidden):
        return error_page(request, 403, "forbidden")
    if isinstance(exc, LeadNotFound):
        return error_page(request, 404, "lead_not_found")
    if isinstance(exc, PageNotFound):
        return error_page(request, 404, "not_found", str(exc) or None)
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    if any(error.get("loc", ("",))[0] == "path" for error in errors):
        return error_page(request, 404, "not_found")
    return error_page(request, 400, "bad_request")


def _same_site_referer(request: Request) -> str:
    referer = urlsplit(request.headers.get("referer") or "")
    if referer.netloc != request.url.netloc:
        return "/advisers/leads"
    return safe_next(referer.path + (f"?{referer.query}" if referer.query else ""))


HANDLED = (NotLoggedIn, CsrfError, Forbidden, LeadNotFound, PageNotFound,
           RequestValidationError)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


class DashboardRoute(APIRoute):
    """Turn access and input errors into clear pages, and add security headers."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await handle(request)
            except HANDLED as exc:
                level = logging.DEBUG if isinstance(exc, NotLoggedIn) else logging.INFO
                logger.log(level, "dashboard %s %s: %s", request.method, request.url.path,
                           type(exc).__name__)
                response = _page_for(request, exc)
            return add_security_headers(response)

        return handler


async def checked_form(request: Request, viewer: CurrentViewer) -> dict[str, str]:
    """The posted form's text fields, once its CSRF token is checked."""
    form = await request.form()
    check_token(viewer.csrf_token, form.get(CSRF_FIELD))
    return {k: v for k, v in form.items() if isinstance(v, str) and k != CSRF_FIELD}


CheckedForm = Annotated[dict[str, str], Depends(checked_form)]


def dashboard_router() -> APIRouter:
    return APIRouter(route_class=DashboardRoute)
