"""Plain pages: home and the privacy notice."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from carecareers.leads.privacy import load_privacy_notice, retention_periods
from carecareers.settings import Settings
from web.deps import get_settings

router = APIRouter()


@router.get("/", include_in_schema=False)
def home() -> RedirectResponse:
    return RedirectResponse("/chat")


@router.get("/privacy", response_class=HTMLResponse)
def privacy(request: Request, settings: Settings = Depends(get_settings)) -> HTMLResponse:
    notice = load_privacy_notice(settings.content_dir, retention_periods(settings))
    return request.app.state.templates.TemplateResponse(
        request, "privacy.html", {"notice": notice}
    )
