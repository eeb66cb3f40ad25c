"""Which event a booking in the chat is for, checked before the form asks anything."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from carecareers.events.catalogue import (
    events_near,
    get_event,
    is_upcoming,
    next_with_space,
    spaces_left,
)
from carecareers.events.errors import EventClosed, EventFull, EventNotFound
from carecareers.geo import Gazetteer
from carecareers.models import Event


@dataclass(frozen=True)
class Choice:
    """The event to book; or, when none is settled, the events to pick from (none: none on)."""

    event: Event | None = None
    options: tuple[Event, ...] = ()


def choose_event(session: Session, gazetteer: Gazetteer, *, event_id: int | None,
                 place: str | None, about: str | None, now: datetime) -> Choice:
    """The event named, or the only one coming up near `place` (about `about`, if it says).

    Raises EventNotFound for an event that is gone, EventClosed for one cancelled or started
    (its `cancelled` says which), and EventFull, with the next event that has space.
    """
    if event_id is None:
        near = events_near(session, gazetteer, place, about, now=now)
        if len(near) != 1:
            return Choice(options=tuple(near))
        event_id = near[0].id
    event = get_event(session, event_id)
    if event is None:
        raise EventNotFound()
    if not is_upcoming(event, now):
        raise EventClosed(event)
    if spaces_left(session, event, now) == 0:
        raise EventFull(event, next_with_space(session, event, now))
    return Choice(event=event)
