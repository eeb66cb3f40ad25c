"""A topic plugs into the centre by registering itself: no file of the centre names it.

A throwaway topic, "notes", keeps what a person wrote in its own table (created in the test
database and rolled back with it). Registered at run time, it is erased with the person,
purged after its own retention period, its form's slots are blanked out of the tracker
store, a "yes" to its offer runs its action, and it can take a person's turn before Rasa:
the same paths every real topic takes.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    delete,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Session

from actions.context import ActionFollowOffer
from carecareers.clock import Clock
from carecareers.conversation.relay import Relay, Turn
from carecareers.conversation.tracker_events import REMOVED, redact_form_answers
from carecareers.db import make_engine, session_factory
from carecareers.leads.erasure import erase_person, purge_expired
from carecareers.settings import PROJECT_ROOT
from carecareers.topics import (
    Counts,
    Person,
    PersonTurn,
    Retention,
    Topic,
    TurnAnswer,
    answering,
    installed,
    register,
    unregister,
)
from tests.factories import RETENTION, make_lead
from tests.support.fake_rasa import FakeRasa

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
NOTES = Table("throwaway_notes", MetaData(),
              Column("id", Integer, primary_key=True),
              Column("sender_id", String(64)),
              Column("email", String(254)),
              Column("written_at", DateTime(timezone=True)))


def erase_notes(session: Session, person: Person) -> Counts:
    mine = [NOTES.c.sender_id.in_(sorted(person.sender_ids))]
    if person.email:
        mine.append(NOTES.c.email == person.email)
    return {"notes": int(session.execute(delete(NOTES).where(or_(*mine))).rowcount or 0)}


def purge_notes(session: Session, now: datetime, retention: Retention) -> Counts:
    old = NOTES.c.written_at < retention.cutoff("note", now)
    return {"notes_expired": int(session.execute(delete(NOTES).where(old)).rowcount or 0)}


class ActionNotes(Action):
    """The throwaway topic's answer, run when a "yes" takes up its offer."""

    def name(self) -> str:
        return "action_notes"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        dispatcher.utter_message(text=f"notes for {tracker.latest_message['intent']['name']}")
        return []


@pytest.fixture
def notes(session: Session) -> Iterator[Topic]:
    NOTES.create(session.connection())
    topic = register(Topic("notes", erase=erase_notes, purge=purge_notes,
                           form_starts=("action_start_note",), form_slots=("note_",),
                           intents={"ask_notes": "action_notes"}))
    yield topic
    unregister("notes")


def write(session: Session, sender_id: str, email: str | None = None,
          at: datetime = NOW) -> None:
    session.execute(NOTES.insert().values(sender_id=sender_id, email=email, written_at=at))


def senders_left(session: Session) -> list[str]:
    return sorted(session.scalars(select(NOTES.c.sender_id)))


def test_the_registered_topic_is_erased_with_the_person(session: Session, notes: Topic) -> None:
    write(session, "web-me")
    write(session, "tg-me-elsewhere", email="me@example.org")
    write(session, "web-someone-else", email="else@example.org")

    erasure = erase_person(session, actor="test", via="test", sender_id="web-me",
                           email="me@example.org")

    assert erasure.erased["notes"] == 2
    assert erasure.leads == 0 and erasure.found_anything  # the notes were details too
    assert senders_left(session) == ["web-someone-else"]


def test_the_topic_erases_the_conversations_of_the_persons_leads(session: Session,
                                                                 notes: Topic) -> None:
    make_lead(session, sender_id="tg-lead", email="lead@example.org")
    write(session, "tg-lead")

    erasure = erase_person(session, actor="test", via="test", email="lead@example.org")

    assert erasure.leads == 1 and erasure.erased["notes"] == 1
    assert senders_left(session) == []


def test_the_registered_topic_is_purged_after_its_own_period(session: Session, notes: Topic,
                                                              tmp_path: Path) -> None:
    write(session, "web-old", at=NOW - timedelta(days=31))
    write(session, "web-recent", at=NOW - timedelta(days=29))
    retention = Retention({**RETENTION.days, "note": 30})

    report = purge_expired(session, f"sqlite:///{tmp_path / 'tracker.db'}", retention, NOW)

    assert report.purged["notes_expired"] == 1
    assert senders_left(session) == ["web-recent"]


def test_the_registered_forms_slots_are_blanked_out_of_the_tracker(notes: Topic,
                                                                   tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"))
        for type_name, action, data in [
            ("slot", None, {"event": "slot", "name": "note_text", "value": "before the form"}),
            ("action", "action_start_note", {"event": "action", "name": "action_start_note"}),
            ("user", None, {"event": "user", "text": "my secret", "parse_data": {}}),
            ("slot", None, {"event": "slot", "name": "note_text", "value": "my secret"}),
            ("slot", None, {"event": "slot", "name": "other_slot", "value": "kept"}),
        ]:
            connection.execute(text(
                "INSERT INTO events (sender_id, type_name, action_name, data) "
                "VALUES ('web-me', :t, :a, :d)"), {"t": type_name, "a": action,
                                                   "d": json.dumps(data)})

    assert redact_form_answers(url, "web-me") == 2

    with engine.connect() as connection:
        rows = [json.loads(d) for (d,) in connection.execute(text(
            "SELECT data FROM events ORDER BY id"))]
    engine.dispose()
    assert rows[0]["value"] == "before the form"  # before the form began: not its answers
    assert rows[2]["text"] == REMOVED and rows[3]["value"] is None
    assert rows[4]["value"] == "kept"


def test_a_yes_to_the_topics_offer_runs_the_action_it_registered(notes: Topic) -> None:
    offer = {"event": "bot", "text": "Shall I show your notes?",
             "data": {"buttons": [{"title": "Yes please", "payload": "/ask_notes"}]}}
    tracker = Tracker(sender_id="web-me", slots={}, latest_message={
        "text": "yes", "intent": {"name": "affirm"}, "entities": []}, events=[offer],
        paused=False, followup_action=None, active_loop={}, latest_action_name=None)
    dispatcher = CollectingDispatcher()

    asyncio.run(ActionFollowOffer().run(dispatcher, tracker, {}))

    assert [m["text"] for m in dispatcher.messages] == ["notes for ask_notes"]


def take_a_note(session: Session, turn: PersonTurn) -> TurnAnswer | None:
    """The throwaway topic takes typed 'note: ...' and its own button, before Rasa."""
    if turn.message == "notes:done":
        return TurnAnswer("Notes closed.")
    if turn.said is not None and turn.said.startswith("note:"):
        return TurnAnswer("Noted.", ({"title": "Done", "payload": "notes:done"},))
    return None


async def test_a_topic_takes_a_persons_turn_before_rasa(tmp_path: Path) -> None:
    register(Topic("notes", takes_turn=take_a_note, turn_payloads=frozenset({"notes:done"})))
    rasa = FakeRasa()
    relay = Relay(rasa.client(), f"sqlite:///{tmp_path / 'tracker.db'}",
                  session_factory(make_engine(f"sqlite:///{tmp_path / 'app.db'}")), clock=Clock())
    try:
        noted = await relay.take(Turn("web-me", "note: call Priya", "web", said="note: call Priya"))
        closed = await relay.take(Turn("web-me", "notes:done", "web"))
        typed_otherwise = await relay.take(Turn("web-me", "hello", "web", said="hello"))
    finally:
        unregister("notes")
    assert noted.taken_by_topic and [(r.text, r.buttons) for r in noted.replies] == [
        ("Noted.", [{"title": "Done", "payload": "notes:done"}])]
    assert closed.taken_by_topic and [r.text for r in closed.replies] == ["Notes closed."]
    assert not typed_otherwise.taken_by_topic and rasa.messages == ["hello"]


def test_the_topics_of_this_package_are_found_without_a_list() -> None:
    names = {topic.name for topic in installed()}
    assert {"alerts", "careers", "events", "leads", "threads", "vacancies"} <= names
    assert answering("ask_pay") == "action_pay"
    assert answering("confirm_delete_my_data") == "action_erase_my_data"
    assert answering("no_such_intent") is None


def test_every_registered_intent_is_answered_so_by_the_rules_too() -> None:
    """The topics' intents agree with stories/ (what Rasa runs when the intent is typed)."""
    pairs = set()
    for path in (PROJECT_ROOT / "stories").glob("*.yml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for flow in [*data.get("rules", []), *data.get("stories", [])]:
            steps = flow.get("steps", [])
            pairs |= {(a["intent"], b["action"]) for a, b in zip(steps, steps[1:], strict=False)
                      if "intent" in a and "action" in b}
    registered = {(intent, action) for topic in installed()
                  for intent, action in topic.intents.items()}
    assert registered and registered <= pairs, registered - pairs
