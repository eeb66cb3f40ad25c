"""The dashboard's page for the jobs widget: read what to show, and for whose website.

A provider user makes the tag for its own website: its own jobs (or an area's, or a role's),
with chats counted for its website campaign (made the first time). Programme staff make a
tag for any provider, or for the programme with any of its own campaigns.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.advisers.accounts import is_staff
from carecareers.advisers.scope import providers_for
from carecareers.campaigns.widget import WidgetChoice, website_campaign
from carecareers.catalogue import text
from carecareers.models import Adviser, Campaign, Provider
from carecareers.vacancies.listing import AREA

SHOWS = ("own", "area", "role")
MOST_SHOWN = 10
DEFAULT_SHOWN = 5


@dataclass
class WebsiteChoice:
    """What the form asked for, as typed (`values`), its mistakes, and the tag's choice when
    there are none."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    choice: WidgetChoice | None = None
    provider: Provider | None = None


def programme_campaigns(session: Session) -> list[Campaign]:
    """The programme's own campaigns that are not switched off (a tag may count for one)."""
    return list(session.scalars(select(Campaign).where(
        Campaign.provider_id.is_(None), Campaign.switched_off_at.is_(None))
        .order_by(Campaign.code)))


def read_website_choice(session: Session, adviser: Adviser, data: Mapping[str, str],
                        role_codes: Collection[str]) -> WebsiteChoice:
    providers = {str(p.id): p for p in providers_for(session, adviser)}
    staff = is_staff(adviser)
    first = "" if staff else next(iter(providers), "")
    values = {"provider": data.get("provider", first).strip(),
              "show": data.get("show", "").strip(), "area": data.get("area", "").strip(),
              "role": data.get("role", "").strip(), "campaign": data.get("campaign", "").strip(),
              "limit": data.get("limit", str(DEFAULT_SHOWN)).strip()}
    if not staff:
        values["provider"] = first  # a provider user's tag is always its own
    found = WebsiteChoice(values)
    provider = providers.get(values["provider"]) if values["provider"] else None
    if values["provider"] and provider is None:
        found.errors["provider"] = _error("provider")
    if values["show"] not in SHOWS:
        values["show"] = "own" if provider else "area"
    if values["show"] == "own" and provider is None and "provider" not in found.errors:
        found.errors["show"] = _error("own_needs_provider")
    area = values["area"].upper()
    if values["show"] == "area" and not AREA.fullmatch(area):
        found.errors["area"] = _error("area")
    if values["show"] == "role" and values["role"] not in role_codes:
        found.errors["role"] = _error("role")
    limit = int(values["limit"]) if values["limit"].isdigit() else DEFAULT_SHOWN
    values["limit"] = str(min(max(limit, 1), MOST_SHOWN))
    if found.errors:
        return found
    if provider is not None:
        campaign: str | None = website_campaign(
            session, provider, text("dashboard.website.campaign_name", provider=provider.name)
        ).code
    else:
        allowed = {c.code for c in programme_campaigns(session)}
        campaign = values["campaign"] if values["campaign"] in allowed else None
    found.provider = provider
    found.choice = WidgetChoice(
        provider=provider.code if provider and values["show"] == "own" else None,
        area=area if values["show"] == "area" else None,
        role=values["role"] if values["show"] == "role" else None,
        limit=int(values["limit"]), campaign=campaign)
    return found


def _error(key: str) -> str:
    return text(f"dashboard.website.errors.{key}")
