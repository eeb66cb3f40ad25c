"""What the booked are sent: a reminder the day before, and notices of changes.

Messages go into the delivery outbox (carecareers/delivery) in the caller's transaction;
`carecareers events remind` and `carecareers alerts send` deliver them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.clock import uk_date, uk_midnight
from carecareers.delivery import Outgoing, enqueue_many
from carecareers.events.calendar import event_url, ics_url
from carecareers.events.wording import when_words
from carecareers.models import Booking, Event


def address_of(booking: Booking) -> tuple[str, str] | None:
    """The (channel, address) a booking's messages go to; None for phone (no texts sent)."""
    if booking.contact_method == "email" and booking.contact_detail:
        return "email", booking.contact_detail
    if booking.contact_method == "telegram" and booking.telegram_chat_id:
        return "telegram", booking.telegram_chat_id
    return None


def where_words(event: Event) -> str:
    return f"{event.place}, {event.postcode}"


def _message(booking: Booking, kind: str, subject: str, body: str,
             base_url: str) -> Outgoing | None:
    target = address_of(booking)
    if target is None:
        return None
    channel, address = target
    buttons = [[{"text": "Add to calendar", "url": ics_url(base_url, booking.event)}]] \
        if channel == "telegram" and kind != "event_cancelled" else []
    return Outgoing(channel=channel, address=address, kind=kind, subject=subject,
                    body=body, buttons=buttons)


def reminder_text(booking: Booking, base_url: str) -> str:
    event = booking.event
    return (f"Hi {booking.first_name}, a reminder: {event.title} is tomorrow, "
            f"{when_words(event.starts_at, event.ends_at)}, at {where_words(event)}.\n"
            f"Details: {event_url(base_url, event)}\n"
            "Can't come? Say \"cancel my booking\" in the chat, so someone else can have "
            "your place.")


def change_text(booking: Booking, base_url: str) -> str:
    event = booking.event
    return (f"Hi {booking.first_name}, {event.title} has changed. It is now "
            f"{when_words(event.starts_at, event.ends_at)}, at {where_words(event)}.\n"
            f"Add the new time to your calendar: {ics_url(base_url, event)}\n"
            "Can't come now? Say \"cancel my booking\" in the chat.")


def cancel_text(booking: Booking) -> str:
    event = booking.event
    return (f"Hi {booking.first_name}, sorry: {event.title} on "
            f"{when_words(event.starts_at, event.ends_at)} is cancelled. Ask me "
            "\"what's on near me\" to find another event.")


def _booked(event: Event) -> Iterable[Booking]:
    """Everyone with a place: booked, or already checked in at an event under way."""
    return (b for b in event.bookings if b.status in ("booked", "attended"))


def queue_change_notices(session: Session, event: Event, base_url: str,
                         now: datetime) -> int:
    """Tell everyone booked that the event's time or place moved; return how many queued."""
    messages = [_message(b, "event_changed", f"Changed: {event.title}", change_text(b, base_url),
                         base_url) for b in _booked(event)]
    return len(enqueue_many(session, [m for m in messages if m], now))


def queue_cancel_notices(session: Session, event: Event, base_url: str,
                         now: datetime) -> int:
    """Tell everyone booked that the event is cancelled; return how many queued."""
    messages = [_message(b, "event_cancelled", f"Cancelled: {event.title}", cancel_text(b),
                         base_url) for b in _booked(event)]
    return len(enqueue_many(session, [m for m in messages if m], now))


def reminders_due(session: Session, now: datetime, today: date) -> list[Booking]:
    """Places at active events that start the day after `today` (UK days), not yet reminded."""
    tomorrow = today + timedelta(days=1)
    soon = session.scalars(select(Booking).join(Event).where(
        Booking.status == "booked", Booking.reminded_at.is_(None), Event.status == "active",
        Event.starts_at > now, Event.starts_at >= uk_midnight(tomorrow),
        Event.starts_at < uk_midnight(tomorrow + timedelta(days=1))))
    return [b for b in soon if uk_date(b.event.starts_at) == tomorrow]


def queue_reminders(session: Session, base_url: str, now: datetime, today: date) -> int:
    """Queue the day-before reminders; each booking is reminded once. Return how many."""
    messages = []
    for booking in reminders_due(session, now, today):
        booking.reminded_at = now
        message = _message(booking, "event_reminder", f"Tomorrow: {booking.event.title}",
                           reminder_text(booking, base_url), base_url)
        if message is not None:
            messages.append(message)
    return len(enqueue_many(session, messages, now))
