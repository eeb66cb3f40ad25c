"""Referral links kept: a provider makes one for a member of its staff, and switches it off
and on again; each is a campaign of kind "referral" owned by the provider, named by its label.

A provider user manages only its own organisation's links; the programme's staff (admins and
advisers) may see and manage any provider's. Making and switching a link is audited, by its
code only: the label, a member of staff's first name, is not copied into the audit log.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.advisers.accounts import is_staff
from carecareers.advisers.scope import providers_for
from carecareers.campaigns.service import create_campaign, find_campaign
from carecareers.models import Adviser, Campaign, Provider
from carecareers.referrals.labels import ReferralError, new_code, read_label

REFERRAL = "referral"
CODE_TRIES = 10  # 31 ** 7 codes: a clash is rare, ten in a row never happen


class ReferralNotFound(LookupError):
    """There is no such referral link (or provider)."""


class NotYours(PermissionError):
    """A provider user asked for another organisation's referral links."""


def may_manage(adviser: Adviser, provider_id: int) -> bool:
    """Staff manage every provider's links; a provider user only its own organisation's."""
    return is_staff(adviser) or (adviser.provider_id is not None
                                 and adviser.provider_id == provider_id)




def chosen_provider(session: Session, adviser: Adviser, provider_id: int | None,
                    ) -> Provider | None:
    """The provider whose links to show: the one asked for, else the first this account may
    manage (None when there is none). Raise NotYours for another organisation's, and
    ReferralNotFound for a provider that does not exist."""
    if provider_id is None:
        return next(iter(providers_for(session, adviser)), None)
    if not may_manage(adviser, provider_id):
        raise NotYours(provider_id)
    provider = session.get(Provider, provider_id)
    if provider is None:
        raise ReferralNotFound(provider_id)
    return provider


def referrals_of(session: Session, provider_id: int) -> list[Campaign]:
    """The provider's referral links, by label."""
    return list(session.scalars(select(Campaign).where(
        Campaign.provider_id == provider_id, Campaign.kind == REFERRAL)
        .order_by(func.lower(Campaign.name), Campaign.code)))


def referral_for(session: Session, adviser: Adviser, code: str) -> Campaign:
    """The referral link with this code, if this account may manage it: raise
    ReferralNotFound when there is none, NotYours when it is another organisation's."""
    campaign = find_campaign(session, code)
    if campaign is None or campaign.kind != REFERRAL or campaign.provider_id is None:
        raise ReferralNotFound(code)
    if not may_manage(adviser, campaign.provider_id):
        raise NotYours(campaign.provider_id)
    return campaign


def create_referral(session: Session, provider: Provider, typed_label: str, actor: str,
                    now: datetime) -> Campaign:
    """Make a link for a member of the provider's staff; raise ReferralError for a label that
    cannot be one or that the provider already uses."""
    label = read_label(typed_label)
    if label.casefold() in {c.name.casefold() for c in referrals_of(session, provider.id)}:
        raise ReferralError("taken")
    campaign = create_campaign(session, _free_code(session), label, kind=REFERRAL,
                               provider_id=provider.id)
    campaign.created_at = now
    _audit(session, actor, "referral.created", campaign, now)
    return campaign


def _free_code(session: Session) -> str:
    for _ in range(CODE_TRIES):
        code = new_code()
        if find_campaign(session, code) is None:
            return code
    raise RuntimeError(f"no free referral code after {CODE_TRIES} tries")


def switch_off(session: Session, campaign: Campaign, actor: str, now: datetime) -> None:
    """From now on its link opens the chat but counts nothing, and the chat is not tagged."""
    if campaign.switched_off_at is None:
        campaign.switched_off_at = now
        _audit(session, actor, "referral.switched_off", campaign, now)


def switch_on(session: Session, campaign: Campaign, actor: str, now: datetime) -> None:
    """Its link counts and tags again (what happened while it was off stays uncounted)."""
    if campaign.switched_off_at is not None:
        campaign.switched_off_at = None
        _audit(session, actor, "referral.switched_on", campaign, now)


def _audit(session: Session, actor: str, action: str, campaign: Campaign,
           now: datetime) -> None:
    event = audit.record(session, actor, action, f"campaign:{campaign.code}",
                         provider=campaign.provider_id)
    event.at = now
    session.flush()
