"""Booking a place, cancelling it, and the consent question asked first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.campaigns.service import find_campaign
from carecareers.catalogue import load_catalogue
from carecareers.delivery import CHAT_CHANNELS
from carecareers.events.catalogue import is_upcoming, next_with_space, spaces_left
from carecareers.events.errors import AlreadyBooked, EventClosed, EventFull, EventNotFound
from carecareers.forms.consent import ConsentWording, consent_question
from carecareers.models import Booking, Event

CONTACT_METHODS = ("email", "phone", *CHAT_CHANNELS)


def booking_consent(content_dir: Path, event: Event, method: str, privacy_url: str,
                    retention_days: int) -> ConsentWording:
    """Word the consent question for booking this event with this contact method."""
    texts = load_catalogue(content_dir)
    names = [p.name for p in event.providers] or [texts.text("consent.booking.no_providers")]
    return consent_question(content_dir, "booking", method, privacy_url=privacy_url,
                            retention_days=retention_days, recipients=texts.listed(names))


@dataclass(frozen=True)
class BookingRequest:
    event_id: int
    first_name: str
    contact_method: str
    contact_detail: str | None
    consent: ConsentWording
    channel: str
    sender_id: str | None = None
    campaign: str | None = None
    with_adult: bool = False


def book_place(session: Session, request: BookingRequest, now: datetime,
               ) -> Booking:
    """Book a place; raise EventNotFound, EventClosed, EventFull or AlreadyBooked."""
    if request.contact_method not in CONTACT_METHODS:
        raise ValueError(f"unknown contact method {request.contact_method!r}")
    event = session.get(Event, request.event_id, with_for_update=True)
    if event is None:
        raise EventNotFound()
    if not is_upcoming(event, now):
        raise EventClosed(event)
    if request.sender_id and _booking_of(session, event.id, request.sender_id) is not None:
        raise AlreadyBooked(event)
    if spaces_left(session, event) == 0:
        raise EventFull(event, next_with_space(session, event, now))
    campaign = find_campaign(session, request.campaign)
    booking = Booking(
        event=event, sender_id=request.sender_id, first_name=request.first_name,
        contact_method=request.contact_method, contact_detail=request.contact_detail,
        with_adult=request.with_adult,
        consent_version=request.consent.version, consent_wording=request.consent.text,
        consent_given_at=now, status="booked", channel=request.channel,
        campaign_id=campaign.id if campaign else None, created_at=now)
    session.add(booking)
    session.flush()
    return booking


def _booking_of(session: Session, event_id: int, sender_id: str) -> Booking | None:
    return session.scalar(select(Booking).where(
        Booking.event_id == event_id, Booking.sender_id == sender_id,
        Booking.status.in_(("booked", "attended"))))


def bookings_for_sender(session: Session, sender_id: str, now: datetime,
                        ) -> list[Booking]:
    """This conversation's places still to come, soonest first."""
    bookings = session.scalars(select(Booking).join(Event).where(
        Booking.sender_id == sender_id, Booking.status == "booked",
        Event.starts_at > now).order_by(Event.starts_at))
    return list(bookings)


def cancel_bookings_for_sender(session: Session, sender_id: str, event_id: int | None = None,
                               *, now: datetime) -> list[Booking]:
    """Cancel this conversation's places to come (one event's, or all); return them."""
    cancelled = [b for b in bookings_for_sender(session, sender_id, now)
                 if event_id is None or b.event_id == event_id]
    for booking in cancelled:
        booking.status, booking.cancelled_at = "cancelled", now
    session.flush()
    return cancelled
