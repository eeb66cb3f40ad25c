"""Campaign forms: check what was typed, then create or edit the campaign."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.campaigns.service import (
    CAMPAIGN_KINDS,
    PROVIDER_KINDS,
    CampaignError,
    create_campaign,
    normalise_code,
)
from carecareers.catalogue import text
from carecareers.models import Campaign


def kind_labels(in_form: bool = False) -> dict[str, str]:
    """Each kind of campaign with its words (dashboard.campaigns.kinds), in the form's order;
    `in_form`: only the kinds the campaign form creates (not a provider's own kinds)."""
    kinds = CAMPAIGN_KINDS if in_form else CAMPAIGN_KINDS + PROVIDER_KINDS
    return {kind: text(f"dashboard.campaigns.kinds.{kind}") for kind in kinds}


def may_edit(campaign: Campaign) -> bool:
    """The campaign form edits the programme's own campaigns, not a provider's (a member of
    staff's referral link, its website's widget): it cannot keep their kind or owner."""
    return campaign.provider_id is None and campaign.kind not in PROVIDER_KINDS


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
        errors["code"] = _error("code")
    name = data.get("name", "").strip()
    if not name:
        errors["name"] = _error("name")
    elif len(name) > 200:
        errors["name"] = _error("name_too_long")
    kind = data.get("kind", "")
    if kind not in CAMPAIGN_KINDS:
        errors["kind"] = _error("kind")
    place = data.get("place", "").strip()
    if len(place) > 200:
        errors["place"] = _error("place_too_long")
    starts_on = _date(data.get("starts_on", ""), "starts_on", errors)
    ends_on = _date(data.get("ends_on", ""), "ends_on", errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = _error("ends_first")
    if errors:
        raise CampaignFormError(errors)
    return CampaignValues(code or "", name, kind, place or None, starts_on, ends_on)


def _date(raw: str, name: str, errors: dict[str, str]) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        errors[name] = _error("date")
        return None


def _error(why: str) -> str:
    """What to fix in the campaign form (dashboard.campaign_form.errors)."""
    return text(f"dashboard.campaign_form.errors.{why}")


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
