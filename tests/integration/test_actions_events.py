"""The event actions against a real (SQLite) database: list, choose, book, under 16, cancel."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import common
from actions.events import (
    ActionAskBookingConsent,
    ActionBookEvent,
    ActionCancelBooking,
    ActionListEvents,
    ActionStartBooking,
    ValidateBookingForm,
)
from carecareers.db import make_engine, session_factory
from carecareers.events import create_event
from carecareers.migrate import upgrade
from carecareers.models import Booking, Event, OutboxMessage
from carecareers.models.base import utcnow
from carecareers.settings import get_settings
from tests.conftest import make_settings, use_test_secrets
from tests.factories import make_provider
from tests.integration.event_helpers import values
from tests.support.responses import said

SLOTS = ("booking_age", "booking_first_name", "booking_contact_method",
         "booking_contact_detail", "booking_consent")
DOMAIN = {"forms": {"booking_form": {"required_slots": list(SLOTS)}},
          "slots": {s: {} for s in SLOTS}}


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    settings = make_settings(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://care.example.org")
    use_test_secrets(monkeypatch)
    get_settings.cache_clear()
    common._factory.cache_clear()
    upgrade(settings.database_url)
    yield session_factory(make_engine(settings.database_url))
    get_settings.cache_clear()
    common._factory.cache_clear()


def add_event(factory: sessionmaker[Session], title: str = "Hospice open day",
              hours: float = 48, **extra: object) -> int:
    """An event `hours` from now (the actions read the real clock)."""
    with factory() as session, session.begin():
        provider = make_provider(session, name="Douglas Macmillan Hospice", kind="hospice")
        start = utcnow() + timedelta(hours=hours)
        chosen = replace(values(title, providers=[provider], **extra),  # type: ignore[arg-type]
                         starts_at=start, ends_at=start + timedelta(hours=3))
        return create_event(session, chosen, "test").id


def tracker(slots: dict[str, Any] | None = None, text: str = "", channel: str = "web",
            sender: str = "web-booker", entities: list[dict[str, Any]] | None = None,
            intent: str = "book_event", metadata: dict[str, Any] | None = None) -> Tracker:
    return Tracker(
        sender_id=sender, slots=slots or {},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9},
                        "entities": entities or []},
        events=[{"event": "user", "text": text,
                 "metadata": metadata or {"channel": channel}}],
        paused=False, followup_action=None, active_loop={"name": "booking_form"},
        latest_action_name="action_listen")


def run(action: Any, t: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, said(dispatcher.messages)


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def test_listing_shows_upcoming_events_with_book_buttons_and_never_past_ones(database):
    event_id = add_event(database)
    add_event(database, "Last week's open day", hours=-24 * 7)
    _, messages = run(ActionListEvents(), tracker(text="any open days", intent="ask_events"))
    assert "Hospice open day" in texts(messages) and "Last week" not in texts(messages)
    [button] = messages[0]["buttons"]
    assert button["payload"] == f'/book_event{{"event_id":"{event_id}"}}'


def test_nothing_on_says_so(database):
    _, messages = run(ActionListEvents(), tracker(text="what's on", intent="ask_events"))
    assert "no open days or events coming up" in texts(messages)


def test_booking_a_full_event_offers_the_next(database):
    full = add_event(database, capacity=0)
    later = add_event(database, "Hospice open day again", hours=24 * 9)
    slots, messages = run(ActionStartBooking(), tracker(
        text="/book_event", entities=[{"entity": "event_id", "value": str(full)}]))
    assert slots["booking_event_id"] is None
    assert "is full" in texts(messages)
    assert messages[-1]["buttons"][0]["payload"].endswith(f'"{later}"}}')


async def test_under_16s_are_told_whether_they_may_come_and_nothing_is_kept(database):
    event_id = add_event(database, under_16s_with_adult=True)
    dispatcher = CollectingDispatcher()
    t = tracker({"booking_event_id": str(event_id), "booking_age": "15",
                 "requested_slot": "booking_age"}, "15")
    t.events.append({"event": "slot", "name": "booking_age", "value": "15"})
    events = await ValidateBookingForm().run(dispatcher, t, DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["booking_under_16"] is True and slots["booking_age"] is None
    assert "with a parent or your school" in texts(said(dispatcher.messages))
    slots, messages = run(ActionBookEvent(), tracker({"booking_event_id": str(event_id),
                                                      "booking_under_16": True}))
    assert {"type": "form_answers_forgotten"} in [m.get("custom") for m in messages]
    with database() as session:
        assert session.scalars(select(Booking)).all() == []


def test_a_web_booking_keeps_the_consent_words_and_confirms_with_a_calendar_link(database):
    event_id = add_event(database)
    answers = {"booking_event_id": str(event_id), "booking_age": "18_24",
               "booking_first_name": "Jordan", "booking_contact_method": "email",
               "booking_contact_detail": "jordan@example.org"}
    _, asked = run(ActionAskBookingConsent(), tracker(answers))
    question = texts(asked)
    assert "Douglas Macmillan Hospice" in question and "email address" in question
    _, messages = run(ActionBookEvent(), tracker({**answers, "booking_consent": "given"}))
    [reply] = [m for m in messages if m.get("response")]
    assert reply["response"] == "utter_booked_email"  # waiting for the link emailed
    assert (reply["first_name"], reply["email"], reply["hold_hours"]) == (
        "Jordan", "jordan@example.org", 2)
    assert "Hospice open day" in reply["event"]
    assert {"type": "event_booked"} in [m.get("custom") for m in messages]
    with database() as session:
        booking = session.scalars(select(Booking)).one()
        assert booking.consent_wording == question and booking.contact_detail == \
            "jordan@example.org" and booking.sender_id == "web-booker"
        assert booking.status == "pending"
        [email] = session.scalars(select(OutboxMessage)).all()
        assert f"https://care.example.org/events/bookings/confirm/{booking.confirm_token}" \
            in email.body


def test_a_phone_booking_is_booked_at_once_with_a_calendar_link(database):
    event_id = add_event(database)
    answers = {"booking_event_id": str(event_id), "booking_age": "18_24",
               "booking_first_name": "Jordan", "booking_contact_method": "phone",
               "booking_contact_detail": "07700 900123", "booking_consent": "given"}
    _, messages = run(ActionBookEvent(), tracker(answers))
    assert "You're booked, Jordan!" in texts(messages)
    assert f"https://care.example.org/events/{event_id}.ics" in texts(messages)
    _, again = run(ActionBookEvent(), tracker(answers, sender="web-script-2"))
    assert "already" in texts(again)  # the same phone number, from another conversation


def test_an_address_past_its_booking_limit_books_nothing(database):
    """The web app says so in the metadata: the address booked too many places today."""
    event_id = add_event(database)
    answers = {"booking_event_id": str(event_id), "booking_age": "18_24",
               "booking_first_name": "Jordan", "booking_contact_method": "phone",
               "booking_contact_detail": "07700 900123", "booking_consent": "given"}
    paused = {"channel": "web", "bookings_paused": True}
    _, started = run(ActionStartBooking(), tracker(
        text="/book_event", entities=[{"entity": "event_id", "value": str(event_id)}],
        metadata=paused))
    assert started[0]["response"] == "utter_booking_paused"
    _, messages = run(ActionBookEvent(), tracker(answers, metadata=paused))
    assert messages[0]["response"] == "utter_booking_paused"
    with database() as session:
        assert session.scalars(select(Booking)).all() == []


def test_a_telegram_booking_is_reminded_in_the_persons_chat(database):
    event_id = add_event(database)
    _, messages = run(ActionBookEvent(), tracker(
        {"booking_event_id": str(event_id), "booking_age": "16_17",
         "booking_first_name": "Tia", "booking_consent": "given"}, channel="telegram"))
    assert [m.get("custom") for m in messages] == [{}]  # nothing for the relay to link
    assert "reminder here the day before" in texts(messages)
    with database() as session:
        booking = session.scalars(select(Booking)).one()
        assert (booking.contact_method, booking.contact_detail) == ("telegram", None)


def test_refusing_consent_books_nothing(database):
    event_id = add_event(database)
    _, messages = run(ActionBookEvent(), tracker(
        {"booking_event_id": str(event_id), "booking_first_name": "Jo",
         "booking_consent": "refused"}))
    assert "haven't booked anything" in texts(messages)
    with database() as session:
        assert session.scalars(select(Booking)).all() == []


def test_cancel_my_booking(database):
    event_id = add_event(database)
    answers = {"booking_event_id": str(event_id), "booking_first_name": "Jo",
               "booking_contact_method": "email", "booking_contact_detail": "jo@example.org",
               "booking_consent": "given"}
    run(ActionBookEvent(), tracker(answers))
    _, messages = run(ActionCancelBooking(), tracker(intent="cancel_booking",
                                                     text="cancel my booking"))
    assert "cancelled your place" in texts(messages) and "Hospice open day" in texts(messages)
    _, again = run(ActionCancelBooking(), tracker(intent="cancel_booking"))
    assert "nothing to cancel" in texts(again)
    with database() as session:
        assert session.scalars(select(Booking.status)).all() == ["cancelled"]
        assert session.get(Event, event_id) is not None
