"""Leads: the filtered list, one lead, its follow-ups, and exports."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from datetime import date

from fastapi import Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from carecareers import outcomes, threads, values
from carecareers.catalogue import text
from carecareers.channels import label_of
from carecareers.dashboard import (
    FilterChoices,
    LeadDetail,
    export_leads,
    filter_choices,
    find_visible_lead,
    lead_detail,
    list_leads,
    parse_filters,
    view_lead,
)
from carecareers.dashboard.leads import active_providers
from carecareers.dashboard.routing import follow_up_as
from carecareers.leads import followups
from carecareers.leads.exports import leads_csv, leads_json
from carecareers.leads.form import age_label
from carecareers.threads.rules import MAX_TEXT_LENGTH, agreed_to_email, came_through_web
from carecareers.threads.web import email_states
from carecareers.vacancies.roles import role_index_for
from web.auth import CurrentViewer, DataViewer, DbSession, StaffViewer, Viewer
from web.deps import get_clock
from web.routes.advisers.common import (
    CheckedForm,
    dashboard_router,
    query_string,
    render,
    words,
)

router = dashboard_router()

# What the lead's page may say it has done (dashboard.lead.done), where a message to the
# person is (dashboard.lead.delivery) and where its email copy is (dashboard.lead.email_delivery).
DONE = ("contacted", "note", "close", "reassign", "message", "outcome")
DELIVERY_STATES = ("pending", "sending", "sent", "failed", "blocked", "received", "waiting",
                   "seen")
EMAIL_STATES = ("pending", "sending", "sent", "failed")


def page_number(raw: str | None) -> int:
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 100_000 else 1


@router.get("/leads", response_class=HTMLResponse)
def leads_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    filters, errors = parse_filters(request.query_params)
    page = list_leads(session, viewer.adviser, filters,
                      page_number(request.query_params.get("page")))
    roles = role_index_for(request.app.state.settings.content_dir).codes
    return render(request, "leads.html", viewer, status_code=400 if errors else 200,
                  filters=filters, errors=errors, page=page, params=filters.as_params(),
                  unread=threads.unread_by_lead(session, viewer.adviser,
                                                [lead.id for lead in page.leads]),
                  raw=request.query_params, query_string=query_string,
                  options=filter_options(filter_choices(session, viewer.adviser, roles)))


def filter_options(choices: FilterChoices) -> dict[str, list[tuple[str, str]]]:
    """The (value, text) pairs each filter offers."""
    return {
        "status": [(status, words(status).capitalize()) for status in choices.statuses],
        "age_band": [(band, age_label(band)) for band in choices.age_bands],
        "campaign": [(c.code, f"{c.code}: {c.name}") for c in choices.campaigns],
        "provider": [(p.code, p.name) for p in choices.providers],
        "interest": [(code, words(code)) for code in choices.interests],
    }


@router.get("/leads/export.csv")
def export_csv(request: Request, session: DbSession, viewer: DataViewer) -> Response:
    return _export(request, session, viewer, "csv", leads_csv, "text/csv; charset=utf-8")


@router.get("/leads/export.json")
def export_json(request: Request, session: DbSession, viewer: DataViewer) -> Response:
    return _export(request, session, viewer, "json", leads_json,
                   "application/json; charset=utf-8")


def _export(request: Request, session: DbSession, viewer: Viewer, export_format: str,
            write: Callable[..., int], media_type: str) -> Response:
    filters, errors = parse_filters(request.query_params)
    if errors:
        return PlainTextResponse(text("dashboard.leads.fix_filters",
                                      errors=" ".join(errors.values())), status_code=400)
    rows = export_leads(session, viewer.adviser, filters, export_format)
    buffer = io.StringIO()
    write(rows, buffer)
    filename = f"leads-{get_clock(request).today().isoformat()}.{export_format}"
    return Response(buffer.getvalue().encode("utf-8"), media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/leads/{lead_id}", response_class=HTMLResponse)
def lead_page(request: Request, lead_id: int, session: DbSession,
              viewer: CurrentViewer) -> Response:
    detail = view_lead(session, viewer.adviser, lead_id)
    done_code = request.query_params.get("done", "")
    done = text(f"dashboard.lead.done.{done_code}") if done_code in DONE else None
    read = threads.mark_read(session, detail.lead, get_clock(request).now())
    viewer = replace(viewer, unread_replies=max(0, viewer.unread_replies - read))
    return _lead_response(request, session, viewer, detail, done=done)


def _lead_response(request: Request, session: DbSession, viewer: Viewer, detail: LeadDetail,
                   status_code: int = 200, errors: dict[str, str] | None = None,
                   done: str | None = None, form: dict[str, str] | None = None) -> Response:
    return render(request, "lead.html", viewer, status_code=status_code, detail=detail,
                  errors=errors or {}, done=done, form=form or {},
                  outcomes=followups.outcome_choices(), close_reasons=followups.reason_choices(),
                  provider_options=[(p.code, p.name) for p in active_providers(session)]
                  if viewer.is_staff else [],
                  outcome_label=followups.outcome_label,
                  max_note=followups.MAX_NOTE_LENGTH,
                  values_result=values.result_summary(session, values.content(),
                                                      detail.lead.sender_id),
                  **_outcome_context(request, session, viewer, detail),
                  **_thread_context(session, viewer, detail))


def _outcome_context(request: Request, session: DbSession, viewer: Viewer,
                     detail: LeadDetail) -> dict[str, object]:
    """The routes' outcomes this account sees, and the choices of the outcome form."""
    routes = outcomes.outcomes_seen_by(session, detail.lead, viewer.adviser,
                                       get_clock(request).today(),
                                       request.app.state.settings.lead_contact_days)
    return {"route_outcomes": routes,
            "route_choices": [(str(r.provider_id), r.provider) for r in routes],
            "outcome_choices": [(code, text(f"dashboard.outcomes.labels.{code}"))
                                for code in outcomes.RECORDED],
            "reason_choices": [(code, text(f"dashboard.outcomes.reasons.{code}"))
                               for code in outcomes.REASONS],
            "today": get_clock(request).today().isoformat()}


def _thread_context(session: DbSession, viewer: Viewer, detail: LeadDetail,
                    ) -> dict[str, object]:
    """The lead's adviser conversation, and why this account may not write, if so."""
    lead = detail.lead
    on_web = came_through_web(lead)
    return {"thread": threads.thread_view(session, lead),
            "cannot_message": threads.refusal(session, lead, viewer.adviser),
            "state_labels": {state: text(f"dashboard.lead.delivery.{state}")
                             for state in DELIVERY_STATES},
            "max_message": MAX_TEXT_LENGTH,
            "on_web": on_web, "emails_to_lead": on_web and agreed_to_email(lead),
            "channel_label": label_of(lead.channel),
            "email_states": email_states(session, lead) if on_web else {},
            "email_labels": {state: text(f"dashboard.lead.email_delivery.{state}")
                             for state in EMAIL_STATES}}


def _act(request: Request, session: DbSession, viewer: Viewer, lead_id: int, action: str,
         form: dict[str, str], apply: Callable[..., object]) -> Response:
    lead = find_visible_lead(session, viewer.adviser, lead_id)
    try:
        follow_up_as(session, lead, viewer.adviser, apply)
    except followups.FollowUpError as exc:
        key = f"{action}.{exc.field}" if exc.field else action
        detail = lead_detail(session, viewer.adviser, lead_id)
        return _lead_response(request, session, viewer, detail, status_code=400,
                              errors={key: str(exc)}, form={"action": action, **form})
    return RedirectResponse(f"/advisers/leads/{lead_id}?done={action}#history",
                            status_code=303)


@router.post("/leads/{lead_id}/contacted")
def mark_contacted(request: Request, lead_id: int, session: DbSession, viewer: CurrentViewer,
                   form: CheckedForm) -> Response:
    return _act(request, session, viewer, lead_id, "contacted", form,
                lambda lead: followups.mark_contacted(session, lead, viewer.adviser,
                                                      form.get("note", ""),
                                                      now=get_clock(request).now()))


@router.post("/leads/{lead_id}/note")
def add_note(request: Request, lead_id: int, session: DbSession, viewer: CurrentViewer,
             form: CheckedForm) -> Response:
    return _act(request, session, viewer, lead_id, "note", form,
                lambda lead: followups.add_note(session, lead, viewer.adviser,
                                                form.get("outcome", ""), form.get("note", ""),
                                                get_clock(request).now()))


@router.post("/leads/{lead_id}/close")
def close(request: Request, lead_id: int, session: DbSession, viewer: CurrentViewer,
          form: CheckedForm) -> Response:
    return _act(request, session, viewer, lead_id, "close", form,
                lambda lead: followups.close_lead(session, lead, viewer.adviser,
                                                  form.get("reason", ""), form.get("note", ""),
                                                  now=get_clock(request).now()))


@router.post("/leads/{lead_id}/reassign")
def reassign(request: Request, lead_id: int, session: DbSession, viewer: StaffViewer,
             form: CheckedForm) -> Response:
    return _act(request, session, viewer, lead_id, "reassign", form,
                lambda lead: followups.reassign(session, lead, viewer.adviser,
                                                form.get("provider", ""), form.get("note", ""),
                                                now=get_clock(request).now()))


@router.post("/leads/{lead_id}/outcome")
def record_outcome(request: Request, lead_id: int, session: DbSession, viewer: CurrentViewer,
                   form: CheckedForm) -> Response:
    """Record what a provider did with the lead; the person is told when their consent
    covers it (carecareers/outcomes/notices.py)."""
    lead = find_visible_lead(session, viewer.adviser, lead_id)
    now = get_clock(request).now()
    try:
        route = outcomes.route_to_record(session, lead, viewer.adviser,
                                         _number(form.get("provider", "")))
        change = outcomes.record_outcome(
            session, route, viewer.adviser, form.get("outcome", ""),
            _day(form.get("on", "")), form.get("reason") or None, now,
            today=get_clock(request).today())
    except outcomes.OutcomeError as exc:
        key = f"outcome.{exc.field}" if exc.field else "outcome"
        detail = lead_detail(session, viewer.adviser, lead_id)
        return _lead_response(request, session, viewer, detail, status_code=400,
                              errors={key: str(exc)}, form={"action": "outcome", **form})
    outcomes.queue_outcome_notice(session, change, now)
    return RedirectResponse(f"/advisers/leads/{lead_id}?done=outcome#outcomes",
                            status_code=303)


def _number(raw: str) -> int | None:
    return int(raw) if raw.strip().isdigit() else None


def _day(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


@router.post("/leads/{lead_id}/messages")
def write_message(request: Request, lead_id: int, session: DbSession, viewer: CurrentViewer,
                  form: CheckedForm) -> Response:
    """Queue a message to the person: in a channel that delivers later, its front end sends
    it into the chat; a web chat visitor sees it when they next open the chat (and by email,
    if they chose email)."""
    lead = find_visible_lead(session, viewer.adviser, lead_id)
    organisation = request.app.state.settings.adviser_organisation
    try:
        threads.send_message(session, lead, viewer.adviser, form.get("text", ""), organisation,
                             get_clock(request).now())
    except threads.ThreadError as exc:
        status = 429 if isinstance(exc, threads.TooManyMessages) else 400
        detail = lead_detail(session, viewer.adviser, lead_id)
        return _lead_response(request, session, viewer, detail, status_code=status,
                              errors={"message": str(exc)},
                              form={"action": "message", "text": form.get("text", "")})
    return RedirectResponse(f"/advisers/leads/{lead_id}?done=message#thread", status_code=303)
