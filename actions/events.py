"""Open days and events in the conversation: what's on, booking a place, cancelling it.

Flow (stories/events.yml, diagram in stories/events.mmd): ask_events lists upcoming events
near the person; book_event (a "Book a place" button) checks the event, then booking_form
asks age (under 16: nothing stored), first name, contact (unless the chat itself can take
the reminder: a channel that delivers later) and consent.
"""

from __future__ import annotations

import json
import logging
from typing import Any, NamedTuple

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import (
    campaign_of,
    careers_content,
    channel_name,
    checked,
    clock,
    consent_in,
    db_session,
    delivers_later,
    latest_entity,
    message_metadata,
    typed_answer_of,
)
from carecareers.catalogue import text
from carecareers.conversation.payloads import BOOKED_MARKER, BOOKINGS_PAUSED, FORM_ANSWERS_FORGOTTEN
from carecareers.events import (
    BookingRequest,
    EventClosed,
    EventError,
    EventFull,
    EventNotFound,
    book_place,
    booking_consent,
    cancel_bookings_for_sender,
    choose_event,
    events_near,
    get_event,
    ics_url,
    when_words,
)
from carecareers.events.catalogue import PENDING_HOLD
from carecareers.events.notices import where_words
from carecareers.forms.consent import ConsentWording
from carecareers.forms.validation import (
    InvalidAnswer,
    parse_age,
    parse_contact_detail,
    parse_contact_method,
)
from carecareers.geo import default_gazetteer
from carecareers.leads.form import read_first_name
from carecareers.models import Event
from carecareers.settings import get_settings

logger = logging.getLogger(__name__)

FORM_SLOTS = ("booking_event_id", "booking_age", "booking_first_name", "booking_contact_method",
              "booking_contact_detail", "booking_consent", "booking_under_16")
# The confirmation by the contact method chosen; in a chat that takes the reminder itself
# (a channel that delivers later), utter_booked_in_chat.
BOOKED = {"email": "utter_booked_email", "phone": "utter_booked_phone"}


def book_button(event: Event) -> dict[str, str]:
    payload = "/book_event" + json.dumps({"event_id": str(event.id)}, separators=(",", ":"))
    return {"title": text("chat.events.book_button", title=event.title)[:64], "payload": payload}


def describe(event: Event) -> str:
    """One event in plain words: title, when, where."""
    return text("chat.events.describe", title=event.title,
                when=when_words(event.starts_at, event.ends_at), where=where_words(event))


def listed(events: list[str]) -> str:
    return "\n".join(text("chat.events.line", event=event) for event in events)


class Booked(NamedTuple):
    """What the confirmation of a booking says."""

    response: str
    first_name: str
    event: str
    calendar_url: str
    email: str | None = None  # an email booking waits for the link emailed there
    hold_hours: int = 0


def bookings_paused(tracker: Tracker) -> bool:
    """The web app says this message's address has booked as many places as it may today."""
    return message_metadata(tracker).get(BOOKINGS_PAUSED) is True


def _event_id(tracker: Tracker) -> int | None:
    raw = latest_entity(tracker, "event_id") or tracker.get_slot("booking_event_id")
    return int(raw) if raw and str(raw).isdigit() else None


class ActionListEvents(Action):
    """List upcoming events near the person (past and cancelled ones never)."""

    def name(self) -> str:
        return "action_list_events"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        place = latest_entity(tracker, "location") or tracker.get_slot("location")
        text = str(tracker.latest_message.get("text") or "")
        try:
            with db_session() as session:
                events = events_near(session, default_gazetteer(), place,
                                     None if text.startswith("/") else text, now=clock().now())
                lines = listed([describe(e) for e in events])
                buttons = [book_button(e) for e in events]
        except SQLAlchemyError as exc:
            logger.error("could not list events: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_events_unavailable")
            return []
        if not events:
            dispatcher.utter_message(response="utter_no_events")
            return []
        dispatcher.utter_message(response="utter_events_near" if place else "utter_events",
                                 place=place, events=lines, buttons=buttons)
        return [SlotSet("location", place)] if place else []


class ActionStartBooking(Action):
    """Check the chosen event before any question: full, cancelled or started say so."""

    def name(self) -> str:
        return "action_start_booking"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        clear = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if bookings_paused(tracker):
            dispatcher.utter_message(response="utter_booking_paused")
            return clear
        event_id = latest_entity(tracker, "event_id")
        try:
            with db_session() as session:
                chosen = self._choose(session, dispatcher, tracker,
                                      int(event_id) if event_id and event_id.isdigit() else None)
        except SQLAlchemyError as exc:
            logger.error("could not start a booking: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_events_unavailable")
            return clear
        return clear + [SlotSet("booking_event_id", str(chosen) if chosen else None)]

    def _choose(self, session: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                event_id: int | None) -> int | None:
        place = latest_entity(tracker, "location") or tracker.get_slot("location")
        said = str(tracker.latest_message.get("text") or "")
        try:
            choice = choose_event(session, default_gazetteer(), event_id=event_id, place=place,
                                  about=None if said.startswith("/") else said, now=clock().now())
        except EventFull as full:
            self._full(dispatcher, full.event, full.next_event)
            return None
        except (EventNotFound, EventClosed) as closed:
            cancelled = isinstance(closed, EventClosed) and closed.cancelled
            dispatcher.utter_message(
                response="utter_event_cancelled" if cancelled else "utter_event_closed")
            return None
        if choice.event is None:
            if choice.options:
                dispatcher.utter_message(response="utter_which_event",
                                         buttons=[book_button(e) for e in choice.options])
            else:
                dispatcher.utter_message(response="utter_no_events")
            return None
        dispatcher.utter_message(response="utter_booking_start", event=describe(choice.event))
        return choice.event.id

    @staticmethod
    def _full(dispatcher: CollectingDispatcher, event: Event, other: Event | None) -> None:
        if other is None:
            dispatcher.utter_message(response="utter_event_full", title=event.title)
            return
        dispatcher.utter_message(response="utter_event_full_next", title=event.title,
                                 event=describe(other), buttons=[book_button(other)])


class ValidateBookingForm(FormValidationAction):
    def name(self) -> str:
        return "validate_booking_form"

    async def required_slots(self, domain_slots: list[str], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> list[str]:
        if tracker.get_slot("booking_under_16") or not tracker.get_slot("booking_event_id"):
            return []
        if delivers_later(tracker):
            return [s for s in domain_slots
                    if s not in ("booking_contact_method", "booking_contact_detail")]
        return domain_slots

    def extract_booking_first_name(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> dict[str, Any]:
        return typed_answer_of("booking_first_name", "name", tracker)

    def extract_booking_contact_detail(self, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        method = tracker.get_slot("booking_contact_method")
        return typed_answer_of("booking_contact_detail", method, tracker) if method else {}

    def extract_booking_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                domain: DomainDict) -> dict[str, Any]:
        """Typed words that say yes or no count, whatever NLU made of them."""
        if tracker.get_slot("requested_slot") != "booking_consent":
            return {}
        consent = consent_in(tracker)
        return {} if consent is None else {"booking_consent": consent}

    def validate_booking_age(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"booking_age": None}
        try:
            age = parse_age(str(value))
        except InvalidAnswer as error:
            dispatcher.utter_message(text=str(error))
            return {"booking_age": None}
        if not age.can_consent:
            self._under_16(dispatcher, tracker)
            return {"booking_age": None, "booking_under_16": True}
        return {"booking_age": age.band}

    @staticmethod
    def _under_16(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
        try:
            with db_session() as session:
                event = get_event(session, int(tracker.get_slot("booking_event_id") or 0))
                welcome = bool(event and event.under_16s_with_adult)
                title = event.title if event else None
        except SQLAlchemyError:
            welcome, title = False, None
        if title is None:
            dispatcher.utter_message(response="utter_booking_under_16_no_event")
            return
        dispatcher.utter_message(response="utter_booking_under_16_welcome" if welcome
                                 else "utter_booking_under_16", title=title)

    def validate_booking_first_name(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"booking_first_name": None}
        return checked(dispatcher, "booking_first_name",
                       lambda: read_first_name(str(value), careers_content()))

    def validate_booking_contact_method(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"booking_contact_method": None}
        result = checked(dispatcher, "booking_contact_method",
                             lambda: parse_contact_method(str(value), None))
        if result["booking_contact_method"] != tracker.get_slot("booking_contact_method"):
            result["booking_contact_detail"] = None
        return result

    def validate_booking_contact_detail(self, value: Any, dispatcher: CollectingDispatcher,
                                        tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        if value is None:
            return {"booking_contact_detail": None}
        method = tracker.get_slot("booking_contact_method") or ""
        return checked(dispatcher, "booking_contact_detail",
                           lambda: parse_contact_detail(method, str(value)))

    def validate_booking_consent(self, value: Any, dispatcher: CollectingDispatcher,
                                 tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """Consent only from its own buttons or typed words that say yes (leads' rule)."""
        if value is None:
            return {"booking_consent": None}
        consent = consent_in(tracker)
        if consent is None:
            dispatcher.utter_message(response="utter_tap_booking_consent")
        return {"booking_consent": consent}


class ActionAskBookingAge(Action):
    def name(self) -> str:
        return "action_ask_booking_age"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_age_question")
        return []


class ActionAskBookingContactMethod(Action):
    def name(self) -> str:
        return "action_ask_booking_contact_method"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_contact_method_question")
        return []


class ActionAskBookingContactDetail(Action):
    def name(self) -> str:
        return "action_ask_booking_contact_detail"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        by_phone = tracker.get_slot("booking_contact_method") == "phone"
        dispatcher.utter_message(
            response="utter_booking_phone_question" if by_phone else "utter_booking_email_question")
        return []


def method_of(tracker: Tracker) -> str:
    """How the booking's reminder reaches them: the chat itself (named by its channel) where
    it can deliver later, else the contact method they chose."""
    if delivers_later(tracker):
        return channel_name(tracker)
    return tracker.get_slot("booking_contact_method") or "email"


def consent_wording(session: Any, tracker: Tracker) -> tuple[Event, ConsentWording] | None:
    """The event being booked and the consent question's words for it."""
    event = get_event(session, int(tracker.get_slot("booking_event_id") or 0))
    if event is None:
        return None
    settings = get_settings()
    return event, booking_consent(
        settings.content_dir, event, method_of(tracker),
        settings.privacy_url, settings.event_booking_retention_days)


class ActionAskBookingConsent(Action):
    def name(self) -> str:
        return "action_ask_booking_consent"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            with db_session() as session:
                found = consent_wording(session, tracker)
                question = found[1].text if found else None
        except SQLAlchemyError as exc:
            logger.error("could not word the booking consent: %s", type(exc).__name__)
            question = None
        if question is None:
            dispatcher.utter_message(response="utter_events_unavailable")
            return [SlotSet("booking_event_id", None)]
        dispatcher.utter_message(response="utter_booking_consent_question", question=question)
        return []


def forget(dispatcher: CollectingDispatcher) -> list[EventType]:
    """Clear the answers, and have the relay blank them out of the tracker store too."""
    dispatcher.utter_message(json_message=dict(FORM_ANSWERS_FORGOTTEN))
    return [SlotSet(slot, None) for slot in FORM_SLOTS]


class ActionBookEvent(Action):
    """Book the place if consent was given; always clear the form's answers."""

    def name(self) -> str:
        return "action_book_event"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        clear = [SlotSet(slot, None) for slot in FORM_SLOTS]
        if tracker.get_slot("booking_under_16") or not tracker.get_slot("booking_event_id"):
            return forget(dispatcher) if tracker.get_slot("booking_under_16") else clear
        if tracker.get_slot("booking_consent") != "given":
            dispatcher.utter_message(response="utter_booking_refused")
            return forget(dispatcher)
        if bookings_paused(tracker):
            dispatcher.utter_message(response="utter_booking_paused")
            return forget(dispatcher)
        try:
            with db_session() as session:
                booked = self._book(session, tracker)
        except EventFull as full:
            ActionStartBooking._full(dispatcher, full.event, full.next_event)
            return forget(dispatcher)
        except EventError as error:
            dispatcher.utter_message(text=str(error))
            return forget(dispatcher)
        except SQLAlchemyError as exc:
            logger.error("could not book a place: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_events_unavailable")
            return forget(dispatcher)
        if booked is None:
            dispatcher.utter_message(response="utter_event_gone")
            return forget(dispatcher)
        if channel_name(tracker) == "web":  # the web app counts it against the address
            dispatcher.utter_message(json_message=dict(BOOKED_MARKER))
        dispatcher.utter_message(response=booked.response, first_name=booked.first_name,
                                 event=booked.event, calendar_url=booked.calendar_url,
                                 email=booked.email, hold_hours=booked.hold_hours)
        return clear

    @staticmethod
    def _book(session: Any, tracker: Tracker) -> Booked | None:
        """Book the place and say what was booked; None if the event is gone.

        A place booked with an email address waits for the link emailed there (the reply
        says so); the web app counts every booking against the address it came from.
        """
        found = consent_wording(session, tracker)
        if found is None:
            return None
        event, wording = found
        method, in_chat = method_of(tracker), delivers_later(tracker)
        settings = get_settings()
        booking = book_place(session, BookingRequest(
            event_id=event.id, first_name=str(tracker.get_slot("booking_first_name")),
            contact_method=method, contact_detail=None if in_chat else
            tracker.get_slot("booking_contact_detail"), consent=wording,
            channel=channel_name(tracker), sender_id=tracker.sender_id,
            campaign=campaign_of(tracker)), clock().now(), base_url=settings.public_base_url)
        return Booked("utter_booked_in_chat" if in_chat else BOOKED[method],
                      booking.first_name, describe(event),
                      ics_url(settings.public_base_url, event), booking.contact_detail,
                      int(PENDING_HOLD.total_seconds() // 3600))


class ActionStopBookingForm(Action):
    def name(self) -> str:
        return "action_stop_booking_form"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_booking_stopped")
        return forget(dispatcher)


class ActionCancelBooking(Action):
    """Cancel the person's places to come (one event's, when a button names it)."""

    def name(self) -> str:
        return "action_cancel_booking"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            with db_session() as session:
                cancelled = [describe(b.event) for b in cancel_bookings_for_sender(
                    session, tracker.sender_id, _event_id(tracker) if
                    latest_entity(tracker, "event_id") else None, now=clock().now())]
        except SQLAlchemyError as exc:
            logger.error("could not cancel a booking: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_events_unavailable")
            return []
        if not cancelled:
            dispatcher.utter_message(response="utter_no_bookings")
            return []
        dispatcher.utter_message(response="utter_bookings_cancelled", events=listed(cancelled))
        return []
