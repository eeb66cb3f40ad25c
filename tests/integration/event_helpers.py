"""Events for the tests: a fixed clock, places, and a booking made as the chat makes it."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.events import (
    BookingRequest,
    EventValues,
    book_place,
    confirm_booking,
    create_event,
)
from carecareers.forms.consent import ConsentWording
from carecareers.models import Booking, Event, OutboxMessage, Provider

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=timezone.utc)  # a Thursday
BASE_URL = "https://care.example.org"
STOKE = (53.0027, -2.1794)  # ST4
LEEDS = (53.7997, -1.5492)
CONSENT = ConsentWording("test-1", "To book your place we keep your first name...", ("email",))


def values(title: str = "Hospice open day", days: float = 2, hours: float = 3,
           at: tuple[float, float] = STOKE, providers: list[Provider] | None = None,
           **extra: object) -> EventValues:
    starts = NOW + timedelta(days=days)
    return EventValues(
        title=title, starts_at=starts, ends_at=starts + timedelta(hours=hours),
        place="Community hall, Church Street", postcode="ST4 1AA", outcode="ST4",
        latitude=at[0], longitude=at[1], provider_ids=tuple(p.id for p in providers or []),
        **extra)  # type: ignore[arg-type]


def an_event(session: Session, title: str = "Hospice open day", **extra: object) -> Event:
    return create_event(session, values(title, **extra), "adviser@example.org")  # type: ignore[arg-type]


def book(session: Session, event: Event, name: str = "Sam", sender: str | None = "s-1",
         method: str = "email", detail: str | None = "sam@example.org", now: datetime = NOW,
         confirm: bool = True, **extra: object) -> Booking:
    """Book as the chat does; an email booking is confirmed by its link too, unless told not."""
    booking = book_place(session, BookingRequest(
        event_id=event.id, first_name=name, contact_method=method, contact_detail=detail,
        consent=CONSENT, channel="web", sender_id=sender, **extra),  # type: ignore[arg-type]
        now, base_url=BASE_URL)
    if confirm and booking.status == "pending":
        for email in session.scalars(select(OutboxMessage).where(
                OutboxMessage.kind == "booking_confirmation", OutboxMessage.status == "pending",
                OutboxMessage.address == detail)):
            email.status, email.sent_at = "sent", now  # delivered, and its link followed
        confirm_booking(session, booking.confirm_token or "", now)
    return booking
