"""Public event pages: the event, its calendar file, confirming a place booked by email,
and the one-tap "I'm here" at the door.

Checking in needs a press on the page (a POST), so that a link preview never counts an
arrival. A browser that checked in keeps a cookie naming the event, so a second press or
a reload is not counted twice; the chat's cookie, if any, finds the person's booking.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.events import (
    BookingNotConfirmable,
    EventClosed,
    EventError,
    EventFull,
    confirm_booking,
    event_ics,
    get_event,
    when_words,
)
from carecareers.events.bookings import pending_booking
from carecareers.events.catalogue import PENDING_HOLD
from carecareers.events.checkin import TooManyWalkIns, check_in, event_by_checkin_token
from carecareers.events.notices import where_words
from carecareers.models import Event
from web.deps import get_clock, get_session
from web.ratelimit import AddressLimiter
from web.security import secure_cookies
from web.session import client_address, read_session, request_is_https

router = APIRouter(prefix="/events")
MAX_TOKEN = 64
HERE_COOKIE = "cc_here"
HERE_MAX_AGE = 60 * 60 * 24


def _page(request: Request, name: str, status_code: int = 200,
          **context: object) -> HTMLResponse:
    return request.app.state.templates.TemplateResponse(
        request, name, context, status_code=status_code)


def _missing(request: Request, message: str | None = None) -> HTMLResponse:
    return _page(request, "event_message.html", 404,
                 heading=text("web.events_page.not_found_heading"),
                 message=message or text("web.events_page.not_found"))


@router.get("/{event_id}.ics")
def calendar_file(request: Request, event_id: int,
                  session: Session = Depends(get_session)) -> Response:
    event = get_event(session, event_id)
    if event is None:
        return _missing(request)
    ics = event_ics(event, request.app.state.settings.public_base_url, get_clock(request).now())
    return Response(ics.encode("utf-8"), media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="care-careers-event-{event.id}.ics"'})


@router.get("/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: int,
               session: Session = Depends(get_session)) -> HTMLResponse:
    event = get_event(session, event_id)
    if event is None:
        return _missing(request)
    return _page(request, "event.html", event=event,
                 when=when_words(event.starts_at, event.ends_at), where=where_words(event),
                 providers=", ".join(p.name for p in event.providers))


@router.get("/bookings/confirm/{token}", response_class=HTMLResponse)
def booking_page(request: Request, token: str,
                 session: Session = Depends(get_session)) -> HTMLResponse:
    """The link in a booking's confirmation email: opening it changes nothing."""
    booking = pending_booking(session, token[:MAX_TOKEN])
    if booking is None:
        return _booking(request, "gone", None, 404)
    return _booking(request, "ask", booking.event, action=request.url.path)


@router.post("/bookings/confirm/{token}", response_class=HTMLResponse)
def confirm(request: Request, token: str,
            session: Session = Depends(get_session)) -> HTMLResponse:
    try:
        booking = confirm_booking(session, token[:MAX_TOKEN], get_clock(request).now())
    except BookingNotConfirmable:
        return _booking(request, "gone", None, 404)
    except EventFull as full:
        return _booking(request, "full", full.event, 409)
    except EventClosed as closed:
        return _booking(request, "closed", closed.event, 409)
    return _booking(request, "booked", booking.event, first_name=booking.first_name)


def _booking(request: Request, state: str, event: Event | None, status_code: int = 200,
             **context: object) -> HTMLResponse:
    words = {"when": when_words(event.starts_at, event.ends_at),
             "where": where_words(event)} if event is not None else {}
    return _page(request, "booking.html", status_code, state=state, event=event,
                 hold_hours=int(PENDING_HOLD.total_seconds() // 3600), **words, **context)


def _here_page(request: Request, token: str, session: Session) -> tuple[Event | None, str]:
    try:
        return event_by_checkin_token(session, token[:MAX_TOKEN]), ""
    except EventError as exc:
        return None, str(exc)


@router.get("/here/{token}", response_class=HTMLResponse)
def here_page(request: Request, token: str,
              session: Session = Depends(get_session)) -> HTMLResponse:
    event, problem = _here_page(request, token, session)
    if event is None:
        return _missing(request, problem)
    return _page(request, "event_here.html", event=event, action=request.url.path,
                 when=when_words(event.starts_at, event.ends_at))


@router.post("/here/{token}", response_class=HTMLResponse)
def here(request: Request, token: str, session: Session = Depends(get_session)) -> HTMLResponse:
    event, problem = _here_page(request, token, session)
    if event is None:
        return _missing(request, problem)
    settings = request.app.state.settings
    chat = read_session(request, settings.secret_key)
    seen = request.cookies.get(HERE_COOKIE, "").split(".")
    limiter: AddressLimiter = request.app.state.walk_in_limiter
    address = client_address(request, settings.trust_proxy_headers)
    try:
        arrival = check_in(session, event, chat.sender_id if chat else None,
                           already_here=str(event.id) in seen, now=get_clock(request).now(),
                           walk_in_allowed=lambda: limiter.attempt(str(event.id), address))
    except TooManyWalkIns:
        return _page(request, "event_door_busy.html", 429, event=event)
    except EventError as exc:
        return _page(request, "event_message.html", 409,
                     heading=text("web.events_page.closed_heading"), message=str(exc))
    heading = text("web.events_page.welcome_name", first_name=arrival.booking.first_name) \
        if arrival.booking else text("web.events_page.welcome")
    response = _page(request, "event_message.html", heading=heading,
                     message=text("web.events_page.checked_in", title=event.title),
                     chat_link=f"/c/{event.campaign.code}" if event.campaign else "/chat")
    kept = [s for s in seen if s.isdigit()][-20:]
    response.set_cookie(HERE_COOKIE, ".".join([*kept, str(event.id)]), max_age=HERE_MAX_AGE,
                        httponly=True, samesite="lax",
                        secure=secure_cookies(request) or request_is_https(
                            request, settings.trust_proxy_headers), path="/events/here")
    return response
