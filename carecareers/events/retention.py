"""Bookings end: erased on request, and deleted a while after their event."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.orm import Session

from carecareers.delivery import CHAT_CHANNELS, address_for, forget_addresses
from carecareers.models import Booking, Event


def _conditions(sender_ids: Iterable[str], email: str | None,
                phone: str | None) -> list[ColumnElement[bool]]:
    conditions = []
    senders = sorted({s for s in sender_ids if s})
    if senders:
        conditions.append(Booking.sender_id.in_(senders))
    details = [d for d in (email, phone) if d]
    if details:
        conditions.append(Booking.contact_detail.in_(details))
    return conditions


def erase_bookings_for(session: Session, *, sender_ids: Iterable[str] = (),
                       email: str | None = None, phone: str | None = None) -> int:
    """Delete the bookings of these conversations and contact details, and their messages.

    Check-ins stay as anonymous counts (their booking link is cleared). Return how many.
    """
    conditions = _conditions(sender_ids, email, phone)
    if not conditions:
        return 0
    bookings = list(session.scalars(select(Booking).where(or_(*conditions))))
    _forget_messages(session, bookings)
    for booking in bookings:
        session.delete(booking)
    session.flush()
    return len(bookings)


def _forget_messages(session: Session, bookings: list[Booking]) -> None:
    """Forget the messages to the email addresses given, and to the chats booked in."""
    emails = [b.contact_detail for b in bookings
              if b.contact_method == "email" and b.contact_detail]
    forget_addresses(session, "email", [e for e in emails if e])
    for booking in (b for b in bookings if b.contact_method in CHAT_CHANNELS):
        chat = address_for(session, booking.sender_id, booking.contact_method)
        forget_addresses(session, booking.contact_method, [chat] if chat else [])


def purge_bookings(session: Session, retention_days: int, now: datetime) -> int:
    """Delete bookings of events that ended more than `retention_days` ago; return how many."""
    cutoff = now - timedelta(days=retention_days)
    ended = select(Event.id).where(Event.ends_at < cutoff)
    result = session.execute(delete(Booking).where(Booking.event_id.in_(ended)))
    return int(result.rowcount or 0)
