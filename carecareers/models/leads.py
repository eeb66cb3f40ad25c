"""Leads: people who asked to be contacted, with the consent they gave."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecareers.models.base import Base, utcnow
from carecareers.models.threads import AdviserThread

LEAD_STATUSES = ("new", "contacted", "closed", "withdrawn")
ROUTE_STATUSES = ("new", "contacted", "closed")
# What a provider has done with a lead passed to it (carecareers/outcomes/), as the person
# is told when they ask where it stands.
ROUTE_OUTCOMES = ("not_contacted", "contacted", "interview", "not_taken_forward", "started")


class Lead(Base):
    __tablename__ = "leads"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    age: Mapped[int | None]
    age_band: Mapped[str | None] = mapped_column(String(16))
    contact_method: Mapped[str] = mapped_column(String(16))
    phone: Mapped[str | None] = mapped_column(String(32))
    email: Mapped[str | None] = mapped_column(String(254))
    # The account given for a chat channel's way of being contacted (see contact_method)
    chat_account: Mapped[str | None] = mapped_column(String(64))
    postcode: Mapped[str | None] = mapped_column(String(16))
    outcode: Mapped[str | None] = mapped_column(String(8), index=True)
    interests: Mapped[list] = mapped_column(default=list)
    wants_callback: Mapped[bool] = mapped_column(default=False)
    shown_vacancy_ids: Mapped[list] = mapped_column(default=list)
    channel: Mapped[str] = mapped_column(String(16))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), default="new", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Another lead with the same phone or email: maybe the same person, maybe someone who
    # typed another's details. Never merged automatically; advisers see the flag.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("leads.id", ondelete="SET NULL"), index=True
    )

    consents: Mapped[list[Consent]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", passive_deletes=True
    )
    follow_ups: Mapped[list[FollowUp]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", passive_deletes=True
    )
    routes: Mapped[list[LeadRoute]] = relationship(
        back_populates="lead", cascade="all, delete-orphan", passive_deletes=True
    )
    thread: Mapped[AdviserThread | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    def __repr__(self) -> str:
        return f"Lead(id={self.id!r}, status={self.status!r})"


class Consent(Base):
    """What the person agreed to, in which words (by version) and when."""

    __tablename__ = "consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    wording_version: Mapped[str] = mapped_column(String(32))
    wording: Mapped[str] = mapped_column(Text)
    channels: Mapped[list] = mapped_column(default=list)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    lead: Mapped[Lead] = relationship(back_populates="consents")


class LeadRoute(Base):
    """A lead passed to a provider whose area and programmes match."""

    __tablename__ = "lead_routes"
    __table_args__ = (UniqueConstraint("lead_id", "provider_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(
        ForeignKey("providers.id", ondelete="CASCADE"), index=True
    )
    routed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Where this provider is with the lead; a lead shared by several providers closes
    # only when each of them has closed it (carecareers/dashboard/routing.py).
    status: Mapped[str] = mapped_column(String(16), default="new", server_default="new")
    # The outcome its provider recorded, and the day it happened; the reason a lead is not
    # taken forward is for the programme's staff only, never told to the person.
    outcome: Mapped[str] = mapped_column(String(24), default="not_contacted",
                                         server_default="not_contacted")
    outcome_on: Mapped[date | None]
    outcome_reason: Mapped[str | None] = mapped_column(String(32))
    outcome_recorded_at: Mapped[datetime | None]
    # When the person was told that this provider had not been in touch (once)
    overdue_told_at: Mapped[datetime | None]

    lead: Mapped[Lead] = relationship(back_populates="routes")


class FollowUp(Base):
    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("leads.id", ondelete="CASCADE"), index=True)
    adviser_id: Mapped[int | None] = mapped_column(
        ForeignKey("advisers.id", ondelete="SET NULL")
    )
    outcome: Mapped[str] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    lead: Mapped[Lead] = relationship(back_populates="follow_ups")
