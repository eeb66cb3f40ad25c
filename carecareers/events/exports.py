"""An event's attendees as CSV for the people running it; every export is audited."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers import catalogue
from carecareers.advisers import audit
from carecareers.channels import chat_channels, label_of
from carecareers.events.wording import uk
from carecareers.models import Booking, Event
from carecareers.spreadsheets import BOM, excel_safe

COLUMNS = ("first_name", "status", "contact_method", "contact", "with_parent_or_school",
           "booked", "arrived", "channel")


def contact_shown(booking: Booking) -> str:
    """The booking's contact detail; for a booking made in a chat channel, that chat."""
    if booking.contact_detail:
        return booking.contact_detail
    if booking.contact_method in chat_channels():
        return catalogue.text("dashboard.events.their_chat",
                              channel=label_of(booking.contact_method))
    return ""


def attendee_rows(session: Session, event: Event) -> list[dict[str, str]]:
    """The event's bookings; not those still waiting for their email link (the address may
    be someone else's, typed by anyone)."""
    bookings = session.scalars(select(Booking).where(Booking.event_id == event.id,
                                                     Booking.status != "pending")
                               .order_by(Booking.created_at, Booking.id))
    return [{
        "first_name": b.first_name, "status": b.status, "contact_method": b.contact_method,
        "contact": contact_shown(b),
        "with_parent_or_school": "yes" if b.with_adult else "no",
        "booked": uk(b.created_at).strftime("%Y-%m-%d %H:%M"),
        "arrived": uk(b.attended_at).strftime("%Y-%m-%d %H:%M") if b.attended_at else "",
        "channel": b.channel,
    } for b in bookings]


def attendees_csv(session: Session, event: Event, actor: str) -> str:
    """The event's bookings as CSV that opens safely in Excel; audited without their data."""
    rows = attendee_rows(session, event)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: excel_safe(v) for k, v in row.items()})
    audit.record(session, actor, "event.attendees_exported", f"event:{event.id}",
                 rows=len(rows))
    return BOM + out.getvalue()
