"""What the booked are sent: a reminder the day before, and notices of changes.

Messages go into the delivery outbox (carecareers/delivery) in the caller's transaction;
`carecareers events remind` and `carecareers alerts send` deliver them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.clock import uk_date, uk_midnight
from carecareers.delivery import CHAT_CHANNELS, Outgoing, address_for, enqueue_many
from carecareers.events.calendar import event_url, ics_url
from carecareers.events.wording import when_words
from carecareers.models import Booking, Event


def address_of(session: Session, booking: Booking) -> tuple[str, str] | None:
    """The (channel, address) a booking's messages go to: the email address given, or the
    person's chat they booked in; None for phone (no texts sent)."""
    if booking.contact_method == "email" and booking.contact_detail:
        return "email", booking.contact_detail
    if booking.contact_method in CHAT_CHANNELS:
        chat = address_for(session, booking.sender_id, booking.contact_method)
        return (booking.contact_method, chat) if chat else None
    return None


def where_words(event: Event) -> str:
    return f"{event.place}, {event.postcode}"


def _message(session: Session, booking: Booking, kind: str, subject: str, body: str,
             base_url: str) -> Outgoing | None:
    target = address_of(session, booking)
    if target is None:
        return None
    channel, address = target
    buttons = [[{"text": text("notices.event.add_to_calendar"),
                 "url": ics_url(base_url, booking.event)}]] \
        if channel in CHAT_CHANNELS and kind != "event_cancelled" else []
    return Outgoing(channel=channel, address=address, kind=kind, subject=subject,
                    body=body, buttons=buttons)


def _values(booking: Booking) -> dict[str, str]:
    event = booking.event
    return {"first_name": booking.first_name, "title": event.title,
            "when": when_words(event.starts_at, event.ends_at), "where": where_words(event)}


def reminder_text(booking: Booking, base_url: str) -> str:
    return text("notices.event.reminder", **_values(booking),
                event_url=event_url(base_url, booking.event))


def change_text(booking: Booking, base_url: str) -> str:
    return text("notices.event.changed", **_values(booking),
                calendar_url=ics_url(base_url, booking.event))


def cancel_text(booking: Booking) -> str:
    return text("notices.event.cancelled", **_values(booking))


def _booked(event: Event) -> Iterable[Booking]:
    """Everyone with a place: booked, or already checked in at an event under way."""
    return (b for b in event.bookings if b.status in ("booked", "attended"))


def queue_change_notices(session: Session, event: Event, base_url: str,
                         now: datetime) -> int:
    """Tell everyone booked that the event's time or place moved; return how many queued."""
    subject = text("notices.event.changed_subject", title=event.title)
    messages = [_message(session, b, "event_changed", subject, change_text(b, base_url),
                         base_url) for b in _booked(event)]
    return len(enqueue_many(session, [m for m in messages if m], now))


def queue_cancel_notices(session: Session, event: Event, base_url: str,
                         now: datetime) -> int:
    """Tell everyone booked that the event is cancelled; return how many queued."""
    subject = text("notices.event.cancelled_subject", title=event.title)
    messages = [_message(session, b, "event_cancelled", subject, cancel_text(b), base_url)
                for b in _booked(event)]
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
        message = _message(session, booking, "event_reminder",
                           text("notices.event.reminder_subject", title=booking.event.title),
                           reminder_text(booking, base_url), base_url)
        if message is not None:
            messages.append(message)
    return len(enqueue_many(session, messages, now))
