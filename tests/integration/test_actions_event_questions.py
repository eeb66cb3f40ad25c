"""Asking who may come to an event before booking ("im 14, can I go?"), on a real database."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from actions import common
from actions.event_questions import ActionEventAge, shown_event_ids
from carecareers.db import make_engine, session_factory
from carecareers.events import Welcome, events_asked_about, get_event, welcome_for
from carecareers.geo import default_gazetteer
from carecareers.migrate import upgrade
from carecareers.settings import get_settings
from tests.conftest import make_settings
from tests.integration.test_actions_events import add_event
from tests.support.responses import said


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[sessionmaker[Session]]:
    settings = make_settings(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    get_settings.cache_clear()
    common._factory.cache_clear()
    upgrade(settings.database_url)
    yield session_factory(make_engine(settings.database_url))
    get_settings.cache_clear()
    common._factory.cache_clear()


def asked(text: str, said_age: str | None = None, shown: tuple[int, ...] = (),
          **slots: Any) -> Tracker:
    """A question about coming, after a reply that offered to book the events `shown`."""
    buttons = [{"title": "Book", "payload": f'/book_event{{"event_id":"{i}"}}'} for i in shown]
    events = [{"event": "bot", "text": "Here's what's coming up", "data": {"buttons": buttons}},
              {"event": "user", "text": text, "metadata": {"channel": "web"}}]
    return Tracker(
        sender_id="web-asker", slots=slots,
        latest_message={"text": text, "intent": {"name": "ask_event_age", "confidence": 0.9},
                        "entities": [{"entity": "age", "value": said_age}] if said_age else []},
        events=events, paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen")


def answer(t: Tracker) -> list[dict[str, Any]]:
    dispatcher = CollectingDispatcher()
    assert ActionEventAge().run(dispatcher, t, {}) == []
    return said(dispatcher.messages)


def test_an_under_16_is_told_they_may_come_with_a_parent_or_school_and_nothing_is_booked(
        database: sessionmaker[Session]) -> None:
    event_id = add_event(database, under_16s_with_adult=True)
    [message] = answer(asked("im 14 can i still come to that", "14", (event_id,)))
    assert message["response"] == "utter_event_with_adult"
    assert message["event"] == "Hospice open day" and message["buttons"] == []


def test_an_under_16_is_told_when_an_event_is_for_16_and_over(
        database: sessionmaker[Session]) -> None:
    event_id = add_event(database)
    [message] = answer(asked("can i come im 15", "15", (event_id,)))
    assert message["response"] == "utter_event_sixteen_plus"


def test_someone_16_or_over_is_offered_the_booking(database: sessionmaker[Session]) -> None:
    event_id = add_event(database)
    [message] = answer(asked("im 17 can i go", None, (event_id,), age="17"))
    assert (message["response"], message["age"]) == ("utter_event_can_book", 17)
    assert message["buttons"][0]["payload"] == f'/book_event{{"event_id":"{event_id}"}}'


def test_with_nothing_listed_the_events_coming_up_are_named_with_their_day(
        database: sessionmaker[Session]) -> None:
    add_event(database, under_16s_with_adult=True)
    [message] = answer(asked("can under 16s come to the open day"))
    assert message["response"] == "utter_event_any_age_with_adult"
    assert message["event"].startswith("Hospice open day: ") and "Community hall" in \
        message["event"]


def test_nothing_coming_up_says_so(database: sessionmaker[Session]) -> None:
    [message] = answer(asked("is the open day ok for a 13 year old", "13"))
    assert "no open days or events coming up" in message["text"]


def test_the_events_asked_about_are_those_shown_narrowed_to_the_one_named(
        database: sessionmaker[Session]) -> None:
    hospice = add_event(database)
    hospital = add_event(database, "Hospital careers day")
    with database() as session:
        gazetteer = default_gazetteer()
        now = common.clock().now()  # the actions' clock, which add_event's times follow
        both = events_asked_about(session, gazetteer, (hospice, hospital), None, "can i come",
                                  now)
        named = events_asked_about(session, gazetteer, (hospice, hospital), None,
                                   "can i go to the hospital one", now)
        assert [e.id for e in both] == [hospice, hospital]
        assert [e.id for e in named] == [hospital]
        event = get_event(session, hospice)
        assert event is not None
        assert welcome_for(event, None) is Welcome.ONLY_SIXTEEN_PLUS
        assert welcome_for(event, 16) is Welcome.CAN_BOOK


def test_the_events_shown_are_read_from_the_latest_reply_with_book_buttons() -> None:
    t = asked("im 14 can i go", "14", (7, 9))
    t.events.insert(0, {"event": "bot", "data": {"buttons": [
        {"title": "Book", "payload": '/book_event{"event_id":"3"}'}]}})
    assert shown_event_ids(t) == [7, 9]
    assert shown_event_ids(asked("hi")) == []
