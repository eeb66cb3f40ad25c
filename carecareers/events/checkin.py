"""Arrivals at the door: the one-tap "I'm here", staff marking a booking, the counts."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.advisers import audit
from carecareers.events.errors import EventError, EventNotFound
from carecareers.models import Booking, CheckIn, Event
from carecareers.models.base import as_utc

OPENS_BEFORE = timedelta(hours=12)
CLOSES_AFTER = timedelta(hours=3)


class CheckInClosed(EventError):
    def __init__(self, event: Event) -> None:
        self.event = event
        why = "check_in_cancelled" if event.status == "cancelled" else "check_in_closed"
        super().__init__(catalogue.text(f"chat.event_errors.{why}", title=event.title))


class TooManyWalkIns(EventError):
    """More walk-ins than one address may count (a script, not people at the door)."""

    def __init__(self, event: Event) -> None:
        self.event = event
        super().__init__(f"too many walk-ins from one address at event {event.id}")


@dataclass(frozen=True)
class Arrival:
    event: Event
    booking: Booking | None  # None: a walk-in
    counted: bool  # False when this person had already checked in


@dataclass(frozen=True)
class Arrivals:
    booked: int  # places taken (booked or attended)
    arrived_booked: int
    walk_ins: int

    @property
    def arrived(self) -> int:
        return self.arrived_booked + self.walk_ins


def event_by_checkin_token(session: Session, token: str) -> Event:
    event = session.scalar(select(Event).where(Event.checkin_token == token)) if token else None
    if event is None:
        raise EventNotFound()
    return event


def check_in(session: Session, event: Event, sender_id: str | None,
             already_here: bool = False, *, now: datetime,
             walk_in_allowed: Callable[[], bool] = lambda: True) -> Arrival:
    """Count an arrival: this conversation's booking if it has one, else a walk-in.

    `already_here` (the browser checked in to this event before) counts nothing again.
    `walk_in_allowed` is asked (and counts) only before a walk-in is counted; when it says
    no, TooManyWalkIns is raised.
    """
    starts, ends = as_utc(event.starts_at), as_utc(event.ends_at)
    if event.status != "active" or not (starts - OPENS_BEFORE <= now <= ends + CLOSES_AFTER):  # type: ignore[operator]
        raise CheckInClosed(event)
    booking = session.scalar(select(Booking).where(
        Booking.event_id == event.id, Booking.sender_id == sender_id,
        Booking.status.in_(("booked", "attended")))) if sender_id else None
    if booking is not None:
        return Arrival(event, booking, _attend(session, booking, now))
    if already_here:
        return Arrival(event, None, False)
    if not walk_in_allowed():
        raise TooManyWalkIns(event)
    session.add(CheckIn(event_id=event.id, walk_in=True, checked_in_at=now))
    session.flush()
    return Arrival(event, None, True)


def _attend(session: Session, booking: Booking, now: datetime) -> bool:
    if booking.status == "attended":
        return False
    booking.status, booking.attended_at = "attended", now
    session.add(CheckIn(event_id=booking.event_id, booking_id=booking.id, checked_in_at=now))
    session.flush()
    return True


def open_booking(session: Session, event: Event, booking_id: int) -> Booking | None:
    """One of the event's bookings that is not cancelled, or None."""
    booking = session.get(Booking, booking_id)
    if booking is None or booking.event_id != event.id or booking.status == "cancelled":
        return None
    return booking


def mark_attended(session: Session, booking: Booking, actor: str,
                  now: datetime) -> bool:
    """Staff at the door tick a booking off; False when it was already."""
    counted = _attend(session, booking, now)
    if counted:
        audit.record(session, actor, "event.checked_in", f"event:{booking.event_id}")
    return counted


def arrivals(session: Session, event: Event) -> Arrivals:
    booked = session.scalar(select(func.count(Booking.id)).where(
        Booking.event_id == event.id, Booking.status.in_(("booked", "attended"))))
    counts = dict(session.execute(select(CheckIn.walk_in, func.count(CheckIn.id)).where(
        CheckIn.event_id == event.id).group_by(CheckIn.walk_in)).tuples().all())
    return Arrivals(int(booked or 0), int(counts.get(False, 0)), int(counts.get(True, 0)))
