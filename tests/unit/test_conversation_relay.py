"""The chat-turn relay: one set of rules, the same through the web chat and the bot."""

from __future__ import annotations

import asyncio
import html
import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, event, literal, select, text
from sqlalchemy.exc import OperationalError
from telegram import Update

from bot.app import build_application
from bot.conversation import telegram_sender
from carecareers import catalogue
from carecareers.campaigns.service import ERASED, create_campaign, forget_conversation
from carecareers.clock import FixedClock
from carecareers.conversation.greeting import greeting
from carecareers.conversation.payloads import ERASED_MARKER
from carecareers.conversation.rasa_client import BotMessage
from carecareers.conversation.relay import NO_REPLY, UNAVAILABLE, Relay, Turn
from carecareers.conversation.senders import new_web_sender
from carecareers.db import make_engine, session_factory
from carecareers.delivery.people import SEEN_EVERY, addresses_of, forget_person
from carecareers.migrate import upgrade
from carecareers.models import Campaign, Conversation, PersonAddress
from carecareers.models.base import as_utc
from carecareers.settings import Settings
from carecareers.threads.replies import BACK_TO_ASSISTANT
from carecareers.topics import PersonTurn, Topic, TurnAnswer, register, unregister
from tests.conftest import TEST_SECRET_KEY, make_settings
from tests.support.fake_rasa import FakeRasa
from tests.unit.test_bot_flows import BotApiLog, RecordingRequest, message
from web.app import create_app
from web.session import COOKIE_NAME, open_session

NO_REPLY_TEXT = catalogue.text(NO_REPLY)
UNAVAILABLE_TEXT = catalogue.text(UNAVAILABLE)

Json = dict[str, Any]
CAMPAIGN = "FOODBANK-1"
CLOCK = FixedClock(datetime(2026, 11, 30, 12, tzinfo=timezone.utc))
# What the person types, in order, and what the scripted Rasa answers to each.
SCRIPT: dict[str, list[Json]] = {
    "hello": [{"text": "Hi! Ask me about care jobs.",
               "buttons": [{"title": "Jobs near me", "payload": "/search_vacancies"}]}],
    "what about pay": [],  # Rasa predicted nothing: the person still gets a reply
    "forget me": [{"text": "Done. I've deleted your details."}, {"custom": dict(ERASED_MARKER)}],
}


def scripted_rasa() -> FakeRasa:
    """Rasa answering from SCRIPT (and 'Hello!' to anything else)."""
    return FakeRasa(lambda body: SCRIPT.get(body["message"], [{"text": "Hello!"}]))


def tracker_with_events(path: Path, *senders: str) -> str:
    """A SQLite tracker store holding two events for each sender; return its URL."""
    url = f"sqlite:///{path}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                                "type_name TEXT, timestamp REAL, data TEXT)"))
    engine.dispose()
    add_events(url, *senders)
    return url


def add_events(url: str, *senders: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        for sender in senders:
            for kind in ("user", "bot"):
                connection.execute(text("INSERT INTO events (sender_id, type_name, timestamp, "
                                        "data) VALUES (:s, :k, 0, '{}')"), {"s": sender, "k": kind})
    engine.dispose()


def events_of(tracker_url: str, sender: str) -> int:
    engine = create_engine(tracker_url)
    with engine.connect() as connection:
        count = connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                   {"s": sender}).scalar_one()
    engine.dispose()
    return int(count)


def conversations(settings: Settings) -> list[tuple[str, str, str | None]]:
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session:
        rows = session.execute(
            select(Conversation.sender_id, Conversation.channel, Campaign.code)
            .outerjoin(Campaign, Campaign.id == Conversation.campaign_id)
            .order_by(Conversation.id)).tuples().all()
        return list(rows)


def with_campaign(settings: Settings) -> None:
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session, session.begin():
        create_campaign(session, CAMPAIGN, "Food bank", kind="food_bank")


# -- the relay alone --------------------------------------------------------------------------


@pytest.fixture
def relay_setup(tmp_path: Path) -> tuple[Relay, FakeRasa, Settings]:
    settings = make_settings(tmp_path)
    with_campaign(settings)
    rasa = scripted_rasa()
    client = rasa.client()
    relay = Relay(client, settings.tracker_store_url,
                  session_factory(make_engine(settings.database_url)), clock=CLOCK)
    return relay, rasa, settings


async def test_a_turn_sends_channel_campaign_and_extras(relay_setup) -> None:
    relay, rasa, _ = relay_setup
    await relay.take(Turn("s1", "hello", "telegram", CAMPAIGN, extra_metadata={"latitude": 53.0}))
    await relay.take(Turn("s1", "hello", "web"))
    assert rasa.requests[0]["metadata"] == {"channel": "telegram", "campaign": CAMPAIGN,
                                            "latitude": 53.0}
    assert rasa.requests[1]["metadata"] == {"channel": "web"}


async def test_a_person_always_gets_a_reply_but_the_greeting_may_be_silent(relay_setup) -> None:
    relay, _, _ = relay_setup
    person = await relay.take(Turn("s1", "what about pay", "web"))
    greeting = await relay.take(Turn("s1", "what about pay", "web", from_person=False))
    restarted = await relay.take(Turn("s1", "what about pay", "telegram", if_silent="Restarted."))
    assert [r.text for r in person.replies] == [NO_REPLY_TEXT]
    assert greeting.replies == [] and greeting.answered
    assert [r.text for r in restarted.replies] == ["Restarted."]


async def test_rasa_down_is_a_kind_reply_and_not_answered(relay_setup) -> None:
    relay, rasa, settings = relay_setup
    rasa.up = False
    result = await relay.take(Turn("s1", "hello", "web", CAMPAIGN))
    assert not result.answered and [r.text for r in result.replies] == [UNAVAILABLE_TEXT]
    # the person did write: the message counts for the campaign even when Rasa is down
    assert conversations(settings) == [("s1", "web", CAMPAIGN)]


async def test_the_greeting_is_not_counted_for_the_campaign(relay_setup) -> None:
    relay, _, settings = relay_setup
    await relay.take(Turn("s1", "hello", "web", CAMPAIGN, from_person=False))
    assert conversations(settings) == []


class Watched:
    """Rasa, noting the SQL the relay ran before each message reached it."""

    def __init__(self, rasa: Any, statements: list[str]) -> None:
        self._rasa, self._statements = rasa, statements
        self.before: list[list[str]] = []

    async def send(self, sender: str, message: str, metadata: Json | None = None) -> Any:
        self.before.append(list(self._statements))
        self._statements.clear()
        return await self._rasa.send(sender, message, metadata)


def watched_relay(settings: Settings, rasa: Any, clock: FixedClock | None = None,
                  ) -> tuple[Relay, Watched, list[str]]:
    """A relay on a write-locking engine (as the web app's), and every statement it runs."""
    engine = make_engine(settings.database_url, immediate=True)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute",
                 lambda _c, _cursor, statement, *_: statements.append(statement.split()[0]))
    event.listen(engine, "commit", lambda _c: statements.append("COMMIT"))
    watched = Watched(rasa, statements)
    relay = Relay(watched, settings.tracker_store_url, session_factory(engine),
                  clock=clock or CLOCK)
    return relay, watched, statements


async def test_before_rasa_a_turn_only_reads_and_its_records_are_kept_beside_it(
        tmp_path: Path) -> None:
    """A new address is noted before Rasa (what the turn's actions queue can reach it): a first
    one in one INSERT, outside a transaction. Then typed text no topic waits for, and a button
    of Rasa's: one read before Rasa, outside a transaction (no write lock). The campaign count
    (and, at most hourly, when the address was last seen) is kept beside Rasa, outside a
    transaction once the conversation exists, and is there when the reply comes back."""
    settings = make_settings(tmp_path)
    with_campaign(settings)
    relay, watched, statements = watched_relay(settings, scripted_rasa().client())
    first = await relay.take(Turn("s1", "hello", "web", CAMPAIGN, said="hello", address="s1"))
    assert first.replies[0].text == "Hi! Ask me about care jobs."
    assert watched.before[0] == ["SELECT", "INSERT"]  # the look, then the first address
    # Beside Rasa: the count finds no conversation yet, so one is created in a transaction.
    assert statements[0] == "UPDATE" and statements[1] == "BEGIN" and "INSERT" in statements
    assert statements.count("BEGIN") == statements.count("COMMIT") == 1
    statements.clear()
    for said in ("hello", None):
        turn = Turn("s1", said or "/search_vacancies", "web", CAMPAIGN, said=said, address="s1")
        assert (await relay.take(turn)).replies[0].text in ("Hi! Ask me about care jobs.",
                                                            "Hello!")
        assert watched.before[-1] == ["SELECT"]
        assert statements == ["UPDATE"]  # counted (seen lately): no BEGIN, no COMMIT
        statements.clear()
    an_hour_on = FixedClock(CLOCK.now() + SEEN_EVERY)
    relay, watched, statements = watched_relay(settings, scripted_rasa().client(), an_hour_on)
    await relay.take(Turn("s1", "hello", "web", CAMPAIGN, said="hello", address="s1"))
    assert watched.before == [["SELECT"]] and statements == ["UPDATE", "UPDATE"]  # seen again
    assert conversations(settings) == [("s1", "web", CAMPAIGN)]
    with session_factory(make_engine(settings.database_url))() as session:
        assert addresses_of(session, "s1") == {"web": "s1"}
        assert session.scalar(select(Conversation.message_count)) == 4
        assert as_utc(session.scalar(select(PersonAddress.last_seen_at))) == an_hour_on.now()


@pytest.fixture
def waiting_topic() -> Any:
    """A topic waiting for the typed text of 'waited-for' only, and taking it."""
    taken: list[str] = []

    def take(_session: Any, person: PersonTurn) -> TurnAnswer:
        taken.append(person.sender_id)
        return TurnAnswer("Your adviser will read that.")

    register(Topic("waiting", takes_turn=take,
                   awaits=lambda sender: sender == literal("waited-for")))
    yield taken
    unregister("waiting")


async def test_typed_text_goes_to_the_topic_waiting_for_it_and_no_other(
        tmp_path: Path, waiting_topic: list[str]) -> None:
    settings = make_settings(tmp_path)
    with_campaign(settings)
    rasa = scripted_rasa()
    relay, watched, statements = watched_relay(settings, rasa.client())
    waited = await relay.take(Turn("waited-for", "hello", "web", CAMPAIGN, said="hello",
                                   address="waited-for"))
    other = await relay.take(Turn("s1", "hello", "web", CAMPAIGN, said="hello", address="s1"))
    assert waited.taken_by_topic and [r.text for r in waited.replies] == [
        "Your adviser will read that."]
    assert waiting_topic == ["waited-for"]  # offered only the turn it waits for
    assert not other.taken_by_topic and other.replies[0].text == "Hi! Ask me about care jobs."
    assert [r["sender"] for r in rasa.requests] == ["s1"]
    with session_factory(make_engine(settings.database_url))() as session:
        assert addresses_of(session, "waited-for") == {"web": "waited-for"}  # noted all the same


async def test_a_topic_that_cannot_say_when_it_waits_is_offered_every_typed_turn(
        tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with_campaign(settings)
    offered: list[str] = []
    register(Topic("asks-every-turn", takes_turn=lambda _s, p: offered.append(p.said or "")))
    try:
        relay, watched, _ = watched_relay(settings, scripted_rasa().client())
        result = await relay.take(Turn("s1", "hello", "web", CAMPAIGN, said="hello"))
    finally:
        unregister("asks-every-turn")
    assert offered == ["hello"] and result.replies[0].text == "Hi! Ask me about care jobs."
    assert "BEGIN" in watched.before[0]  # offered in the turn's transaction, before Rasa
    assert conversations(settings) == [("s1", "web", CAMPAIGN)]


class ErasingRasa:
    """Rasa whose action erases the person at once when asked to, and answers only after the
    relay's own records of the turn have had time to be written: after the erasure."""

    def __init__(self, settings: Settings) -> None:
        self._sessions = session_factory(make_engine(settings.database_url))

    async def send(self, sender: str, message: str, metadata: Json | None = None) -> Any:
        if message != "forget me":
            return [BotMessage(text="Hi! Ask me about care jobs.")]
        with self._sessions() as session, session.begin():
            forget_person(session, [sender])
            forget_conversation(session, sender)
        await asyncio.sleep(0.3)
        return [BotMessage(text="Done. I've deleted your details."),
                BotMessage(custom=dict(ERASED_MARKER))]


async def test_what_was_kept_beside_an_erasure_is_forgotten_after_it(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    with_campaign(settings)
    tracker = tracker_with_events(tmp_path / "events.db", "s1")
    factory = session_factory(make_engine(settings.database_url))
    relay = Relay(ErasingRasa(settings), tracker, factory, clock=CLOCK)
    for said in ("hello", "forget me"):
        result = await relay.take(Turn("s1", said, "web", CAMPAIGN, said=said, address="s1"))
    assert result.erased
    with factory() as session:
        assert addresses_of(session, "s1") == {}
    # the message counted beside the erasure came after it: still counted, as no one's
    assert [row[0] for row in conversations(settings) if not row[0].startswith(ERASED)] == []
    assert {(channel, campaign) for _, channel, campaign in conversations(settings)} == {
        ("web", CAMPAIGN)}


async def test_a_step_that_fails_is_undone_and_the_others_still_happen(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
        ) -> None:
    settings = make_settings(tmp_path)
    with_campaign(settings)
    factory = session_factory(make_engine(settings.database_url))

    def failing_topic(session: Any, person: Any) -> None:
        session.execute(text("SELECT * FROM no_such_table"))

    monkeypatch.setattr("carecareers.conversation.relay.turn_takers", lambda: [failing_topic])
    monkeypatch.setattr("carecareers.conversation.relay._look_statement", lambda *_: None)
    rasa = scripted_rasa()
    relay = Relay(rasa.client(), settings.tracker_store_url, factory, clock=CLOCK)
    with caplog.at_level(logging.WARNING):
        typed = await relay.take(Turn("s1", "hello", "web", CAMPAIGN, said="hello",
                                      address="s1"))
    assert typed.replies[0].text == "Hi! Ask me about care jobs."  # typed text went to Rasa
    assert "could not offer a turn to the topics: OperationalError" in caplog.text
    assert conversations(settings) == [("s1", "web", CAMPAIGN)]  # still counted, once
    with factory() as session:
        assert addresses_of(session, "s1") == {"web": "s1"}  # and still noted
    pressed = await relay.take(Turn("s1", BACK_TO_ASSISTANT, "telegram", address="4001"))
    assert pressed.taken_by_topic and [r.text for r in pressed.replies] == [NO_REPLY_TEXT]
    assert rasa.messages == ["hello"]


async def test_the_erasure_marker_deletes_the_events_and_is_not_shown(tmp_path: Path,
                                                                      relay_setup) -> None:
    relay, rasa, settings = relay_setup
    tracker = tracker_with_events(tmp_path / "events.db", "s1", "s2")
    client = rasa.client()
    relay = Relay(client, tracker, session_factory(make_engine(settings.database_url)),
                  clock=CLOCK)
    result = await relay.take(Turn("s1", "forget me", "web"))
    assert result.erased
    assert [r.text for r in result.replies] == ["Done. I've deleted your details."]
    assert (events_of(tracker, "s1"), events_of(tracker, "s2")) == (0, 2)


async def test_attribution_failing_never_stops_the_turn(tmp_path: Path) -> None:
    rasa = scripted_rasa()
    client = rasa.client()
    broken = session_factory(make_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}"))
    relay = Relay(client, f"sqlite:///{tmp_path / 't.db'}", broken, clock=CLOCK)
    with pytest.raises(OperationalError), broken() as session:  # no tables: writes fail
        session.execute(text("SELECT count(*) FROM conversations"))
    result = await relay.take(Turn("s1", "hello", "web", CAMPAIGN))
    assert result.answered and result.replies[0].text == "Hi! Ask me about care jobs."


async def test_a_database_failure_leaves_typed_text_to_rasa_and_a_thread_button_answered(
        tmp_path: Path) -> None:
    rasa = scripted_rasa()
    broken = session_factory(make_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}"))
    relay = Relay(rasa.client(), f"sqlite:///{tmp_path / 't.db'}", broken, clock=CLOCK)
    typed = await relay.take(Turn("s1", "hello", "web", said="hello"))
    assert not typed.taken_by_topic and typed.replies[0].text == "Hi! Ask me about care jobs."
    pressed = await relay.take(Turn("s1", BACK_TO_ASSISTANT, "telegram"))
    assert pressed.taken_by_topic and [r.text for r in pressed.replies] == [NO_REPLY_TEXT]
    assert rasa.messages == ["hello"]  # a thread button never reaches Rasa


def test_senders_are_stable_keyed_and_opaque() -> None:
    sender = telegram_sender("key-one", 123456789)
    assert sender == telegram_sender("key-one", 123456789)
    assert sender != telegram_sender("key-two", 123456789)
    assert sender != telegram_sender("key-one", 123456780)
    assert sender.startswith("tg-") and len(sender) == 3 + 32
    assert "123456789" not in sender
    web = new_web_sender()
    assert web.startswith("web-") and web != new_web_sender()


# -- the same turns through both front ends ------------------------------------------------


def web_transcript(tmp_path: Path) -> tuple[list[str], Settings, str, FakeRasa]:
    """Run SCRIPT through the web chat, arriving from the campaign's QR landing."""
    (tmp_path / "web").mkdir()
    tracker = tracker_with_events(tmp_path / "web" / "events.db", "someone-else")
    settings = make_settings(tmp_path / "web", tracker_store_url=tracker)
    with_campaign(settings)
    rasa = scripted_rasa()
    client = rasa.client()
    texts: list[str] = []
    with TestClient(create_app(settings, rasa=client)) as web:
        page = web.get(f"/c/{CAMPAIGN}")
        assert greeting().text in html.unescape(page.text)  # the page greets; Rasa is not asked
        assert rasa.requests == []
        sender = open_session(web.cookies[COOKIE_NAME], settings.secret_key)
        add_events(tracker, sender.sender_id)  # what Rasa will have stored of the conversation
        for typed in SCRIPT:
            reply = web.post("/api/chat", json={"message": typed})
            assert reply.status_code == 200
            texts += [m["text"] for m in reply.json()["messages"]]
    sender = next(r["sender"] for r in rasa.requests if r["message"] == "forget me")
    return texts, settings, sender, rasa


async def bot_transcript(tmp_path: Path) -> tuple[list[str], Settings, str, FakeRasa]:
    """Run SCRIPT through the Telegram bot, arriving from the campaign's deep link."""
    (tmp_path / "bot").mkdir()
    tracker = tracker_with_events(tmp_path / "bot" / "events.db", "someone-else",
                                  telegram_sender(TEST_SECRET_KEY, 4242))
    settings = make_settings(tmp_path / "bot", telegram_bot_token="123:TEST",
                             tracker_store_url=tracker)
    assert settings.secret_key == TEST_SECRET_KEY
    with_campaign(settings)
    rasa, api = scripted_rasa(), BotApiLog()
    client = rasa.client()
    app = build_application(settings, rasa=client,
                            requests=(RecordingRequest(api), RecordingRequest(api)),
                            rate_limit=False)
    await app.initialize()
    try:
        for update_id, typed in enumerate([f"/start {CAMPAIGN}", *SCRIPT], start=1):
            await app.process_update(Update.de_json({"update_id": update_id, **message(typed)},
                                                    app.bot))
    finally:
        await app.shutdown()
        await client.aclose()
    greeting = SCRIPT.get("/greet", [{"text": "Hello!"}])[0]["text"]
    texts = api.texts()
    assert texts[0] == greeting
    return texts[1:], settings, telegram_sender(settings.secret_key, 4242), rasa


async def test_web_and_bot_give_the_same_replies_attribution_and_erasure(tmp_path: Path) -> None:
    web_texts, web_settings, web_sender, web_rasa = web_transcript(tmp_path)
    bot_texts, bot_settings, bot_sender, bot_rasa = await bot_transcript(tmp_path)

    assert web_texts == bot_texts == [
        "Hi! Ask me about care jobs.", NO_REPLY_TEXT, "Done. I've deleted your details."]
    # one policy for attribution: each person's conversation counted once, for its campaign,
    # and no longer linked to them once they asked to be forgotten
    for settings, channel in ((web_settings, "web"), (bot_settings, "telegram")):
        [(sender, counted_on, campaign)] = conversations(settings)
        assert sender.startswith(ERASED) and (counted_on, campaign) == (channel, CAMPAIGN)
    # the same metadata shape reaches Rasa from both
    assert [r["metadata"] for r in web_rasa.requests if r["message"] in SCRIPT] == \
        [{"channel": "web", "campaign": CAMPAIGN}] * 3
    assert [r["metadata"] for r in bot_rasa.requests if r["message"] in SCRIPT] == \
        [{"channel": "telegram", "campaign": CAMPAIGN}] * 3
    # erasure: this person's events are gone from the tracker store, nobody else's
    for settings, sender in ((web_settings, web_sender), (bot_settings, bot_sender)):
        assert sender != "someone-else"
        assert events_of(settings.tracker_store_url, sender) == 0
        assert events_of(settings.tracker_store_url, "someone-else") == 2
