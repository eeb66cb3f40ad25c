"""The jobs widget in the dashboard: the tag to copy, a live preview, and its counts by site."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from carecareers.advisers.accounts import is_staff
from carecareers.advisers.scope import providers_for
from carecareers.campaigns.widget import script_url, site_counts, snippet
from carecareers.careers.content import load_content
from carecareers.dashboard.website import programme_campaigns, read_website_choice
from web.auth import CurrentViewer, DbSession
from web.deps import get_clock
from web.routes.advisers.common import dashboard_router, render

router = dashboard_router()


@router.get("/website", response_class=HTMLResponse)
def website_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    settings = request.app.state.settings
    content = load_content(settings.content_dir)
    roles = [(r.code, r.name[:1].upper() + r.name[1:]) for r in content.roles]
    asked = read_website_choice(session, viewer.adviser, request.query_params,
                                [code for code, _ in roles])
    base = settings.public_base_url.rstrip("/")
    choice = asked.choice
    staff = is_staff(viewer.adviser)
    counts = site_counts(session, None if staff else viewer.adviser.provider_id,
                         get_clock(request).today())
    return render(
        request, "website.html", viewer, status_code=400 if asked.errors else 200,
        values=asked.values, errors=asked.errors, roles=roles,
        providers=providers_for(session, viewer.adviser), staff=staff,
        campaigns=programme_campaigns(session) if staff else [],
        tag=snippet(base, choice) if choice else None,
        preview=script_url("", choice) if choice else None,  # same origin: the page's CSP
        origin=base, counts=counts)
