"""Booking a place, cancelling it, and the consent question asked first."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.campaigns.service import find_campaign
from carecareers.catalogue import load_catalogue, text
from carecareers.delivery import CHAT_CHANNELS, Outgoing, enqueue
from carecareers.events.catalogue import (
    PENDING_HOLD,
    TAKING_PLACES,
    is_upcoming,
    next_with_space,
    spaces_left,
)
from carecareers.events.errors import (
    AlreadyBooked,
    BookingNotConfirmable,
    EventClosed,
    EventFull,
    EventNotFound,
)
from carecareers.events.notices import where_words
from carecareers.events.wording import when_words
from carecareers.forms.consent import ConsentWording, consent_question
from carecareers.models import Booking, Event
from carecareers.models.base import as_utc

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


def book_place(session: Session, request: BookingRequest, now: datetime, *,
               base_url: str = "") -> Booking:
    """Book a place; raise EventNotFound, EventClosed, EventFull or AlreadyBooked.

    One booking per conversation and per phone number or email address at an event. A
    booking with an email address is pending until the link emailed there is followed
    (`confirm_booking`); it holds its place for PENDING_HOLD meanwhile.
    """
    if request.contact_method not in CONTACT_METHODS:
        raise ValueError(f"unknown contact method {request.contact_method!r}")
    by_email = request.contact_method == "email"
    if by_email and not base_url:
        raise ValueError("an email booking needs the base URL of its confirmation link")
    event = session.get(Event, request.event_id, with_for_update=True)
    if event is None:
        raise EventNotFound()
    if not is_upcoming(event, now):
        raise EventClosed(event)
    if request.sender_id and _booking_of(session, event.id, request.sender_id) is not None:
        raise AlreadyBooked(event)
    _check_contact(session, event, request, now)
    if spaces_left(session, event, now) == 0:
        raise EventFull(event, next_with_space(session, event, now))
    campaign = find_campaign(session, request.campaign)
    booking = Booking(
        event=event, sender_id=request.sender_id, first_name=request.first_name,
        contact_method=request.contact_method, contact_detail=request.contact_detail,
        with_adult=request.with_adult,
        consent_version=request.consent.version, consent_wording=request.consent.text,
        consent_given_at=now, status="pending" if by_email else "booked",
        channel=request.channel, campaign_id=campaign.id if campaign else None, created_at=now,
        confirm_token=secrets.token_urlsafe(24) if by_email else None)
    session.add(booking)
    session.flush()
    if by_email:
        enqueue(session, confirmation_email(booking, base_url), now)
    return booking


def pending_booking(session: Session, token: str) -> Booking | None:
    """The pending booking this confirmation link is for, if any (nothing changes)."""
    if not token:
        return None
    return session.scalar(select(Booking).where(Booking.confirm_token == token,
                                                Booking.status == "pending"))


def confirm_booking(session: Session, token: str, now: datetime) -> Booking:
    """Keep the place of a pending email booking, from the link emailed to its address.

    Raises BookingNotConfirmable for a used or unknown link, EventClosed once the event is
    cancelled or under way, and EventFull when the hold ran out and the places went.
    """
    booking = pending_booking(session, token)
    if booking is None:
        raise BookingNotConfirmable()
    event = session.get(Event, booking.event_id, with_for_update=True)
    if event is None or not is_upcoming(event, now):
        raise EventClosed(booking.event)
    if not _holds_its_place(booking, now) and spaces_left(session, event, now) == 0:
        raise EventFull(event, next_with_space(session, event, now))
    booking.status, booking.confirm_token = "booked", None
    session.flush()
    return booking


def confirmation_email(booking: Booking, base_url: str) -> Outgoing:
    """The email asking the owner of the address to keep the place (a press on its link)."""
    event = booking.event
    values = {"first_name": booking.first_name, "title": event.title,
              "when": when_words(event.starts_at, event.ends_at), "where": where_words(event),
              "link": f"{base_url.rstrip('/')}/events/bookings/confirm/{booking.confirm_token}",
              "hold_hours": int(PENDING_HOLD.total_seconds() // 3600)}
    return Outgoing(channel="email", address=booking.contact_detail or "",
                    kind="booking_confirmation",
                    subject=text("emails.booking_confirmation.subject", **values),
                    body=text("emails.booking_confirmation.body", **values))


def _holds_its_place(booking: Booking, now: datetime) -> bool:
    created = as_utc(booking.created_at)
    return created is not None and created + PENDING_HOLD > now


def _check_contact(session: Session, event: Event, request: BookingRequest,
                   now: datetime) -> None:
    """Raise AlreadyBooked when this phone number or email address has a place already.

    A pending booking whose hold ran out gives way to the new one.
    """
    if request.contact_method not in ("email", "phone") or not request.contact_detail:
        return
    same = session.scalars(select(Booking).where(
        Booking.event_id == event.id, Booking.contact_method == request.contact_method,
        func.lower(func.replace(Booking.contact_detail, " ", ""))
        == _contact_key(request.contact_detail),
        Booking.status.in_(("pending", *TAKING_PLACES))))
    for booking in same:
        if booking.status != "pending" or _holds_its_place(booking, now):
            raise AlreadyBooked(event)
        booking.status, booking.cancelled_at, booking.confirm_token = "cancelled", now, None


def _contact_key(detail: str) -> str:
    """A phone number or email address as compared: no spaces, lower case."""
    return detail.replace(" ", "").lower()


def _booking_of(session: Session, event_id: int, sender_id: str) -> Booking | None:
    return session.scalar(select(Booking).where(
        Booking.event_id == event_id, Booking.sender_id == sender_id,
        Booking.status.in_(("pending", *TAKING_PLACES))).limit(1))


def bookings_for_sender(session: Session, sender_id: str, now: datetime,
                        ) -> list[Booking]:
    """This conversation's places still to come (confirmed or not), soonest first."""
    bookings = session.scalars(select(Booking).join(Event).where(
        Booking.sender_id == sender_id, Booking.status.in_(("booked", "pending")),
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
