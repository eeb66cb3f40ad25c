"""Staff referrals in the dashboard: a provider's links with their QR codes and counts, making
one, switching one off and on. Nothing about the friends who used a link: counts only."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carecareers.advisers.scope import providers_for
from carecareers.campaigns.qr import qr_png, qr_svg
from carecareers.campaigns.service import campaign_url
from carecareers.catalogue import text
from carecareers.models import Campaign, Provider
from carecareers.referrals import (
    LABEL_LIMIT,
    NotYours,
    ReferralError,
    ReferralNotFound,
    chosen_provider,
    create_referral,
    referral_for,
    referral_funnel,
    switch_off,
    switch_on,
)
from web.auth import CurrentViewer, DbSession, Forbidden, Viewer
from web.deps import get_clock
from web.routes.advisers.common import CheckedForm, PageNotFound, dashboard_router, render

router = dashboard_router()


def _not_found() -> PageNotFound:
    return PageNotFound(text("dashboard.referrals.not_found"))


def _provider(session: DbSession, viewer: Viewer, asked: str | None) -> Provider | None:
    """The provider whose links to show: `asked` (an id), or the first this account may see."""
    if asked is not None and not asked.isdigit():
        raise _not_found()
    try:
        return chosen_provider(session, viewer.adviser, int(asked) if asked else None)
    except NotYours:
        raise Forbidden() from None
    except ReferralNotFound:
        raise _not_found() from None


def _referral(session: DbSession, viewer: Viewer, code: str) -> Campaign:
    try:
        return referral_for(session, viewer.adviser, code)
    except NotYours:
        raise Forbidden() from None
    except ReferralNotFound:
        raise _not_found() from None


def _page(request: Request, session: DbSession, viewer: Viewer, provider: Provider | None,
          errors: dict[str, str] | None = None, label: str = "") -> Response:
    base_url = request.app.state.settings.public_base_url
    rows = referral_funnel(session, provider.id) if provider else []
    providers = providers_for(session, viewer.adviser) if viewer.is_staff else []
    return render(request, "referrals.html", viewer, status_code=400 if errors else 200,
                  provider=provider, rows=rows, errors=errors or {}, label=label,
                  urls={row.code: campaign_url(base_url, row.code) for row in rows},
                  provider_options=[(str(p.id), p.name) for p in providers],
                  limit=LABEL_LIMIT, done=request.query_params.get("done"))


def _back(provider_id: int | None, done: str) -> RedirectResponse:
    query = urlencode({"provider": provider_id, "done": done})
    return RedirectResponse(f"/advisers/referrals?{query}", status_code=303)


@router.get("/referrals", response_class=HTMLResponse)
def referrals_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    return _page(request, session, viewer,
                 _provider(session, viewer, request.query_params.get("provider")))


@router.post("/referrals", response_class=HTMLResponse)
def create(request: Request, session: DbSession, viewer: CurrentViewer,
           form: CheckedForm) -> Response:
    provider = _provider(session, viewer, form.get("provider") or None)
    if provider is None:
        raise Forbidden()
    try:
        create_referral(session, provider, form.get("label", ""), viewer.adviser.email,
                        get_clock(request).now())
    except ReferralError as exc:
        return _page(request, session, viewer, provider, {exc.field: str(exc)},
                     form.get("label", ""))
    return _back(provider.id, "created")


@router.post("/referrals/{code}/switch-off", response_class=HTMLResponse)
def switch_referral_off(request: Request, code: str, session: DbSession, viewer: CurrentViewer,
                        form: CheckedForm) -> Response:
    referral = _referral(session, viewer, code)
    switch_off(session, referral, viewer.adviser.email, get_clock(request).now())
    return _back(referral.provider_id, "switched_off")


@router.post("/referrals/{code}/switch-on", response_class=HTMLResponse)
def switch_referral_on(request: Request, code: str, session: DbSession, viewer: CurrentViewer,
                       form: CheckedForm) -> Response:
    referral = _referral(session, viewer, code)
    switch_on(session, referral, viewer.adviser.email, get_clock(request).now())
    return _back(referral.provider_id, "switched_on")


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/referrals/{code}/qr.png")
def qr_code_png(request: Request, code: str, session: DbSession,
                viewer: CurrentViewer) -> Response:
    referral = _referral(session, viewer, code)
    url = campaign_url(request.app.state.settings.public_base_url, referral.code)
    return _download(qr_png(url), "image/png", f"qr-{referral.code}.png")


@router.get("/referrals/{code}/qr.svg")
def qr_code_svg(request: Request, code: str, session: DbSession,
                viewer: CurrentViewer) -> Response:
    referral = _referral(session, viewer, code)
    url = campaign_url(request.app.state.settings.public_base_url, referral.code)
    return _download(qr_svg(url).encode("utf-8"), "image/svg+xml", f"qr-{referral.code}.svg")
