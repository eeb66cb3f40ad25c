"""Events as advisers manage them: create, change, cancel; and what is on, near a place."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from carecareers.advisers import audit
from carecareers.geo import Gazetteer, haversine_miles
from carecareers.models import Event, Provider
from carecareers.models.base import as_utc
from carecareers.models.events import Booking, event_providers

NEAR_MILES = 25.0
TAKING_PLACES = ("booked", "attended")
# An email booking holds its place this long while the person opens the link we emailed;
# after that the place is free again (and confirming takes one only if one is left).
PENDING_HOLD = timedelta(hours=2)


def takes_a_place(now: datetime) -> ColumnElement[bool]:
    """Bookings that take a place: booked, attended, or pending within their hold."""
    return or_(Booking.status.in_(TAKING_PLACES),
               and_(Booking.status == "pending", Booking.created_at > now - PENDING_HOLD))


@dataclass(frozen=True)
class EventValues:
    """What the dashboard form gives for one event (times already in UTC)."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    postcode: str
    outcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    what_to_expect: str = ""
    accessibility: str = ""
    capacity: int | None = None
    under_16s_with_adult: bool = False
    provider_ids: tuple[int, ...] = ()
    campaign_id: int | None = None


@dataclass(frozen=True)
class Change:
    """What a change moved that the people booked must hear about."""

    moved: tuple[str, ...] = field(default_factory=tuple)

    @property
    def matters(self) -> bool:
        return bool(self.moved)


def _apply(session: Session, event: Event, values: EventValues) -> None:
    for name in ("title", "starts_at", "ends_at", "place", "postcode", "outcode", "latitude",
                 "longitude", "what_to_expect", "accessibility", "capacity",
                 "under_16s_with_adult", "campaign_id"):
        setattr(event, name, getattr(values, name))
    event.providers = list(session.scalars(
        select(Provider).where(Provider.id.in_(values.provider_ids)))) if values.provider_ids \
        else []


def create_event(session: Session, values: EventValues, actor: str) -> Event:
    event = Event(checkin_token=secrets.token_urlsafe(16), created_by=actor, status="active")
    _apply(session, event, values)
    session.add(event)
    session.flush()
    audit.record(session, actor, "event.created", f"event:{event.id}")
    return event


def change_event(session: Session, event: Event, values: EventValues, actor: str) -> Change:
    """Save the new values; say whether the time or the place moved (the booked are told)."""
    moved = tuple(name for name, old, new in (
        ("time", (as_utc(event.starts_at), as_utc(event.ends_at)),
         (values.starts_at, values.ends_at)),
        ("place", (event.place, event.postcode), (values.place, values.postcode)))
        if old != new)
    _apply(session, event, values)
    session.flush()
    audit.record(session, actor, "event.changed", f"event:{event.id}", moved=list(moved))
    return Change(moved)


def cancel_event(session: Session, event: Event, actor: str, now: datetime,
                 ) -> bool:
    """Cancel an event; False when it already was."""
    if event.status == "cancelled":
        return False
    event.status, event.cancelled_at = "cancelled", now
    session.flush()
    audit.record(session, actor, "event.cancelled", f"event:{event.id}")
    return True


def get_event(session: Session, event_id: int) -> Event | None:
    return session.get(Event, event_id)


def places_taken(session: Session, event: Event, now: datetime) -> int:
    return int(session.scalar(select(func.count(Booking.id)).where(
        Booking.event_id == event.id, takes_a_place(now))) or 0)


def spaces_left(session: Session, event: Event, now: datetime) -> int | None:
    """Places still free, or None when the event has no limit."""
    if event.capacity is None:
        return None
    return max(0, event.capacity - places_taken(session, event, now))


def is_upcoming(event: Event, now: datetime) -> bool:
    return event.status == "active" and as_utc(event.starts_at) > now  # type: ignore[operator]


def upcoming_events(session: Session, now: datetime) -> list[Event]:
    """Active events that have not started yet, soonest first."""
    return list(session.scalars(
        select(Event).where(Event.status == "active", Event.starts_at > now)
        .options(selectinload(Event.providers)).order_by(Event.starts_at, Event.id)))


# Words of a question about events that say nothing about which event.
COMMON_WORDS = frozenset("""
    a an and any anything are at can coming come day days do event events for going happening
    how i im in is it me my near next nearby of on open or place places session sessions so
    soon taster tasters that the there theres to up what whats when whens where which with
    you your around area local book booking get go want would like please see visit any
    """.split())


def topic_words(text: str) -> list[str]:
    """The words of a question that may name a kind of event ("hospice", "nursing")."""
    words = re.findall(r"[a-z]+", text.lower().replace("'", ""))
    return [w for w in words if w not in COMMON_WORDS and len(w) > 2]


def names_any(event: Event, words: list[str]) -> bool:
    """Whether the event's title or providers name one of `words`."""
    text = " ".join([event.title, *(p.name for p in event.providers),
                     *(p.kind for p in event.providers)]).lower()
    return any(word in text for word in words)


def events_near(session: Session, gazetteer: Gazetteer, place: str | None = None,
                about: str | None = None, *, now: datetime, limit: int = 3,
                ) -> list[Event]:
    """Upcoming events within NEAR_MILES of a place (any place when none), soonest first.

    `about` (the question: "when's the next hospice open day") keeps the events whose title
    or providers name one of its words, when any do.
    """
    events = upcoming_events(session, now)
    words = topic_words(about or "")
    if words:
        events = [e for e in events if names_any(e, words)] or events
    located = gazetteer.find(place) if place else None
    if located is not None:
        events = [e for e in events if e.latitude is None or e.longitude is None
                  or haversine_miles(located.latitude, located.longitude,
                                     e.latitude, e.longitude) <= NEAR_MILES]
    return events[:limit]


def next_with_space(session: Session, event: Event, now: datetime,
                    ) -> Event | None:
    """The soonest other upcoming event with a free place, sharing a provider if one does."""
    others = [e for e in upcoming_events(session, now) if e.id != event.id
              and spaces_left(session, e, now) != 0]
    mine = {p.id for p in event.providers}
    same = [e for e in others if mine & {p.id for p in e.providers}]
    return (same or others or [None])[0]


def events_for_provider(session: Session, provider_id: int | None) -> list[Event]:
    """Every event (newest first); only a provider's own when `provider_id` is given."""
    query = select(Event).options(selectinload(Event.providers)).order_by(
        Event.starts_at.desc(), Event.id.desc())
    if provider_id is not None:
        query = query.where(Event.id.in_(select(event_providers.c.event_id).where(
            event_providers.c.provider_id == provider_id)))
    return list(session.scalars(query))
