"""Job alerts in the dashboard: active alerts counted by area and role, nothing personal."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from carecareers.alerts import active_alert_counts
from web.auth import CurrentViewer, DbSession
from web.routes.advisers.common import dashboard_router, render

router = dashboard_router()


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    counts = active_alert_counts(session)
    return render(request, "alerts.html", viewer, counts=counts,
                  total=sum(c.count for c in counts))
