"""Open days and events: what is on near a place, booking a place, reminders, check-in."""

from carecareers.events.ages import Welcome, events_asked_about, welcome_for
from carecareers.events.bookings import (
    BookingRequest,
    book_place,
    booking_consent,
    bookings_for_sender,
    cancel_bookings_for_sender,
    confirm_booking,
)
from carecareers.events.calendar import event_ics, event_url, ics_url
from carecareers.events.catalogue import (
    EventValues,
    cancel_event,
    change_event,
    create_event,
    events_for_provider,
    events_near,
    get_event,
    is_upcoming,
    next_with_space,
    spaces_left,
    upcoming_events,
)
from carecareers.events.choosing import Choice, choose_event
from carecareers.events.errors import (
    AlreadyBooked,
    BookingNotConfirmable,
    EventClosed,
    EventError,
    EventFormError,
    EventFull,
    EventNotFound,
)
from carecareers.events.wording import when_words

__all__ = [
    "AlreadyBooked",
    "BookingNotConfirmable",
    "BookingRequest",
    "Choice",
    "EventClosed",
    "EventError",
    "EventFormError",
    "EventFull",
    "EventNotFound",
    "EventValues",
    "Welcome",
    "book_place",
    "booking_consent",
    "bookings_for_sender",
    "cancel_bookings_for_sender",
    "cancel_event",
    "confirm_booking",
    "change_event",
    "choose_event",
    "create_event",
    "event_ics",
    "event_url",
    "events_for_provider",
    "events_asked_about",
    "events_near",
    "get_event",
    "ics_url",
    "is_upcoming",
    "next_with_space",
    "spaces_left",
    "upcoming_events",
    "welcome_for",
    "when_words",
]
