"""Event bookings in the centre: erased with the person, deleted a while after their event,
and the booking form's answers blanked out of the tracker when it ends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from carecareers.events.retention import erase_bookings_for, purge_bookings
from carecareers.models import Booking
from carecareers.topics import Counts, Person, Retention, Topic, register


def erase(session: Session, person: Person) -> Counts:
    return {"event_bookings": erase_bookings_for(
        session, sender_ids=person.sender_ids, email=person.email, phone=person.phone)}


def purge(session: Session, now: datetime, retention: Retention) -> Counts:
    return {"event_bookings_deleted": purge_bookings(
        session, retention.days["event_booking"], now)}


TOPIC = register(Topic("events", erase=erase, purge=purge,
                       form_starts=("action_start_booking",), form_slots=("booking_",),
                       people=(Booking.sender_id,)))
