"""The events' business errors, turned into replies and pages only at the edge."""

from __future__ import annotations

from carecareers import catalogue
from carecareers.models import Event


class EventError(Exception):
    """Something about an event or a booking the person should be told in plain words."""


class EventNotFound(EventError):
    def __init__(self) -> None:
        super().__init__(catalogue.text("chat.event_errors.not_found"))


class EventClosed(EventError):
    """The event is cancelled or already started: no more bookings."""

    def __init__(self, event: Event) -> None:
        self.event = event
        self.cancelled = event.status == "cancelled"
        why = "cancelled" if self.cancelled else "started"
        super().__init__(catalogue.text(f"chat.event_errors.{why}", title=event.title))


class EventFull(EventError):
    """Every place is taken; `next_event` is the next one like it with space, if any."""

    def __init__(self, event: Event, next_event: Event | None) -> None:
        self.event, self.next_event = event, next_event
        super().__init__(catalogue.text("chat.event_errors.full", title=event.title))


class AlreadyBooked(EventError):
    def __init__(self, event: Event) -> None:
        self.event = event
        super().__init__(catalogue.text("chat.event_errors.already_booked", title=event.title))


class BookingNotConfirmable(EventError):
    """A booking's confirmation link that was used already, or whose booking is gone."""

    def __init__(self) -> None:
        super().__init__("no pending booking has this confirmation link")


class EventFormError(ValueError):
    """The dashboard form's answers, field by field, that need fixing."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
