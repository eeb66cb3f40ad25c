"""Campaigns: compare them, create and edit them, their funnel, QR codes and posters."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from carecareers.campaigns.qr import campaign_poster, qr_png, qr_svg
from carecareers.campaigns.service import (
    campaign_funnel,
    campaign_url,
    find_campaign,
    funnel_by_day,
)
from carecareers.catalogue import text
from carecareers.dashboard.campaigns import (
    CampaignFormError,
    add_campaign,
    edit_campaign,
    kind_labels,
    may_edit,
    read_campaign_form,
)
from carecareers.models import Campaign
from web.auth import DbSession, Forbidden, StaffViewer, Viewer
from web.deps import get_clock
from web.routes.advisers.charts import (
    CAMPAIGN_STEPS,
    day_chart,
    funnel_bars,
    funnel_height,
    percent,
)
from web.routes.advisers.common import CheckedForm, PageNotFound, dashboard_router, render

router = dashboard_router()
PERIODS = (7, 30, 90)
# What the charts over time count; their titles are dashboard.campaign.chart_titles.
CHARTS = ("visits", "conversations", "leads")
POSTER_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                 "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def _campaign(session: DbSession, code: str) -> Campaign:
    campaign = find_campaign(session, code)
    if campaign is None:
        raise PageNotFound(text("dashboard.campaigns.not_found"))
    return campaign


def _editable(session: DbSession, code: str) -> Campaign:
    campaign = _campaign(session, code)
    if not may_edit(campaign):
        raise Forbidden()
    return campaign


@router.get("/campaigns", response_class=HTMLResponse)
def campaigns_page(request: Request, session: DbSession, viewer: StaffViewer) -> Response:
    return render(request, "campaigns.html", viewer, rows=campaign_funnel(session),
                  kinds=kind_labels(), percent=percent)


@router.get("/campaigns/new", response_class=HTMLResponse)
def new_campaign_form(request: Request, viewer: StaffViewer) -> Response:
    return _form_page(request, viewer, None, {"kind": "food_bank"})


@router.post("/campaigns/new", response_class=HTMLResponse)
def create(request: Request, session: DbSession, viewer: StaffViewer,
           form: CheckedForm) -> Response:
    try:
        campaign = add_campaign(session, read_campaign_form(form), viewer.adviser.email)
    except CampaignFormError as exc:
        return _form_page(request, viewer, None, form, exc.errors)
    return RedirectResponse(f"/advisers/campaigns/{campaign.code}?done=created",
                            status_code=303)


def _form_page(request: Request, viewer: Viewer, campaign: Campaign | None,
               values: dict[str, str], errors: dict[str, str] | None = None) -> Response:
    return render(request, "campaign_form.html", viewer, status_code=400 if errors else 200,
                  campaign=campaign, values=values, errors=errors or {},
                  kinds=list(kind_labels(in_form=True).items()))


@router.get("/campaigns/{code}", response_class=HTMLResponse)
def campaign_page(request: Request, code: str, session: DbSession,
                  viewer: StaffViewer) -> Response:
    campaign = _campaign(session, code)
    days = int(request.query_params.get("days", "30")) \
        if request.query_params.get("days", "30") in {str(p) for p in PERIODS} else 30
    row = campaign_funnel(session, campaign.code)[0]
    history = funnel_by_day(session, campaign.code, days, today=get_clock(request).today())
    dates = [d.day for d in history]
    charts = [day_chart(text(f"dashboard.campaign.chart_titles.{name}"), dates,
                        [getattr(d, name) for d in history]) for name in CHARTS]
    return render(request, "campaign.html", viewer, campaign=campaign, row=row,
                  bars=funnel_bars(row, CAMPAIGN_STEPS),
                  funnel_height=funnel_height(CAMPAIGN_STEPS), history=history,
                  charts=charts, days=days, periods=PERIODS, kinds=kind_labels(),
                  editable=may_edit(campaign),
                  url=campaign_url(request.app.state.settings.public_base_url, campaign.code),
                  done=request.query_params.get("done"))


@router.get("/campaigns/{code}/edit", response_class=HTMLResponse)
def edit_form(request: Request, code: str, session: DbSession, viewer: StaffViewer,
              ) -> Response:
    campaign = _editable(session, code)
    values = {"name": campaign.name, "kind": campaign.kind, "place": campaign.place or "",
              "starts_on": campaign.starts_on.isoformat() if campaign.starts_on else "",
              "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else ""}
    return _form_page(request, viewer, campaign, values)


@router.post("/campaigns/{code}/edit", response_class=HTMLResponse)
def edit(request: Request, code: str, session: DbSession, viewer: StaffViewer,
         form: CheckedForm) -> Response:
    campaign = _editable(session, code)
    try:
        edit_campaign(session, campaign, read_campaign_form(form, editing=campaign),
                      viewer.adviser.email)
    except CampaignFormError as exc:
        return _form_page(request, viewer, campaign, form, exc.errors)
    return RedirectResponse(f"/advisers/campaigns/{campaign.code}?done=saved", status_code=303)


def _download(content: bytes, media_type: str, filename: str) -> Response:
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@router.get("/campaigns/{code}/qr.png")
def qr_code_png(request: Request, code: str, session: DbSession, viewer: StaffViewer,
                ) -> Response:
    campaign = _campaign(session, code)
    url = campaign_url(request.app.state.settings.public_base_url, campaign.code)
    return _download(qr_png(url), "image/png", f"qr-{campaign.code}.png")


@router.get("/campaigns/{code}/qr.svg")
def qr_code_svg(request: Request, code: str, session: DbSession, viewer: StaffViewer,
                ) -> Response:
    campaign = _campaign(session, code)
    url = campaign_url(request.app.state.settings.public_base_url, campaign.code)
    return _download(qr_svg(url).encode("utf-8"), "image/svg+xml", f"qr-{campaign.code}.svg")


@router.get("/campaigns/{code}/poster", response_class=HTMLResponse)
def poster(request: Request, code: str, session: DbSession, viewer: StaffViewer) -> Response:
    campaign = _campaign(session, code)
    return HTMLResponse(campaign_poster(campaign, request.app.state.settings),
                        headers={"Content-Security-Policy": POSTER_POLICY})
