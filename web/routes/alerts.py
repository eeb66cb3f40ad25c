"""Links in alert messages: confirm an email alert, stop alerts. Plain pages, no login.

Confirming needs a press on the page (a POST), so that mail scanners that open links do
not confirm for the person. Stopping happens on opening the link (and on the one-click
POST of RFC 8058): a scanner can only ever stop messages, never start them.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from carecareers.alerts import UnknownToken, confirm_alert, criteria_of, unsubscribe
from carecareers.catalogue import text
from web.deps import get_clock, get_session

router = APIRouter(prefix="/alerts")
MAX_TOKEN = 64


def _page(request: Request, status_code: int = 200, **context: object) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, "alerts.html", context, status_code=status_code)


def _not_found(request: Request, message: str) -> HTMLResponse:
    return _page(request, 404, heading=text("web.alerts_page.link_not_valid"), message=message)


@router.get("/confirm/{token}", response_class=HTMLResponse)
def confirm_page(request: Request, token: str) -> HTMLResponse:
    return _page(request, heading=text("web.alerts_page.confirm_heading"),
                 confirm_action=request.url.path,
                 message=text("web.alerts_page.confirm_message"))


@router.post("/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str,
            session: Session = Depends(get_session)) -> HTMLResponse:
    try:
        alert = confirm_alert(session, token[:MAX_TOKEN], get_clock(request).now())
    except UnknownToken as exc:
        return _not_found(request, str(exc))
    return _page(request, heading=text("web.alerts_page.confirmed_heading"),
                 message=text("web.alerts_page.confirmed_message",
                              watch=criteria_of(alert).describe()))


# The link in an email (GET) and a mail client's one-click unsubscribe (POST, RFC 8058).
@router.get("/unsubscribe/{token}", response_class=HTMLResponse,
            operation_id="stop_alerts_from_link")
@router.post("/unsubscribe/{token}", response_class=HTMLResponse,
             operation_id="stop_alerts_one_click")
def stop(request: Request, token: str, session: Session = Depends(get_session)) -> HTMLResponse:
    try:
        unsubscribe(session, token[:MAX_TOKEN], get_clock(request).now())
    except UnknownToken as exc:
        return _not_found(request, str(exc))
    return _page(request, heading=text("web.alerts_page.stopped_heading"),
                 message=text("web.alerts_page.stopped_message"))
