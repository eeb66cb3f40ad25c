"""Careers content health, for admins: facts without a source or date, out-of-date tables."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from carecareers.careers.audit import check_content
from web.auth import AdminViewer
from web.deps import get_clock
from web.routes.advisers.common import dashboard_router, render

router = dashboard_router()


@router.get("/content", response_class=HTMLResponse)
def content_page(request: Request, viewer: AdminViewer) -> Response:
    settings = request.app.state.settings
    today = get_clock(request).today()
    findings = check_content(settings.content_dir, today)
    return render(request, "content.html", viewer, findings=findings, today=today)
