"""The jobs widget on other websites: which campaign it counts for, and what it counts.

A provider (or the programme) puts one tag on its website. The widget shows open vacancies
and a "Questions? Chat with us" button that opens the web chat in place, tagged with the
campaign in the tag. What is counted, by day and by website (the embedding page's origin,
never its path): how often the widget was shown, how many chats were opened from it, and
how many of those the person wrote in. Nothing about a person is kept or counted.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode, urlsplit

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from carecareers.campaigns.service import create_campaign, find_campaign, live_campaign
from carecareers.models import Campaign, Provider, WidgetCount

UNKNOWN_SITE = "unknown"
SITE_MAX = 200
ORIGIN = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d{1,5})?$")
COUNTED = ("views", "chats_opened", "chats_started")
WEBSITE_PREFIX = "WEB-"


def site_of(referer: str | None) -> str:
    """The website a request came from: the origin of its Referer (browsers send only the
    origin to another site by default), or "unknown" when there is none or it is odd."""
    if not referer:
        return UNKNOWN_SITE
    parts = urlsplit(referer.strip())
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return origin if len(origin) <= SITE_MAX and ORIGIN.fullmatch(origin) else UNKNOWN_SITE


def widget_campaign(session: Session, code: str | None) -> Campaign | None:
    """The campaign a widget counts for: a live campaign, or None (then nothing is counted)."""
    return live_campaign(session, code) if code else None


def count(session: Session, campaign: Campaign, site: str, what: str, today: date) -> None:
    """Add one to `what` (views, chats_opened, chats_started) for the campaign, site and day,
    in one statement, so that requests at the same time never lose a count."""
    if what not in COUNTED:
        raise ValueError(f"cannot count {what!r}")
    values = {"day": today, "campaign_id": campaign.id, "site": site[:SITE_MAX],
              "views": 0, "chats_opened": 0, "chats_started": 0, what: 1}
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(WidgetCount).values(**values)
    column = getattr(WidgetCount, what)
    session.execute(statement.on_conflict_do_update(
        index_elements=["day", "campaign_id", "site"], set_={what: column + 1}))


@dataclass(frozen=True)
class SiteCounts:
    """One website's widget figures for one campaign over a period."""

    campaign: str
    site: str
    views: int
    chats_opened: int
    chats_started: int


def site_counts(session: Session, provider_id: int | None, today: date,
                days: int = 30) -> list[SiteCounts]:
    """Each campaign's widget figures by website over the last `days` days to `today`:
    a provider's own campaigns, or every campaign's (provider_id None), most viewed first."""
    since = today - timedelta(days=days - 1)
    views = func.sum(WidgetCount.views)
    query = (select(Campaign.code, WidgetCount.site, views, func.sum(WidgetCount.chats_opened),
                    func.sum(WidgetCount.chats_started))
             .join(Campaign, Campaign.id == WidgetCount.campaign_id)
             .where(WidgetCount.day >= since, WidgetCount.day <= today)
             .group_by(Campaign.code, WidgetCount.site)
             .order_by(views.desc(), Campaign.code, WidgetCount.site))
    if provider_id is not None:
        query = query.where(Campaign.provider_id == provider_id)
    return [SiteCounts(code, site, int(v or 0), int(o or 0), int(s or 0))
            for code, site, v, o, s in session.execute(query)]


def website_campaign(session: Session, provider: Provider, name: str) -> Campaign:
    """The provider's own campaign for its website (made on first use, named `name`)."""
    found = session.scalar(select(Campaign).where(
        Campaign.provider_id == provider.id, Campaign.kind == "website")
        .order_by(Campaign.id).limit(1))
    if found is not None:
        return found
    stem = WEBSITE_PREFIX + re.sub(r"[^A-Za-z0-9_-]", "-", provider.code).upper()[:56]
    code, n = stem, 1
    while find_campaign(session, code) is not None:
        n += 1
        code = f"{stem}-{n}"
    return create_campaign(session, code, name, kind="website", provider_id=provider.id)


@dataclass(frozen=True)
class WidgetChoice:
    """Which vacancies a widget shows (a provider's own, an area's, a role's) and how many,
    and the campaign its chats count for."""

    provider: str | None = None
    area: str | None = None
    role: str | None = None
    limit: int = 5
    campaign: str | None = None


def script_url(base_url: str, choice: WidgetChoice) -> str:
    """The widget script's address for this choice."""
    params = {"provider": choice.provider, "area": choice.area, "role": choice.role,
              "limit": choice.limit, "c": choice.campaign}
    shown = urlencode({k: v for k, v in params.items() if v})
    return f"{base_url.rstrip('/')}/widget.js" + (f"?{shown}" if shown else "")


def snippet(base_url: str, choice: WidgetChoice) -> str:
    """The one tag a website copies: the widget appears where the tag is."""
    src = html.escape(script_url(base_url, choice), quote=True)
    return f'<script async src="{src}"></script>'

