"""Open days and events: the events, who booked a place, and who arrived at the door."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Float, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecareers.models.base import Base, utcnow
from carecareers.models.campaigns import Campaign
from carecareers.models.people import Provider

EVENT_STATUSES = ("active", "cancelled")
BOOKING_STATUSES = ("pending", "booked", "cancelled", "attended")  # pending: email unconfirmed

event_providers = Table(
    "event_providers", Base.metadata,
    Column("event_id", Integer, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("provider_id", Integer, ForeignKey("providers.id", ondelete="CASCADE"),
           primary_key=True, index=True),
)


class Event(Base):
    """An open day, a taster session or a stand at a school: when, where, for how many."""

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(String(300))
    postcode: Mapped[str] = mapped_column(String(16))
    outcode: Mapped[str | None] = mapped_column(String(8), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    what_to_expect: Mapped[str] = mapped_column(Text, default="")
    accessibility: Mapped[str] = mapped_column(Text, default="")
    capacity: Mapped[int | None]
    under_16s_with_adult: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="active", index=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    checkin_token: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    cancelled_at: Mapped[datetime | None]

    providers: Mapped[list[Provider]] = relationship(secondary=event_providers)
    campaign: Mapped[Campaign | None] = relationship()
    bookings: Mapped[list[Booking]] = relationship(
        back_populates="event", cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"Event(id={self.id!r}, status={self.status!r})"


class Booking(Base):
    """A place booked by one person, with how to reach them and the consent they gave."""

    __tablename__ = "event_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    sender_id: Mapped[str | None] = mapped_column(String(128), index=True)
    first_name: Mapped[str] = mapped_column(String(100))
    # email or phone (contact_detail holds it), or the chat channel they booked in (the
    # chat's address is the person's, carecareers/delivery/people.py)
    contact_method: Mapped[str] = mapped_column(String(16))
    contact_detail: Mapped[str | None] = mapped_column(String(254), index=True)
    with_adult: Mapped[bool] = mapped_column(default=False)  # under 16, with parent or school
    consent_version: Mapped[str] = mapped_column(String(32))
    consent_wording: Mapped[str] = mapped_column(Text)
    consent_given_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16), default="booked", index=True)
    # An email booking waits (pending) until the link emailed to the address is followed.
    confirm_token: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    channel: Mapped[str] = mapped_column(String(16))
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True)
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]
    attended_at: Mapped[datetime | None]

    event: Mapped[Event] = relationship(back_populates="bookings")

    def __repr__(self) -> str:
        return f"Booking(id={self.id!r}, status={self.status!r})"


class CheckIn(Base):
    """One arrival at the door: a booking's, or a walk-in's (no personal data)."""

    __tablename__ = "event_checkins"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"),
                                          index=True)
    booking_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_bookings.id", ondelete="SET NULL"), index=True)
    walk_in: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"CheckIn(event_id={self.event_id!r}, walk_in={self.walk_in!r})"
