"""Campaigns: posters and events that bring people to the chat, and what they bring in.

Attribution is first-touch: a conversation belongs to the campaign that started it
(`Conversation.campaign_id` is set on its first message), and so do its leads.
"""

from __future__ import annotations

import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from markupsafe import Markup
from sqlalchemy import ColumnElement, Select, Update, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from carecareers.catalogue import markup, text
from carecareers.channels import Channel, registered
from carecareers.clock import uk_date, uk_midnight
from carecareers.models import (
    Booking,
    Campaign,
    CampaignVisit,
    CheckIn,
    Conversation,
    Event,
    Lead,
    ValuesCompletion,
)
from carecareers.settings import Settings

# The kinds the programme's staff create in the campaign form, then a provider's own kinds:
# a member of staff's referral link, and the widget on the provider's website.
CAMPAIGN_KINDS = ("food_bank", "open_day", "school", "jobcentre", "community", "online")
PROVIDER_KINDS = ("referral", "website")
CODE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
CONTACTED_STATUSES = ("contacted", "closed")
ERASED = "erased-"  # how the sender id of a conversation kept only as a count begins


class CampaignError(Exception):
    """A campaign could not be created or found as asked; the message says why."""


@dataclass(frozen=True)
class FunnelRow:
    """What one campaign brought in: visits, conversations, leads, leads contacted."""

    code: str
    name: str
    kind: str
    visits: int
    conversations: int
    leads: int
    contacted: int
    booked: int = 0  # places booked at events through this campaign
    attended: int = 0  # of them, arrived; and walk-ins at the campaign's events
    values_checks: int = 0  # "Is care for me?" checks finished in its conversations


@dataclass(frozen=True)
class DayRow:
    """One day (UK time) of a campaign's funnel."""

    day: date
    visits: int
    conversations: int
    leads: int


def normalise_code(code: str) -> str | None:
    """Return the code in its stored form, or None when it cannot be a campaign code."""
    code = code.strip()
    return code.upper() if CODE_PATTERN.match(code) else None


def normalise_kind(kind: str) -> str:
    """Accept "Food bank", "food-bank" or "food_bank" for the stored `food_bank`."""
    return re.sub(r"[\s-]+", "_", kind.strip().lower())


def create_campaign(session: Session, code: str, name: str, kind: str = "online",
                    place: str | None = None, starts_on: date | None = None,
                    ends_on: date | None = None, provider_id: int | None = None) -> Campaign:
    stored_code = normalise_code(code)
    if stored_code is None:
        raise CampaignError("a campaign code is 1-64 letters, digits, '-' or '_'")
    if not name.strip():
        raise CampaignError("a campaign needs a name")
    kind = normalise_kind(kind)
    if kind not in (PROVIDER_KINDS if provider_id is not None else CAMPAIGN_KINDS):
        raise CampaignError(f"kind must be one of: {', '.join(CAMPAIGN_KINDS)}")
    if starts_on and ends_on and ends_on < starts_on:
        raise CampaignError("the campaign ends before it starts")
    if find_campaign(session, stored_code) is not None:
        raise CampaignError(f"campaign {stored_code} already exists")
    campaign = Campaign(code=stored_code, name=name.strip(), kind=kind,
                        place=(place or "").strip() or None,
                        starts_on=starts_on, ends_on=ends_on, provider_id=provider_id)
    session.add(campaign)
    session.flush()
    return campaign


def find_campaign(session: Session, code: str | None) -> Campaign | None:
    stored_code = normalise_code(code or "")
    if stored_code is None:
        return None
    return session.scalar(select(Campaign).where(Campaign.code == stored_code))


def live_campaign(session: Session, code: str | None) -> Campaign | None:
    """The campaign a new visit or conversation is counted for: None when there is no such
    campaign or it was switched off (a switched-off link still opens the chat, untagged)."""
    campaign = find_campaign(session, code)
    return campaign if campaign is not None and campaign.switched_off_at is None else None


def get_campaign(session: Session, code: str) -> Campaign:
    """Return the campaign, or raise CampaignError saying that there is none."""
    campaign = find_campaign(session, code)
    if campaign is None:
        raise CampaignError(f"there is no campaign {code.strip().upper()!r}")
    return campaign


def list_campaigns(session: Session) -> list[Campaign]:
    """Every campaign, newest first."""
    return list(session.scalars(
        select(Campaign).order_by(Campaign.created_at.desc(), Campaign.code)))


def campaign_url(public_base_url: str, code: str) -> str:
    """The link a campaign's QR code points at: PUBLIC_BASE_URL/c/CODE."""
    return f"{public_base_url.rstrip('/')}/c/{quote(code, safe='')}"


@dataclass(frozen=True)
class ChannelLink:
    """A link that opens a channel's chat, passing the campaign on (the chat page, posters)."""

    channel: Channel
    url: str
    account: str  # the account the link opens, as people would search for it

    def words(self, key: str, /, **values: Any) -> Markup:
        """What the chat page and posters say about the link, for an HTML page: the
        catalogue's web.channels.<channel>.<key> (continue, elsewhere, find_us)."""
        return markup(f"web.channels.{self.channel.name}.{key}", **values)

    @property
    def shown_account(self) -> str:
        return text(f"web.channels.{self.channel.name}.account_shown", account=self.account)


def channel_link(channel: Channel, account: str, code: str | None = None) -> ChannelLink | None:
    """The link that opens `account` on this channel (with the campaign, when the code is
    one), or None when the channel has no such link or the account is not a valid name."""
    link, account = channel.link, account.strip().lstrip("@")
    if link is None or not link.account_pattern.fullmatch(account):
        return None
    stored_code = normalise_code(code or "")
    url = (link.campaign_url.format(account=account, campaign=stored_code) if stored_code
           else link.url.format(account=account))
    return ChannelLink(channel, url, account)


def channel_links(settings: Settings, code: str | None = None) -> list[ChannelLink]:
    """A link for each channel that has one and whose account is set (content/channels.yml)."""
    found = [channel_link(channel, str(getattr(settings, channel.link.account_setting, "")), code)
             for channel in registered() if channel.link is not None]
    return [link for link in found if link is not None]


def record_landing(session: Session, code: str, last_counted: str | None,
                   channel: str = "web", *, now: datetime) -> Campaign | None:
    """Count a visit unless this browser's last counted visit was of the same campaign.

    A reload of the landing page, or a second scan of the same poster from the same
    phone, is one visit; no address or other personal data is stored. A switched-off
    campaign counts nothing and is not returned.
    """
    campaign = live_campaign(session, code)
    if campaign is not None and campaign.code != last_counted:
        session.add(CampaignVisit(campaign_id=campaign.id, channel=channel, visited_at=now))
    return campaign


def record_message(session: Session, sender_id: str, channel: str,
                   campaign_code: str | None, *, now: datetime) -> None:
    """Note that a conversation received a message, creating it on its first.

    One UPDATE for every message but the first (`count_message`).
    """
    if session.execute(count_message(sender_id, now)).rowcount:
        return
    campaign = live_campaign(session, campaign_code)
    session.add(Conversation(sender_id=sender_id, channel=channel,
                             campaign_id=campaign.id if campaign else None,
                             message_count=1, started_at=now, last_message_at=now))
    session.flush()


def count_message(sender_id: str, now: datetime) -> Update:
    """One more message in the person's conversation: the count goes up in the database, so
    that two messages at once are both counted. It changes no row before their first
    (`record_message` creates the conversation then)."""
    return update(Conversation).where(Conversation.sender_id == sender_id).values(
        message_count=Conversation.message_count + 1, last_message_at=now)


def forget_conversation(session: Session, sender_id: str) -> None:
    """Unlink a conversation from its sender, keeping only the anonymous campaign counts."""
    conversation = session.scalar(select(Conversation).where(Conversation.sender_id == sender_id))
    if conversation is not None:
        conversation.sender_id = unlinked_sender()


def unlinked_sender() -> str:
    """A sender id that is no one's, for a conversation kept only as a count (ERASED...)."""
    return ERASED + secrets.token_hex(12)


def _count_for_campaign(column: InstrumentedAttribute[int | None],
                        *conditions: ColumnElement[bool]) -> ColumnElement[int]:
    table = column.class_
    query = select(func.count()).select_from(table).where(column == Campaign.id, *conditions)
    return query.scalar_subquery()


def _walk_ins() -> ColumnElement[int]:
    events = select(Event.id).where(Event.campaign_id == Campaign.id)
    return select(func.count()).select_from(CheckIn).where(
        CheckIn.walk_in.is_(True), CheckIn.event_id.in_(events)).scalar_subquery()


def _funnel_query() -> Select[tuple[str, str, str, int, int, int, int, int, int, int]]:
    return select(
        Campaign.code, Campaign.name, Campaign.kind,
        _count_for_campaign(CampaignVisit.campaign_id),
        _count_for_campaign(Conversation.campaign_id),
        _count_for_campaign(Lead.campaign_id),
        _count_for_campaign(Lead.campaign_id, Lead.status.in_(CONTACTED_STATUSES)),
        _count_for_campaign(Booking.campaign_id),
        _count_for_campaign(Booking.campaign_id, Booking.status == "attended") + _walk_ins(),
        _count_for_campaign(ValuesCompletion.campaign_id),
    ).order_by(Campaign.created_at.desc(), Campaign.code)


def campaign_funnel(session: Session, code: str | None = None) -> list[FunnelRow]:
    """Visits, conversations, leads and leads contacted of every campaign (or of one).

    An unknown `code` gives an empty list.
    """
    query = _funnel_query()
    if code is not None:
        query = query.where(Campaign.code == (normalise_code(code) or ""))
    return [FunnelRow(*row) for row in session.execute(query)]


def funnel_by_day(session: Session, code: str, days: int = 30, *,
                  today: date) -> list[DayRow]:
    """The campaign's last `days` days to `today` (UK dates, oldest first, empty days too)."""
    campaign = get_campaign(session, code)
    first = today - timedelta(days=max(days, 1) - 1)
    since = uk_midnight(first)
    visits = _days(session, CampaignVisit.visited_at, CampaignVisit.campaign_id, campaign, since)
    talks = _days(session, Conversation.started_at, Conversation.campaign_id, campaign, since)
    leads = _days(session, Lead.created_at, Lead.campaign_id, campaign, since)
    return [DayRow(day, visits[day], talks[day], leads[day])
            for day in (first + timedelta(days=n) for n in range((today - first).days + 1))]


def _days(session: Session, stamp: InstrumentedAttribute[datetime],
          owner: InstrumentedAttribute[int | None], campaign: Campaign,
          since: datetime) -> Counter[date]:
    stamps = session.scalars(select(stamp).where(owner == campaign.id, stamp >= since))
    return Counter(uk_date(value) for value in stamps)  # SQLite's come back naive: UTC


def describe_dates(starts_on: date | None, ends_on: date | None) -> str | None:
    """Return "3 May 2025", "3 May 2025 to 5 May 2025", or None without dates."""
    shown = [f"{d.day} {d:%B %Y}" for d in _distinct(starts_on, ends_on)]
    return " to ".join(shown) or None


def _distinct(*days: date | None) -> Iterable[date]:
    seen: list[date] = []
    for day in days:
        if day is not None and day not in seen:
            seen.append(day)
    return seen
