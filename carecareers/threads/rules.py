"""Who may write to whom, and how often: the safeguarding rules of adviser conversations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.advisers.accounts import is_staff
from carecareers.channels import label_of
from carecareers.conversation.senders import WEB_PREFIX
from carecareers.delivery import CHAT_CHANNELS, address_for
from carecareers.models import Adviser, AdviserThread, Lead, LeadRoute, Provider, ThreadMessage
from carecareers.threads.errors import BadMessage, TooManyMessages

MIN_AGE = 16
MAX_TEXT_LENGTH = 2000
# Floods: at most this many messages to one person, and from one account, in an hour.
PER_LEAD_PER_HOUR = 5
PER_ADVISER_PER_HOUR = 60
WINDOW = timedelta(hours=1)


@dataclass(frozen=True)
class Author:
    """How the person sees who wrote: a named person at a named organisation."""

    name: str
    organisation: str
    provider_id: int | None


def author_for(session: Session, adviser: Adviser, staff_organisation: str) -> Author:
    """The adviser's name, and their provider's name (or the partnership's, for staff)."""
    provider = session.get(Provider, adviser.provider_id) if adviser.provider_id else None
    organisation = provider.name if provider is not None else staff_organisation
    return Author(display_name(adviser), organisation, provider.id if provider else None)


def display_name(adviser: Adviser) -> str:
    """The name the adviser chose, else the first part of their email address."""
    if adviser.display_name and adviser.display_name.strip():
        return adviser.display_name.strip()
    local = adviser.email.split("@", 1)[0]
    return local.replace("_", ".").split(".", 1)[0].capitalize() or "An adviser"


def under_16(lead: Lead) -> bool:
    return (lead.age is not None and lead.age < MIN_AGE) or lead.age_band == "under_16"


def agreed_to_chat(lead: Lead) -> bool:
    """A consent to be contacted in the chat they came through that still stands, or a
    request for a person."""
    consented = any(c.withdrawn_at is None and lead.channel in (c.channels or [])
                    for c in lead.consents)
    asked = lead.wants_callback and any(c.withdrawn_at is None for c in lead.consents)
    return consented or asked


def chat_address(session: Session, lead: Lead) -> str | None:
    """The chat the lead came through, when messages can be sent to it; else None."""
    if lead.channel not in CHAT_CHANNELS:
        return None
    return address_for(session, lead.sender_id, lead.channel)


def came_through_web(lead: Lead) -> bool:
    """A lead from the web chat: their browser's chat cookie holds their sender id."""
    return lead.channel == "web" and lead.sender_id.startswith(WEB_PREFIX)


def agreed_to_contact(lead: Lead) -> bool:
    """A consent to be contacted that still stands (asking for a person needs one too)."""
    return any(c.withdrawn_at is None for c in lead.consents)


def agreed_to_email(lead: Lead) -> bool:
    """An email address, and a standing consent to be contacted by email."""
    return bool(lead.email) and any(c.withdrawn_at is None and "email" in (c.channels or [])
                                    for c in lead.consents)


def routed_to(session: Session, lead: Lead, provider_id: int | None) -> bool:
    if provider_id is None:
        return False
    return session.scalar(select(LeadRoute.id).where(
        LeadRoute.lead_id == lead.id, LeadRoute.provider_id == provider_id)) is not None


def refusal(session: Session, lead: Lead, adviser: Adviser) -> str | None:
    """Why this account may not write to this person in the chat; None when it may.

    Leads from a chat channel that delivers later are written to in that chat; web chat
    leads see the message the next time they open the chat in the same browser (and by
    email, if they chose it).
    """
    if not is_staff(adviser) and not routed_to(session, lead, adviser.provider_id):
        return _refused("not_routed")
    if under_16(lead):
        return _refused("under_16")
    if lead.status == "withdrawn":
        return _refused("withdrawn")
    if came_through_web(lead):
        return None if agreed_to_contact(lead) else _refused("no_consent")
    if chat_address(session, lead) is None:
        return _refused("no_chat", chats=" or ".join(label_of(c) for c in CHAT_CHANNELS))
    if not agreed_to_chat(lead):
        return _refused("no_chat_consent", channel=label_of(lead.channel))
    return None


def _refused(reason: str, **values: str) -> str:
    return catalogue.text(f"dashboard.threads.refusals.{reason}", **values)


def check_text(text: str) -> str:
    cleaned = text.strip()
    if not cleaned:
        raise BadMessage("Write a message first.")
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise BadMessage(f"A message can have at most {MAX_TEXT_LENGTH} characters "
                         f"(this one has {len(cleaned)}).")
    return cleaned


def check_rate(session: Session, lead: Lead, adviser: Adviser, now: datetime) -> None:
    """Refuse a message past the per-person or per-account hourly limit."""
    since = now - WINDOW
    recent = (select(func.count()).select_from(ThreadMessage)
              .where(ThreadMessage.direction == "to_person", ThreadMessage.created_at >= since))
    to_lead = session.scalar(recent.join(AdviserThread).where(AdviserThread.lead_id == lead.id))
    if (to_lead or 0) >= PER_LEAD_PER_HOUR:
        raise TooManyMessages(f"This person has had {PER_LEAD_PER_HOUR} messages in the last "
                              "hour. Wait for their reply before writing again.")
    by_adviser = session.scalar(recent.where(ThreadMessage.adviser_id == adviser.id))
    if (by_adviser or 0) >= PER_ADVISER_PER_HOUR:
        raise TooManyMessages(f"You have sent {PER_ADVISER_PER_HOUR} messages in the last "
                              "hour. Try again later.")
