"""Follow-up (how providers follow up leads, and who is waiting), the values check's hardest
situations, unanswered questions (for content work) and the audit log (for admins)."""

from __future__ import annotations

from datetime import timedelta

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from carecareers.dashboard import group_unanswered
from carecareers.dashboard.audit_log import audit_page
from carecareers.outcomes.waiting import follow_up_picture
from carecareers.values import content as values_content
from carecareers.values import hardest_situations
from web.auth import AdminViewer, CurrentViewer, DbSession, StaffViewer
from web.deps import get_clock
from web.routes.advisers.charts import percent
from web.routes.advisers.common import dashboard_router, query_string, render
from web.routes.advisers.leads import page_number

router = dashboard_router()
QUESTION_PERIODS = (7, 30, 90, 365)
VALUES_PERIODS = (1, 3, 12)  # months
SMALLEST_SHOWN = 5  # a situation answered by fewer finished checks shows no figures


@router.get("/follow-up", response_class=HTMLResponse)
def follow_up_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    """Each provider's follow-up figures and the overdue leads; a provider user sees its own."""
    settings = request.app.state.settings
    own = None if viewer.is_staff else (viewer.adviser.provider_id or -1)
    picture = follow_up_picture(session, get_clock(request).today(),
                                settings.lead_contact_days, provider_id=own)
    return render(request, "follow_up.html", viewer, picture=picture,
                  contact_days=settings.lead_contact_days)


@router.get("/values", response_class=HTMLResponse)
def values_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    """Which "Is care for me?" situations people find hardest: anonymous monthly counts, the
    same for every account (they hold nobody)."""
    raw = request.query_params.get("months", "12")
    months = int(raw) if raw in {str(p) for p in VALUES_PERIODS} else 12
    today = get_clock(request).today()
    first = today.replace(day=1)
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    found = hardest_situations(session, values_content(), since=first)
    # Situations too few people answered show no figures, so they go last, out of the order.
    rows = sorted(found, key=lambda row: row.answered < SMALLEST_SHOWN)
    return render(request, "values.html", viewer, rows=rows, months=months,
                  periods=VALUES_PERIODS, smallest=SMALLEST_SHOWN, percent=percent)


@router.get("/questions", response_class=HTMLResponse)
def questions_page(request: Request, session: DbSession, viewer: StaffViewer) -> Response:
    raw = request.query_params.get("days", "30")
    days = int(raw) if raw in {str(p) for p in QUESTION_PERIODS} else 30
    groups = group_unanswered(session, since=get_clock(request).now() - timedelta(days=days))
    return render(request, "questions.html", viewer, groups=groups, days=days,
                  periods=QUESTION_PERIODS, total=sum(g.count for g in groups))


@router.get("/audit", response_class=HTMLResponse)
def audit_log_page(request: Request, session: DbSession, viewer: AdminViewer) -> Response:
    action = request.query_params.get("action", "")[:64] or None
    page = audit_page(session, action, page_number(request.query_params.get("page")))
    params = {"action": action} if action else {}
    return render(request, "audit.html", viewer, page=page, action=action, params=params,
                  query_string=query_string, action_options=[(a, a) for a in page.actions])
