"""The relay notes where the person can be reached, once per turn and before Rasa answers;
what they agree to in the chat (a job alert, a booked place) then reaches that chat."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.alerts import queue_alerts, request_chat_alert
from carecareers.clock import FixedClock, uk_date
from carecareers.conversation.payloads import ERASED_MARKER
from carecareers.conversation.rasa_client import BotMessage
from carecareers.conversation.relay import Relay, Turn
from carecareers.db import make_engine, session_factory, single_statements
from carecareers.delivery import addresses_of, note_address
from carecareers.events import get_event
from carecareers.events.notices import queue_reminders
from carecareers.leads.erasure import erase_person
from carecareers.models import Conversation, OutboxMessage
from tests.factories import make_vacancy
from tests.integration import event_helpers
from tests.integration.alert_helpers import (
    BASE_URL,
    STOKE,
    consent,
    criteria,
    later,
    rolled_back_factory,
)
from tests.unit.test_conversation_relay import events_of, tracker_with_events

CHAT = "31337"


class ActingRasa:
    """Rasa answering `replies`, after running `act` as the turn's action would."""

    def __init__(self, replies: list[BotMessage],
                 act: Callable[[str], None] | None = None) -> None:
        self.replies, self.act = replies, act
        self.metadata: list[dict[str, Any] | None] = []

    async def send(self, sender: str, message: str,
                   metadata: dict[str, Any] | None = None) -> list[BotMessage]:
        self.metadata.append(metadata)
        if self.act is not None:
            self.act(sender)
        return self.replies


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    with rolled_back_factory(engine) as made:
        yield made


def relay(rasa: ActingRasa, factory: sessionmaker[Session], tmp_path: Path) -> Relay:
    return Relay(rasa, f"sqlite:///{tmp_path / 'tracker.db'}", factory, clock=FixedClock(later(0)))


def queued(factory: sessionmaker[Session], kind: str) -> list[tuple[str, str]]:
    with factory() as session:
        rows = session.execute(select(OutboxMessage.channel, OutboxMessage.address)
                               .where(OutboxMessage.kind == kind)).tuples()
        return list(rows)


async def test_a_job_alert_agreed_in_telegram_reaches_the_chat(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    known: list[dict[str, str]] = []

    def set_up_alert(sender: str) -> None:  # as action_set_job_alert does
        with factory() as session, session.begin():
            known.append(addresses_of(session, sender))
            request_chat_alert(session, sender_id=sender, channel="telegram",
                               criteria=criteria("HCA"), consent=consent("telegram"),
                               now=later(0))

    rasa = ActingRasa([BotMessage(text="Done! I'll message you here.")], set_up_alert)
    result = await relay(rasa, factory, tmp_path).take(
        Turn("tg-alert", "yes", "telegram", address=CHAT))

    assert [r.text for r in result.replies] == ["Done! I'll message you here."]
    assert known == [{"telegram": CHAT}]  # noted before the action ran
    assert all(CHAT not in str(m) for m in rasa.metadata)  # never sent to Rasa
    with factory() as session, session.begin():
        make_vacancy(session, "Healthcare Support Worker", role_code="healthcare_assistant",
                     latitude=STOKE[0], longitude=STOKE[1], first_seen_at=later(0.5),
                     url="https://jobs.example.org/hca")
        queue_alerts(session, base_url=BASE_URL, min_interval=timedelta(hours=24),
                     now=later(1), today=later(1).date())
    assert queued(factory, "job_alert") == [("telegram", CHAT)]


async def test_a_place_booked_in_telegram_is_reminded_in_the_chat(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    with factory() as session, session.begin():
        event_id = event_helpers.an_event(session, days=1).id

    def book(sender: str) -> None:  # as action_book_event does
        with factory() as session, session.begin():
            event = get_event(session, event_id)
            assert event is not None
            event_helpers.book(session, event, "Tia", sender=sender, method="telegram",
                               detail=None)

    rasa = ActingRasa([BotMessage(text="You're booked, Tia!")], book)
    result = await relay(rasa, factory, tmp_path).take(
        Turn("tg-book", "yes", "telegram", address="4242"))

    assert [r.text for r in result.replies] == ["You're booked, Tia!"]
    with factory() as session, session.begin():
        assert queue_reminders(session, BASE_URL, event_helpers.NOW,
                               uk_date(event_helpers.NOW)) == 1
    assert queued(factory, "event_reminder") == [("telegram", "4242")]


async def test_the_web_chat_is_noted_but_not_the_greeting_nor_a_turn_without_address(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    taking = relay(ActingRasa([BotMessage(text="Hello!")]), factory, tmp_path)
    await taking.take(Turn("web-a", "/greet", "web", from_person=False, address="web-a"))
    await taking.take(Turn("tg-b", "hello", "telegram"))
    with factory() as session:
        assert addresses_of(session, "web-a") == {} and addresses_of(session, "tg-b") == {}
    await taking.take(Turn("web-a", "hello", "web", address="web-a"))
    with factory() as session:
        assert addresses_of(session, "web-a") == {"web": "web-a"}


async def test_an_erasure_in_the_turn_leaves_no_address_behind(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    tracker = tracker_with_events(tmp_path / "events.db", "tg-forget")

    def erase(sender: str) -> None:  # as action_delete_my_data does
        with factory() as session, session.begin():
            erase_person(session, actor="assistant", via="telegram", sender_id=sender)

    rasa = ActingRasa([BotMessage(text="Done."), BotMessage(custom=dict(ERASED_MARKER))], erase)
    result = await Relay(rasa, tracker, factory, clock=FixedClock(later(0))).take(
        Turn("tg-forget", "yes, delete", "telegram", address=CHAT))

    assert result.erased and events_of(tracker, "tg-forget") == 0
    with factory() as session:
        assert addresses_of(session, "tg-forget") == {}


async def test_noting_failing_never_stops_the_turn_and_logs_no_address(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    broken = session_factory(make_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}"))
    taking = relay(ActingRasa([BotMessage(text="Hello!")]), broken, tmp_path)
    with caplog.at_level(logging.WARNING):
        result = await taking.take(Turn("tg-c", "hello", "telegram", address=CHAT))
    assert result.answered and [r.text for r in result.replies] == ["Hello!"]
    assert "could not note where a person can be reached: OperationalError" in caplog.text
    assert CHAT not in caplog.text and "tg-c" not in caplog.text


async def test_an_address_noted_by_another_turn_meanwhile_is_noted_the_whole_way(
        factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        ) -> None:
    """The read before Rasa found the person's first Telegram address unclaimed, and another
    turn of theirs noted one before the one-statement note ran. That INSERT fails (one address
    per person and channel), changing nothing, and the note goes the whole way."""
    taking = relay(ActingRasa([BotMessage(text="Hello!")]), factory, tmp_path)
    look = taking._look

    def look_then_another_turn(turn: Turn) -> Any:
        found = look(turn)
        assert found.unclaimed  # the one-statement note is what this test is about
        with factory() as session, session.begin():
            note_address(session, turn.sender_id, turn.channel, "99999", later(0))
        return found

    monkeypatch.setattr(taking, "_look", look_then_another_turn)
    result = await taking.take(Turn("tg-race", "hello", "telegram", address=CHAT))
    assert [r.text for r in result.replies] == ["Hello!"]
    with factory() as session:
        assert addresses_of(session, "tg-race") == {"telegram": CHAT}


async def test_when_statements_outside_a_transaction_fail_each_record_is_kept_in_one(
        factory: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """The look, the first address and the records beside Rasa go outside a transaction.
    When those statements fail (their connections, say), each turn still notes the address
    and is counted, each in a transaction, and nothing personal is logged."""
    broken = session_factory(make_engine(f"sqlite:///{tmp_path / 'never-migrated.db'}"))
    monkeypatch.setattr("carecareers.conversation.relay.single_statements",
                        lambda _sessions: single_statements(broken))
    taking = relay(ActingRasa([BotMessage(text="Hello!")]), factory, tmp_path)
    with caplog.at_level(logging.INFO):
        for _ in range(2):
            result = await taking.take(Turn("tg-d", "hello", "telegram", address=CHAT))
            assert result.answered and [r.text for r in result.replies] == ["Hello!"]
    assert "a turn's records failed outside a transaction (OperationalError)" in caplog.text
    assert CHAT not in caplog.text and "tg-d" not in caplog.text
    with factory() as session:
        assert addresses_of(session, "tg-d") == {"telegram": CHAT}
        assert session.scalar(select(Conversation.message_count).where(
            Conversation.sender_id == "tg-d")) == 2
