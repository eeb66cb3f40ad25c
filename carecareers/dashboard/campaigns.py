"""Campaign forms: check what was typed, then create or edit the campaign."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.campaigns.service import (
    CAMPAIGN_KINDS,
    CampaignError,
    create_campaign,
    normalise_code,
)
from carecareers.models import Campaign

KIND_LABELS = {
    "food_bank": "Food bank", "open_day": "Open day", "school": "School or college",
    "jobcentre": "Jobcentre", "community": "Community event", "online": "Online",
}


@dataclass(frozen=True)
class CampaignValues:
    code: str
    name: str
    kind: str
    place: str | None
    starts_on: date | None
    ends_on: date | None


class CampaignFormError(ValueError):
    """The form has mistakes: one message per field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


def read_campaign_form(data: Mapping[str, str], editing: Campaign | None = None,
                       ) -> CampaignValues:
    """Check a campaign form; raise CampaignFormError with a message per bad field."""
    errors: dict[str, str] = {}
    code = editing.code if editing else normalise_code(data.get("code", ""))
    if code is None:
        errors["code"] = "Use 1 to 64 letters, digits, '-' or '_' (no spaces)."
    name = data.get("name", "").strip()
    if not name:
        errors["name"] = "Give the campaign a name."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    kind = data.get("kind", "")
    if kind not in CAMPAIGN_KINDS:
        errors["kind"] = "Choose what kind of campaign it is."
    place = data.get("place", "").strip()
    if len(place) > 200:
        errors["place"] = "Keep the place under 200 characters."
    starts_on = _date(data.get("starts_on", ""), "starts_on", errors)
    ends_on = _date(data.get("ends_on", ""), "ends_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = "The end date is before the start date."
    if errors:
        raise CampaignFormError(errors)
    return CampaignValues(code or "", name, kind, place or None, starts_on, ends_on)


def _date(raw: str, name: str, errors: dict[str, str]) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors[name] = "Give a date as YYYY-MM-DD."
        return None


EDITABLE = ("name", "kind", "place", "starts_on", "ends_on")


def add_campaign(session: Session, values: CampaignValues, actor: str) -> Campaign:
    """Create the campaign; the audit log records who did, with what."""
    try:
        campaign = create_campaign(session, values.code, values.name, kind=values.kind,
                                   place=values.place, starts_on=values.starts_on,
                                   ends_on=values.ends_on)
    except CampaignError as exc:
        field = "code" if "exists" in str(exc) else "name"
        raise CampaignFormError({field: str(exc)[:1].upper() + str(exc)[1:] + "."}) from exc
    audit.record(session, actor, "campaign.created", f"campaign:{campaign.code}",
                 values={name: _plain(getattr(values, name)) for name in EDITABLE})
    return campaign


def edit_campaign(session: Session, campaign: Campaign, values: CampaignValues,
                  actor: str) -> Campaign:
    """Change everything but the code (printed posters point at it); audit what changed."""
    changes = {name: [_plain(getattr(campaign, name)), _plain(getattr(values, name))]
               for name in EDITABLE if getattr(campaign, name) != getattr(values, name)}
    for name in EDITABLE:
        setattr(campaign, name, getattr(values, name))
    if changes:
        audit.record(session, actor, "campaign.edited", f"campaign:{campaign.code}",
                     changes=changes)
    session.flush()
    return campaign


def _plain(value: object) -> str | None:
    """A value as the audit log's JSON keeps it."""
    return value.isoformat() if isinstance(value, date) else (
        None if value is None else str(value))
