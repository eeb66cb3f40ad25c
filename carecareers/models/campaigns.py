"""Campaigns (a poster, an event), their visits and the conversations they start."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecareers.models.base import Base, utcnow


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), default="online")
    place: Mapped[str | None] = mapped_column(String(200))
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A provider's own campaign (a staff member's referral link, its website's widget);
    # None for the programme's posters and events.
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    # A switched-off campaign's link still opens the chat, but counts and tags nothing.
    switched_off_at: Mapped[datetime | None]

    visits: Mapped[list[CampaignVisit]] = relationship(
        back_populates="campaign", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"Campaign(code={self.code!r})"


class CampaignVisit(Base):
    """One scan or click of a campaign link; deliberately holds no personal data."""

    __tablename__ = "campaign_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(16), default="web")
    visited_at: Mapped[datetime] = mapped_column(default=utcnow)

    campaign: Mapped[Campaign] = relationship(back_populates="visits")


class Conversation(Base):
    """A chat, keyed by the pseudonymous sender id the front end gave Rasa."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), unique=True)
    channel: Mapped[str] = mapped_column(String(16))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)
    message_count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"Conversation(id={self.id!r}, channel={self.channel!r})"


class WidgetCount(Base):
    """How often a campaign's widget was shown on one website, and chats opened from it, by day.

    `site` is the embedding page's origin (scheme, host and port), never its path: no
    person's data, only which website.
    """

    __tablename__ = "widget_counts"
    __table_args__ = (UniqueConstraint("day", "campaign_id", "site"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date]
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    site: Mapped[str] = mapped_column(String(200))
    views: Mapped[int] = mapped_column(default=0)
    chats_opened: Mapped[int] = mapped_column(default=0)
    chats_started: Mapped[int] = mapped_column(default=0)
