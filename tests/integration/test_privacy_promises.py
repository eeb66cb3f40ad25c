"""What the assistant promises about personal data, kept in the databases (SQLite and PostgreSQL).

"Nothing will be saved" is true of Rasa's tracker store; erasure reaches the questions a
person asked; retention covers conversations, login records and idle chats; a tracker
change that fails is retried until done.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.campaigns.service import record_message
from carecareers.conversation.pending import remember_failed, retry_pending
from carecareers.conversation.tracker_events import (
    REMOVED,
    purge_idle_conversations,
    redact_form_answers,
)
from carecareers.leads.erasure import erase_person, purge_expired
from carecareers.models import AuditEvent, Conversation, PendingTrackerChange, UnansweredQuestion
from carecareers.questions.unanswered import record_unanswered
from tests.conftest import create_postgres_database, drop_postgres_database
from tests.factories import RETENTION, make_lead

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)
EMAIL = "jordan.private@example.org"


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty tracker store with Rasa's `events` table, on each kind of database."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'tracker.db'}"
    else:
        url = create_postgres_database()
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "CREATE TABLE events (id SERIAL PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)" if request.param == "postgresql" else
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL, "
            "type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255), "
            "action_name VARCHAR(255), data TEXT)"))
    engine.dispose()
    yield url
    if request.param == "postgresql":
        drop_postgres_database(url)


def add(url: str, sender: str, type_name: str, data: dict, *, at: float = 0.0,
        action: str | None = None) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO events (sender_id, type_name, timestamp, action_name, data) "
            "VALUES (:s, :t, :at, :a, :d)"),
            {"s": sender, "t": type_name, "at": at, "a": action, "d": json.dumps(data)})
    engine.dispose()


def stored(url: str, sender: str) -> list[tuple[str, str]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT type_name, data FROM events WHERE sender_id = :s ORDER BY id"), {"s": sender})
        found = [(row[0], row[1]) for row in rows]
    engine.dispose()
    return found


def user(said: str, **entities: str) -> dict:
    return {"event": "user", "text": said, "parse_data": {
        "text": said, "intent": {"name": "inform"},
        "entities": [{"entity": k, "value": v} for k, v in entities.items()]},
        "metadata": {"channel": "web"}}


def a_form_filled_in(url: str, sender: str) -> None:
    add(url, sender, "user", user("what do nurses earn", role="nurse"))
    add(url, sender, "bot", {"event": "bot", "text": "Nurses start on band 5."})
    add(url, sender, "action", {"event": "action", "name": "action_start_interest"},
        action="action_start_interest")
    add(url, sender, "user", user("Jordan"))
    add(url, sender, "slot", {"event": "slot", "name": "lead_first_name", "value": "Jordan"})
    add(url, sender, "user", user(EMAIL))
    add(url, sender, "slot", {"event": "slot", "name": "lead_contact_detail", "value": EMAIL})
    add(url, sender, "slot", {"event": "slot", "name": "age", "value": "Jordan's age"})
    # A response filled in by an action: Rasa keeps the values it was given in the metadata.
    add(url, sender, "bot", {"event": "bot", "text": f"Here's what I have: Jordan, {EMAIL}",
                             "metadata": {"utter_action": "utter_lead_summary",
                                          "first_name": "Jordan", "contact_detail": EMAIL}})
    add(url, sender, "slot", {"event": "slot", "name": "lead_under_16", "value": False})


def test_a_form_that_ended_with_nothing_stored_leaves_nothing_typed(tracker_url: str) -> None:
    a_form_filled_in(tracker_url, "web-jordan")
    a_form_filled_in(tracker_url, "web-someone-else")
    before = stored(tracker_url, "web-jordan")

    assert redact_form_answers(tracker_url, "web-jordan") == 6

    after = stored(tracker_url, "web-jordan")
    assert len(after) == len(before)  # the conversation goes on: no event is lost
    assert not any(EMAIL in data or "Jordan" in data for _, data in after)
    assert after[:3] == before[:3]  # what came before the form is kept as it was
    assert json.loads(after[3][1])["text"] == REMOVED
    assert json.loads(after[-2][1])["metadata"] == {"utter_action": "utter_lead_summary"}
    assert json.loads(after[-1][1])["value"] is False  # flags that name no one stay
    assert any(EMAIL in data for _, data in stored(tracker_url, "web-someone-else"))


def test_redacting_without_a_form_changes_nothing(tracker_url: str) -> None:
    add(tracker_url, "web-x", "user", user("hello"))
    assert redact_form_answers(tracker_url, "web-x") == 0
    assert "hello" in stored(tracker_url, "web-x")[0][1]


def test_idle_conversations_that_never_became_a_lead_are_purged(tracker_url: str) -> None:
    old, recent = (NOW - timedelta(days=40)).timestamp(), (NOW - timedelta(days=2)).timestamp()
    add(tracker_url, "web-idle", "user", user("hi"), at=old)
    add(tracker_url, "web-lead", "user", user("hi"), at=old)
    add(tracker_url, "web-active", "user", user("hi"), at=old)
    add(tracker_url, "web-active", "user", user("still here"), at=recent)

    deleted = purge_idle_conversations(tracker_url, NOW - timedelta(days=30), keep={"web-lead"})

    assert deleted == 1 and stored(tracker_url, "web-idle") == []
    assert len(stored(tracker_url, "web-lead")) == 1 and len(stored(tracker_url, "web-active")) == 2


def test_erasure_reaches_the_questions_a_person_asked(session: Session) -> None:
    make_lead(session, sender_id="web-me")
    record_unanswered(session, "can i work nights at 17", sender_id="web-me")
    record_unanswered(session, "do i need a car", sender_id="web-other")
    record_unanswered(session, "nothing to do with me")
    session.flush()

    erasure = erase_person(session, actor="assistant", via="web", sender_id="web-me")

    assert erasure.leads == 1 and erasure.senders == {"web-me"}
    left = session.scalars(select(UnansweredQuestion.sender_id)).all()
    assert sorted(left, key=str) == sorted(["web-other", None], key=str)


def test_erasure_says_honestly_when_there_was_no_lead(session: Session) -> None:
    erasure = erase_person(session, actor="assistant", via="web", sender_id="web-nobody")
    assert erasure.leads == 0 and erasure.senders == {"web-nobody"}


def test_retention_reaches_conversations_and_login_records(session: Session,
                                                           tracker_url: str) -> None:
    record_message(session, "web-long-ago", "web", None, now=NOW)
    record_message(session, "web-today", "web", None, now=NOW)
    audit.record(session, "typed-by-someone@example.org", "login.failed", None)
    audit.record(session, "adviser@example.org", "lead.viewed", "lead:1")
    session.flush()
    long_ago = NOW - timedelta(days=400)
    for conversation in session.scalars(select(Conversation)):
        if conversation.sender_id == "web-long-ago":
            conversation.last_message_at = long_ago
        else:
            conversation.last_message_at = NOW
    for event in session.scalars(select(AuditEvent)):
        event.at = long_ago
    session.flush()

    report = purge_expired(session, tracker_url, RETENTION,
                           now=NOW)

    assert (report.conversations, report.login_records) == (1, 1)
    senders = set(session.scalars(select(Conversation.sender_id)))
    assert "web-today" in senders and "web-long-ago" not in senders
    assert len(senders) == 2  # the old conversation still counts for its campaign
    actions = set(session.scalars(select(AuditEvent.action)))
    assert "login.failed" not in actions and "lead.viewed" in actions


def test_a_failed_tracker_change_is_retried_until_done(session: Session,
                                                       tracker_url: str) -> None:
    a_form_filled_in(tracker_url, "web-jordan")
    remember_failed(session, "web-jordan", "redact", now=NOW)
    session.flush()
    unreachable = "postgresql+psycopg2://postgres@127.0.0.1:9/refused"  # nothing listens there

    first = retry_pending(session, unreachable, now=NOW)
    assert (first.done, first.waiting) == (0, 1)
    pending = session.scalars(select(PendingTrackerChange)).one()
    assert pending.attempts == 1 and pending.next_attempt_at > NOW
    assert retry_pending(session, tracker_url, now=NOW).done == 0  # not due yet: backing off

    later = retry_pending(session, tracker_url, now=NOW + timedelta(hours=2))
    assert (later.done, later.waiting) == (1, 0)
    assert not any(EMAIL in data for _, data in stored(tracker_url, "web-jordan"))



def test_an_abandoned_job_alert_form_leaves_nothing_typed(tracker_url: str) -> None:
    add(tracker_url, "web-alert", "user", user("tell me about new jobs"))
    add(tracker_url, "web-alert", "action", {"event": "action", "name": "action_start_job_alert"},
        action="action_start_job_alert")
    add(tracker_url, "web-alert", "user", user(EMAIL))
    add(tracker_url, "web-alert", "slot", {"event": "slot", "name": "alert_email", "value": EMAIL})
    assert redact_form_answers(tracker_url, "web-alert") == 2
    assert not any(EMAIL in data for _, data in stored(tracker_url, "web-alert"))
    assert "tell me about new jobs" in stored(tracker_url, "web-alert")[0][1]


def test_a_finished_booking_form_leaves_nothing_typed(tracker_url: str) -> None:
    sender = "web-booking"
    add(tracker_url, sender, "user", user("any open days near me"))
    add(tracker_url, sender, "action", {"event": "action", "name": "action_start_booking"},
        action="action_start_booking")
    add(tracker_url, sender, "user", user("Jordan"))
    add(tracker_url, sender, "slot", {"event": "slot", "name": "booking_first_name",
                                      "value": "Jordan"})
    add(tracker_url, sender, "user", user(EMAIL))
    add(tracker_url, sender, "slot", {"event": "slot", "name": "booking_contact_detail",
                                      "value": EMAIL})
    assert redact_form_answers(tracker_url, sender) == 4
    assert not any(EMAIL in data or "Jordan" in data for _, data in stored(tracker_url, sender))
    assert "any open days near me" in stored(tracker_url, sender)[0][1]
