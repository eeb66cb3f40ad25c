"""An event as an iCalendar file (RFC 5545), for "add to my calendar"."""

from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit

from carecareers.models import Event
from carecareers.models.base import as_utc


def _escape(text: str) -> str:
    """Escape a TEXT value; every line break (CRLF, a lone CR or LF) becomes \\n."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n"))


def _fold(line: str) -> str:
    """Fold a content line into pieces of at most 75 octets (RFC 5545 3.1)."""
    pieces, current = [], ""
    for char in line:
        if len((current + char).encode("utf-8")) > (75 if not pieces else 74):
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return "\r\n ".join(pieces)


def _stamp(moment: datetime) -> str:
    return as_utc(moment).astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")  # type: ignore[union-attr]


def event_url(public_base_url: str, event: Event) -> str:
    return f"{public_base_url.rstrip('/')}/events/{event.id}"


def ics_url(public_base_url: str, event: Event) -> str:
    return f"{event_url(public_base_url, event)}.ics"


def event_ics(event: Event, public_base_url: str, now: datetime) -> str:
    """The event as a VCALENDAR with one VEVENT; cancelled events say STATUS:CANCELLED."""
    host = urlsplit(public_base_url).hostname or "localhost"
    description = "\n\n".join(part for part in (
        event.what_to_expect.strip(), event.accessibility.strip() and
        f"Access: {event.accessibility.strip()}", event_url(public_base_url, event)) if part)
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Care Careers//Events//EN",
        "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "BEGIN:VEVENT",
        f"UID:event-{event.id}@{host}", f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(event.starts_at)}", f"DTEND:{_stamp(event.ends_at)}",
        f"SUMMARY:{_escape(event.title)}",
        f"LOCATION:{_escape(f'{event.place}, {event.postcode}')}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{event_url(public_base_url, event)}",
        f"STATUS:{'CANCELLED' if event.status == 'cancelled' else 'CONFIRMED'}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "".join(_fold(line) + "\r\n" for line in lines)
