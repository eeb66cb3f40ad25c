"""Events in the dashboard: list, create, change, cancel; bookings, arrivals, QR, export."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carecareers.advisers.scope import providers_for
from carecareers.campaigns.qr import qr_png, qr_svg_inline
from carecareers.campaigns.service import list_campaigns
from carecareers.catalogue import text
from carecareers.dashboard.events import (
    events_managed_by,
    form_values,
    keeping_other_providers,
    may_manage,
    read_event_form,
)
from carecareers.events import (
    EventFormError,
    EventValues,
    cancel_event,
    change_event,
    create_event,
    event_url,
    get_event,
    is_upcoming,
    spaces_left,
)
from carecareers.events.checkin import arrivals, mark_attended, open_booking
from carecareers.events.exports import attendees_csv, contact_shown
from carecareers.events.funnel import event_funnel
from carecareers.events.notices import queue_cancel_notices, queue_change_notices
from carecareers.events.wording import when_words
from carecareers.geo import gazetteer_for
from carecareers.models import Event
from carecareers.models.base import as_utc
from web.auth import CurrentViewer as AnyViewer
from web.auth import DbSession, Forbidden, Viewer
from web.deps import get_clock
from web.routes.advisers.charts import funnel_bars, funnel_height
from web.routes.advisers.common import CheckedForm, PageNotFound, dashboard_router, render

router = dashboard_router()
PRINT_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def checkin_url(request: Request, event: Event) -> str:
    return f"{request.app.state.settings.public_base_url.rstrip('/')}/events/here/" \
           f"{event.checkin_token}"


def _event(session: DbSession, viewer: Viewer, event_id: int) -> Event:
    event = get_event(session, event_id)
    if event is None:
        raise PageNotFound(text("dashboard.events.not_found"))
    if not may_manage(viewer.adviser, event):
        raise Forbidden()
    return event


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request, session: DbSession, viewer: AnyViewer) -> Response:
    now = get_clock(request).now()
    events = events_managed_by(session, viewer.adviser)
    rows = [(e, when_words(e.starts_at, e.ends_at), _state(e, now), spaces_left(session, e, now),
             arrivals(session, e)) for e in events]
    return render(request, "events.html", viewer, rows=rows,
                  done=request.query_params.get("done"))


def _state(event: Event, now: datetime) -> str:
    """Where the event is, in the list's words (dashboard.events.states)."""
    if event.status == "cancelled":
        state = "cancelled"
    else:
        state = "finished" if as_utc(event.ends_at) < now else (  # type: ignore[operator]
            "open" if is_upcoming(event, now) else "now")
    return text(f"dashboard.events.states.{state}")


def _form_page(request: Request, session: DbSession, viewer: Viewer, event: Event | None,
               values: dict[str, str], errors: dict[str, str] | None = None) -> Response:
    return render(request, "event_form.html", viewer, status_code=400 if errors else 200,
                  event=event, values=values, errors=errors or {},
                  providers=providers_for(session, viewer.adviser),
                  campaigns=[(c.code, f"{c.code}: {c.name}") for c in list_campaigns(session)]
                  if viewer.is_staff else [])


def _read(request: Request, session: DbSession, viewer: Viewer,
          form: dict[str, str]) -> EventValues:
    if not viewer.is_staff:
        form = {**form, "campaign": ""}  # campaigns are staff's
    gazetteer = gazetteer_for(request.app.state.settings.content_dir)
    return read_event_form(session, form, gazetteer, providers_for(session, viewer.adviser))


@router.get("/events/new", response_class=HTMLResponse)
def new_event_form(request: Request, session: DbSession, viewer: AnyViewer) -> Response:
    _need_providers(session, viewer)
    return _form_page(request, session, viewer, None, {})


def _need_providers(session: DbSession, viewer: Viewer) -> None:
    if not providers_for(session, viewer.adviser):
        raise Forbidden()


@router.post("/events/new", response_class=HTMLResponse)
def create(request: Request, session: DbSession, viewer: AnyViewer,
           form: CheckedForm) -> Response:
    _need_providers(session, viewer)
    try:
        event = create_event(session, _read(request, session, viewer, form),
                             viewer.adviser.email)
    except EventFormError as exc:
        return _form_page(request, session, viewer, None, form, exc.errors)
    return RedirectResponse(f"/advisers/events/{event.id}?done=created", status_code=303)


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: int, session: DbSession,
               viewer: AnyViewer) -> Response:
    event = _event(session, viewer, event_id)
    bookings = sorted(event.bookings, key=lambda b: (b.status == "cancelled", b.created_at))
    funnel = event_funnel(session, event)
    return render(request, "event.html", viewer, event=event, bookings=bookings,
                  contact_shown=contact_shown,
                  when=when_words(event.starts_at, event.ends_at),
                  spaces=spaces_left(session, event, get_clock(request).now()),
                  counts=arrivals(session, event),
                  bars=funnel_bars(funnel), funnel_height=funnel_height(),
                  public_url=event_url(request.app.state.settings.public_base_url, event),
                  checkin=checkin_url(request, event), done=request.query_params.get("done"))


@router.get("/events/{event_id}/edit", response_class=HTMLResponse)
def edit_form(request: Request, event_id: int, session: DbSession,
              viewer: AnyViewer) -> Response:
    event = _event(session, viewer, event_id)
    return _form_page(request, session, viewer, event, form_values(event))


@router.post("/events/{event_id}/edit", response_class=HTMLResponse)
def edit(request: Request, event_id: int, session: DbSession, viewer: AnyViewer,
         form: CheckedForm) -> Response:
    event = _event(session, viewer, event_id)
    try:
        values = keeping_other_providers(_read(request, session, viewer, form), event,
                                         viewer.adviser)
        change = change_event(session, event, values, viewer.adviser.email)
    except EventFormError as exc:
        return _form_page(request, session, viewer, event, form, exc.errors)
    told = queue_change_notices(session, event, request.app.state.settings.public_base_url,
                                get_clock(request).now()) \
        if change.matters and event.status == "active" else 0
    return RedirectResponse(f"/advisers/events/{event.id}?done=saved&told={told}",
                            status_code=303)


@router.post("/events/{event_id}/cancel", response_class=HTMLResponse)
def cancel(request: Request, event_id: int, session: DbSession, viewer: AnyViewer,
           form: CheckedForm) -> Response:
    event = _event(session, viewer, event_id)
    told = 0
    now = get_clock(request).now()
    if cancel_event(session, event, viewer.adviser.email, now):
        told = queue_cancel_notices(session, event, request.app.state.settings.public_base_url,
                                    now)
    return RedirectResponse(f"/advisers/events/{event.id}?done=cancelled&told={told}",
                            status_code=303)


@router.post("/events/{event_id}/bookings/{booking_id}/arrived", response_class=HTMLResponse)
def arrived(request: Request, event_id: int, booking_id: int, session: DbSession,
            viewer: AnyViewer, form: CheckedForm) -> Response:
    event = _event(session, viewer, event_id)
    booking = open_booking(session, event, booking_id)
    if booking is None:
        raise PageNotFound(text("dashboard.events.no_booking"))
    mark_attended(session, booking, viewer.adviser.email, get_clock(request).now())
    return RedirectResponse(f"/advisers/events/{event.id}?done=arrived", status_code=303)


@router.get("/events/{event_id}/attendees.csv")
def export(request: Request, event_id: int, session: DbSession, viewer: AnyViewer) -> Response:
    event = _event(session, viewer, event_id)
    attendees = attendees_csv(session, event, viewer.adviser.email)
    stamp = get_clock(request).today().strftime("%Y%m%d")
    return Response(attendees.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f'attachment; filename="event-{event.id}-attendees-{stamp}.csv"'})


@router.get("/events/{event_id}/checkin-qr.png")
def checkin_qr(request: Request, event_id: int, session: DbSession,
               viewer: AnyViewer) -> Response:
    event = _event(session, viewer, event_id)
    return Response(qr_png(checkin_url(request, event)), media_type="image/png", headers={
        "Content-Disposition": f'attachment; filename="checkin-event-{event.id}.png"'})


@router.get("/events/{event_id}/checkin-poster", response_class=HTMLResponse)
def checkin_poster(request: Request, event_id: int, session: DbSession,
                   viewer: AnyViewer) -> Response:
    event = _event(session, viewer, event_id)
    page = render(request, "event_checkin_poster.html", viewer, event=event,
                  when=when_words(event.starts_at, event.ends_at),
                  qr=qr_svg_inline(checkin_url(request, event)))
    page.headers["Content-Security-Policy"] = PRINT_POLICY
    return page
