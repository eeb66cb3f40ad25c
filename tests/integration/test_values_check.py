"""'Is care for me?' through the relay, on SQLite and PostgreSQL: the check started as Rasa's
action starts it, then every answer tapped or typed taken before Rasa; what is kept (only a
finished check, only with consent, never for under-16s) and what is not (a check left
half-way, however it was left); erasure, retention and the anonymous counts."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Connection, Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.campaigns.service import campaign_funnel, create_campaign, record_message
from carecareers.clock import Clock
from carecareers.conversation.relay import Relay, Turn, TurnResult
from carecareers.leads.erasure import erase_person, purge_expired
from carecareers.models import ValuesCheck, ValuesCompletion, ValuesResult, ValuesTally
from carecareers.values import content, hardest_situations, outcome_of, result_summary, start_check
from carecareers.values.check import DONT_KEEP, KEEP, answer_payload
from tests.factories import RETENTION
from tests.support.fake_rasa import FakeRasa, echo
from tests.support.sessions import rolled_back

NOW = datetime(2026, 12, 6, 15, tzinfo=timezone.utc)
SENDER = "web-" + "c4" * 16


class At(Clock):
    def __init__(self, now: datetime) -> None:
        super().__init__()
        self.moment = now

    def now(self) -> datetime:
        return self.moment


@pytest.fixture
def db(engine: Engine) -> Iterator[tuple[Connection, Session]]:
    with rolled_back(engine) as pair:
        yield pair


class Chat:
    """One person's chat through a relay on the test's transaction, with a fake Rasa."""

    def __init__(self, connection: Connection, tmp_path: Path, sender: str = SENDER) -> None:
        self.sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                                     expire_on_commit=False)
        self.rasa = FakeRasa(echo)
        self.clock = At(NOW)
        self.sender = sender
        self.relay = Relay(self.rasa.client(), f"sqlite:///{tmp_path / 'tracker.db'}",
                           self.sessions, clock=self.clock)

    def start(self, under_16: bool = False) -> list[str]:
        with self.sessions() as session, session.begin():
            answer = start_check(session, self.sender, under_16, self.clock.now())
        self.buttons = [dict(b) for b in answer.buttons]
        return [*answer.before, answer.text or ""]

    def press(self, payload: str) -> TurnResult:
        return self._take(Turn(self.sender, payload, "web"))

    def type(self, said: str) -> TurnResult:
        return self._take(Turn(self.sender, said, "web", said=said))

    def _take(self, turn: Turn) -> TurnResult:
        result = asyncio.run(self.relay.take(turn))
        if result.replies:
            self.buttons = result.replies[-1].buttons
        return result

    def count(self, model: Any) -> int:
        with self.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(model)) or 0)


def texts(result: TurnResult) -> list[str]:
    return [reply.text or "" for reply in result.replies]


def best_payloads() -> list[str]:
    return [answer_payload(s, next(c.id for c in s.choices if c.best))
            for s in content().situations]


def test_a_check_by_buttons_kept_with_consent(db: tuple[Connection, Session],
                                              tmp_path: Path) -> None:
    connection, session = db
    campaign = create_campaign(session, "FOODBANK-V", "Food bank")
    record_message(session, SENDER, "web", campaign.code, now=NOW)
    session.commit()
    chat = Chat(connection, tmp_path)
    situations = content().situations

    first = chat.start()
    assert str(len(situations)) in first[0] and "no wrong answers" in first[0].lower()
    assert first[1].startswith(f"1 of {len(situations)}")
    assert [b["title"] for b in chat.buttons] == [c.label for c in situations[0].choices]

    for number, payload in enumerate(best_payloads(), start=1):
        result = chat.press(payload)
        assert result.taken_by_topic, number
        said = texts(result)
        situation = situations[number - 1]
        assert situation.staff_do in said[0], number  # feedback first, every time
        if number < len(situations):
            assert said[1].startswith(f"{number + 1} of {len(situations)}")
        else:
            assert "here is what you showed most" in said[1].lower()
            assert "shall i keep these results" in said[2].lower()
    assert [b["payload"] for b in chat.buttons] == [KEEP, DONT_KEEP]
    assert chat.rasa.messages == []  # no answer reached Rasa

    kept = chat.press(KEEP)
    assert "kept your results" in texts(kept)[0]
    payloads = [b["payload"] for b in kept.replies[-1].buttons]
    assert payloads[0].startswith("/search_vacancies") and "/human_handoff" in payloads

    result = session.scalar(select(ValuesResult).where(ValuesResult.sender_id == SENDER))
    assert result is not None and result.answers == "".join(p[-1] for p in best_payloads())
    assert "16 or over" in result.consent_wording and result.consented_at.replace(
        tzinfo=timezone.utc) == NOW
    assert chat.count(ValuesCheck) == 0
    summary = result_summary(session, content(), SENDER)
    assert summary is not None and summary.strengths and summary.paths
    expected = outcome_of(content(), result.answers)
    assert summary.paths[0] == expected.paths[0].name
    assert campaign_funnel(session, "FOODBANK-V")[0].values_checks == 1
    assert chat.count(ValuesTally) == len(situations)


def test_typed_answers_by_position_and_by_words(db: tuple[Connection, Session],
                                                tmp_path: Path) -> None:
    connection, session = db
    chat = Chat(connection, tmp_path)
    situations = content().situations
    chat.start()
    chat.type("the second one")
    chat.type("1")
    third = situations[2].choices[-1]
    chat.type(third.label.lower())
    check = session.scalar(select(ValuesCheck).where(ValuesCheck.sender_id == SENDER))
    session.refresh(check)
    assert check is not None and check.answers == "ba" + third.id and check.step == 3
    assert chat.rasa.messages == []


def test_a_short_unclear_answer_is_asked_again(db: tuple[Connection, Session],
                                               tmp_path: Path) -> None:
    connection, _ = db
    chat = Chat(connection, tmp_path)
    chat.start()
    again = chat.type("hmm dunno")
    assert "didn't catch" in texts(again)[0] and texts(again)[1].startswith("1 of")
    assert chat.rasa.messages == []


def test_an_old_button_keeps_to_the_question_being_asked(db: tuple[Connection, Session],
                                                         tmp_path: Path) -> None:
    connection, _ = db
    chat = Chat(connection, tmp_path)
    chat.start()
    first = best_payloads()[0]
    chat.press(first)
    stale = chat.press(first)
    assert "another question" in texts(stale)[0] and texts(stale)[1].startswith("2 of")


@pytest.mark.parametrize("leave", ["stop", "question", "silence"])
def test_a_check_left_half_way_keeps_nothing(db: tuple[Connection, Session], tmp_path: Path,
                                             leave: str) -> None:
    connection, session = db
    chat = Chat(connection, tmp_path)
    chat.start()
    for payload in best_payloads()[:3]:
        chat.press(payload)
    if leave == "stop":
        stopped = chat.type("stop")
        assert "haven't kept any of your answers" in texts(stopped)[0]
        assert chat.rasa.messages == []
    elif leave == "question":
        moved_on = chat.type("how much do care workers get paid in stoke?")
        assert not moved_on.taken_by_topic
        assert chat.rasa.messages == ["how much do care workers get paid in stoke?"]
    else:
        assert chat.count(ValuesCheck) == 1
        purge_expired(session, f"sqlite:///{tmp_path / 'tracker.db'}", RETENTION,
                      NOW + timedelta(minutes=31))
    assert chat.count(ValuesCheck) == 0
    assert (chat.count(ValuesResult), chat.count(ValuesTally), chat.count(ValuesCompletion)) == (
        0, 0, 0)
    after = chat.press(best_payloads()[3])
    assert "ended" in texts(after)[0] and after.replies[0].buttons[0]["payload"] == (
        "/start_values_check")


def test_under_16_never_asked_to_keep_and_nothing_kept(db: tuple[Connection, Session],
                                                       tmp_path: Path) -> None:
    connection, _ = db
    chat = Chat(connection, tmp_path)
    chat.start(under_16=True)
    for payload in best_payloads():
        last = chat.press(payload)
    said = texts(last)
    assert "under 16" in said[-1] and "keep these results" not in " ".join(said).lower()
    assert KEEP not in [b["payload"] for b in chat.buttons]
    assert [chat.count(m) for m in (ValuesCheck, ValuesResult, ValuesTally, ValuesCompletion)] \
        == [0, 0, 0, 0]


@pytest.mark.parametrize("refusal", ["button", "typed"])
def test_refused_consent_keeps_nothing_of_the_person(db: tuple[Connection, Session],
                                                     tmp_path: Path, refusal: str) -> None:
    connection, _ = db
    chat = Chat(connection, tmp_path)
    chat.start()
    for payload in best_payloads():
        chat.press(payload)
    unclear = chat.type("maybe")
    assert "tap yes or no" in texts(unclear)[0].lower()
    refused = chat.press(DONT_KEEP) if refusal == "button" else chat.type("nah dont")
    assert "haven't kept your answers" in texts(refused)[0]
    assert chat.count(ValuesCheck) == chat.count(ValuesResult) == 0
    # What stays holds nobody: one finished check for the funnel, one per answer by month.
    assert chat.count(ValuesCompletion) == 1
    assert chat.count(ValuesTally) == len(content().situations)


def test_kept_results_go_with_erasure_and_with_time(db: tuple[Connection, Session],
                                                    tmp_path: Path) -> None:
    connection, session = db
    for sender in (SENDER, "web-" + "d5" * 16):
        chat = Chat(connection, tmp_path, sender)
        chat.start()
        for payload in best_payloads():
            chat.press(payload)
        chat.type("yes keep them")
    assert chat.count(ValuesResult) == 2
    erase_person(session, actor="person", via="chat", sender_id=SENDER)
    assert session.scalars(select(ValuesResult.sender_id)).all() == ["web-" + "d5" * 16]
    purge_expired(session, f"sqlite:///{tmp_path / 'tracker.db'}", RETENTION,
                  NOW + timedelta(days=364))
    assert chat.count(ValuesResult) == 1
    purge_expired(session, f"sqlite:///{tmp_path / 'tracker.db'}", RETENTION,
                  NOW + timedelta(days=366))
    assert chat.count(ValuesResult) == 0


def test_the_hardest_situations_from_the_anonymous_counts(db: tuple[Connection, Session],
                                                          tmp_path: Path) -> None:
    connection, session = db
    situations = content().situations
    first, second = situations[0], situations[1]
    other = next(c.id for c in first.choices if not c.best)
    for number in range(3):
        chat = Chat(connection, tmp_path, f"web-{number:032d}")
        chat.start()
        for index, payload in enumerate(best_payloads()):
            chat.press(answer_payload(first, other) if index == 0 and number < 2 else payload)
        chat.press(DONT_KEEP)
    rows = hardest_situations(session, content(), since=NOW.date())
    assert (rows[0].situation, rows[0].answered, rows[0].other_than_best) == (first.id, 3, 2)
    assert next(r for r in rows if r.situation == second.id).other_than_best == 0
    assert hardest_situations(session, content(), since=NOW.date() + timedelta(days=40))[0] \
        .answered == 0


def test_the_action_starts_the_check_and_reads_an_age_given_earlier(
        db: tuple[Connection, Session], monkeypatch: pytest.MonkeyPatch) -> None:
    from actions import values as action_module

    connection, session = db
    sessions = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")

    class Block:
        def __enter__(self) -> Session:
            self.session = sessions()
            self.session.begin()
            return self.session

        def __exit__(self, *exc: object) -> None:
            self.session.commit()
            self.session.close()

    monkeypatch.setattr(action_module, "db_session", Block)
    tracker = Tracker(sender_id=SENDER, slots={"lead_age": "15"}, latest_message={
        "text": "would i be any good at care", "intent": {"name": "start_values_check"},
        "entities": []}, events=[], paused=False, followup_action=None, active_loop={},
        latest_action_name=None)
    dispatcher = CollectingDispatcher()
    action_module.ActionValuesCheckStart().run(dispatcher, tracker, {})
    assert dispatcher.messages[1]["text"].startswith("1 of")
    assert len(dispatcher.messages[1]["buttons"]) == len(content().situations[0].choices)
    check = session.scalar(select(ValuesCheck).where(ValuesCheck.sender_id == SENDER))
    assert check is not None and check.under_16
