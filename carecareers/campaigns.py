"""Campaigns: posters and events that bring people to the chat."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.models import Campaign, CampaignVisit, Conversation
from carecareers.models.base import utcnow

CAMPAIGN_KINDS = ("food_bank", "open_day", "school", "jobcentre", "community", "online")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class CampaignError(Exception):
    """A campaign could not be created as asked; the message says why."""


def normalise_code(code: str) -> str | None:
    """Return the code in its stored form, or None when it cannot be a campaign code."""
    code = code.strip()
    return code.upper() if CODE_PATTERN.match(code) else None


def create_campaign(session: Session, code: str, name: str, kind: str = "online",
                    place: str | None = None, starts_on: date | None = None,
                    ends_on: date | None = None) -> Campaign:
    stored_code = normalise_code(code)
    if stored_code is None:
        raise CampaignError("a campaign code is 1-64 letters, digits, '-' or '_'")
    if not name.strip():
        raise CampaignError("a campaign needs a name")
    if kind not in CAMPAIGN_KINDS:
        raise CampaignError(f"kind must be one of: {', '.join(CAMPAIGN_KINDS)}")
    if starts_on and ends_on and ends_on < starts_on:
        raise CampaignError("the campaign ends before it starts")
    if find_campaign(session, stored_code) is not None:
        raise CampaignError(f"campaign {stored_code} already exists")
    campaign = Campaign(code=stored_code, name=name.strip(), kind=kind, place=place,
                        starts_on=starts_on, ends_on=ends_on)
    session.add(campaign)
    session.flush()
    return campaign


def find_campaign(session: Session, code: str | None) -> Campaign | None:
    stored_code = normalise_code(code or "")
    if stored_code is None:
        return None
    return session.scalar(select(Campaign).where(Campaign.code == stored_code))


def record_visit(session: Session, code: str, channel: str = "web") -> Campaign | None:
    """Count one visit of a known campaign; an unknown code counts nothing."""
    campaign = find_campaign(session, code)
    if campaign is not None:
        session.add(CampaignVisit(campaign_id=campaign.id, channel=channel))
    return campaign


def record_message(session: Session, sender_id: str, channel: str,
                   campaign_code: str | None) -> Conversation:
    """Note that a conversation received a message, creating it on its first."""
    conversation = session.scalar(select(Conversation).where(Conversation.sender_id == sender_id))
    if conversation is None:
        campaign = find_campaign(session, campaign_code)
        conversation = Conversation(sender_id=sender_id, channel=channel,
                                    campaign_id=campaign.id if campaign else None,
                                    message_count=0)
        session.add(conversation)
    conversation.message_count += 1
    conversation.last_message_at = utcnow()
    session.flush()
    return conversation
