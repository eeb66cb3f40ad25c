"""Record a person's interest as a lead, with its consent, and route it to providers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.campaigns.service import live_campaign
from carecareers.channels import contact_method_named
from carecareers.forms.consent import ConsentWording
from carecareers.forms.validation import Age, InvalidAnswer
from carecareers.models import Campaign, Consent, Lead, LeadRoute, Provider

GENERAL_INTERESTS = {"any", "apprenticeships", "not_sure"}


@dataclass(frozen=True)
class InterestDetails:
    sender_id: str
    first_name: str
    age: Age
    contact_method: str
    contact_detail: str
    outcode: str
    channel: str
    postcode: str | None = None
    interests: Sequence[str] = ()
    campaign_code: str | None = None
    wants_callback: bool = False
    shown_vacancy_ids: Sequence[int] = field(default_factory=tuple)


def record_interest(session: Session, details: InterestDetails, consent: ConsentWording,
                    now: datetime) -> Lead:
    """Create or update the person's lead with a new consent record, in the caller's transaction."""
    if not details.age.can_consent:
        raise InvalidAnswer("under 16: no details are stored")
    lead = session.scalars(select(Lead).where(Lead.sender_id == details.sender_id)).first()
    updated = lead is not None
    if lead is None:
        lead = Lead(sender_id=details.sender_id, created_at=now,
                    duplicate_of_id=_same_contact(session, details))
        session.add(lead)
    _apply(lead, details, session, now)
    lead.consents.append(Consent(wording_version=consent.version, wording=consent.text,
                                 channels=list(consent.channels), given_at=now))
    session.flush()
    route_lead(session, lead)
    audit.record(session, "assistant", "lead.recorded", f"lead:{lead.id}",
                 channel=details.channel, campaign=details.campaign_code, updated=updated)
    return lead


def _same_contact(session: Session, details: InterestDetails) -> int | None:
    """The id of another conversation's lead with the same phone or email, if any.

    Only the conversation that made a lead can change it: someone typing another person's
    phone or email gets a lead of their own, flagged for advisers as a possible duplicate,
    and the other person's lead is neither changed nor re-routed.
    """
    column = {"phone": Lead.phone, "email": Lead.email}.get(details.contact_method)
    if column is None:
        return None
    return session.scalars(select(Lead.id).where(
        column == details.contact_detail, Lead.sender_id != details.sender_id)
        .order_by(Lead.id)).first()


def _apply(lead: Lead, details: InterestDetails, session: Session, now: datetime) -> None:
    lead.first_name = details.first_name
    lead.age = details.age.years
    lead.age_band = details.age.band
    lead.contact_method = details.contact_method
    lead.phone = details.contact_detail if details.contact_method == "phone" else None
    lead.email = details.contact_detail if details.contact_method == "email" else None
    lead.chat_account = (details.contact_detail
                         if contact_method_named(details.contact_method) else None)
    lead.postcode = details.postcode
    lead.outcode = details.outcode
    lead.interests = list(details.interests)
    lead.wants_callback = details.wants_callback
    lead.channel = details.channel
    lead.shown_vacancy_ids = sorted(set(lead.shown_vacancy_ids or []) |
                                    set(details.shown_vacancy_ids))
    campaign = live_campaign(session, details.campaign_code)  # a link switched off tags nothing
    if campaign is not None:
        lead.campaign_id = campaign.id
    if lead.status in ("withdrawn", "closed"):
        lead.status = "new"
    lead.updated_at = now
    lead.last_activity_at = now


def covers(areas: Iterable[str], outcode: str | None) -> bool:
    """True when a provider area (an outward code like ST4, or an area like ST) holds outcode."""
    if not outcode:
        return False
    outcode = outcode.upper()
    letters = "".join(ch for ch in outcode[:2] if ch.isalpha())
    return any(area == outcode or (area.isalpha() and area == letters) for area in areas)


def matching_providers(session: Session, outcode: str | None,
                       interests: Sequence[str]) -> list[Provider]:
    """Providers in the person's area, those recruiting for their interests first."""
    local = [p for p in session.scalars(select(Provider).where(Provider.active).order_by(
        Provider.name)) if covers(p.areas, outcode)]
    wanted = set(interests) - GENERAL_INTERESTS
    if not wanted:
        return local
    keen = [p for p in local if wanted & (set(p.roles or []) | set(p.programmes or []))]
    return keen or local


def referring_provider(session: Session, campaign_id: int | None) -> Provider | None:
    """The active provider whose own link brought the person (a member of its staff's
    referral, its website), or None."""
    if campaign_id is None:
        return None
    return session.scalar(select(Provider).join(Campaign, Campaign.provider_id == Provider.id)
                          .where(Campaign.id == campaign_id, Provider.active.is_(True)))


def lead_providers(session: Session, outcode: str | None, interests: Sequence[str],
                   campaign_id: int | None) -> list[Provider]:
    """The providers a lead goes to: those matching it, and the provider whose link brought
    the person, wherever they live (the consent question names each of them)."""
    providers = matching_providers(session, outcode, interests)
    referrer = referring_provider(session, campaign_id)
    if referrer is not None and referrer not in providers:
        providers.append(referrer)
    return providers


def route_lead(session: Session, lead: Lead) -> list[Provider]:
    """Pass the lead to each of its providers it has not been passed to yet."""
    providers = lead_providers(session, lead.outcode, lead.interests or [], lead.campaign_id)
    routed = {route.provider_id for route in lead.routes}
    for provider in providers:
        if provider.id not in routed:
            lead.routes.append(LeadRoute(provider_id=provider.id))
    session.flush()
    return providers
