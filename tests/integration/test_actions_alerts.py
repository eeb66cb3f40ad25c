"""The job alert actions against a real (SQLite) database: set up, consent, list, stop."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from actions import common
from actions.alerts import (
    ActionAskAlertConsent,
    ActionMyAlerts,
    ActionSetJobAlert,
    ActionStartJobAlert,
    ActionStopAlerts,
    ValidateJobAlertForm,
)
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import AlertConsent, JobAlert, OutboxMessage
from carecareers.settings import get_settings
from tests.conftest import make_settings, use_test_secrets
from tests.support.responses import said

FORM_DOMAIN = {"forms": {"job_alert_form": {"required_slots": [
    "alert_age", "alert_place", "alert_email", "alert_consent"]}},
    "slots": {s: {} for s in ("alert_age", "alert_place", "alert_email", "alert_consent")}}
WEB_SLOTS = {"alert_what": "healthcare_assistant", "alert_place": "ST4", "alert_age": "17",
             "alert_email": "sam@example.org", "alert_consent": "given"}


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


def tracker(slots: dict[str, Any] | None = None, text: str = "", channel: str = "web",
            sender: str = "web-alert-sender", entities: list[dict[str, Any]] | None = None,
            just_set: str | None = None) -> Tracker:
    events: list[dict[str, Any]] = [{"event": "user", "text": text,
                                     "metadata": {"channel": channel}}]
    if just_set is not None:
        events.append({"event": "slot", "name": just_set, "value": (slots or {})[just_set]})
    return Tracker(
        sender_id=sender, slots=slots or {},
        latest_message={"text": text, "intent": {"name": "ask_job_alert", "confidence": 0.9},
                        "entities": entities or []},
        events=events, paused=False, followup_action=None,
        active_loop={"name": "job_alert_form"}, latest_action_name="action_listen")


def run(action: Any, t: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, FORM_DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, said(dispatcher.messages)


async def validate(slot: str, value: str, channel: str = "web") -> tuple[dict[str, Any], Any]:
    dispatcher = CollectingDispatcher()
    t = tracker({slot: value, "requested_slot": slot}, value, channel=channel, just_set=slot)
    events = await ValidateJobAlertForm().run(dispatcher, t, FORM_DOMAIN)
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    return slots, said(dispatcher.messages)


def test_start_reads_role_place_and_kind_from_the_message(database: Any) -> None:
    entities = [{"entity": "role", "value": "healthcare_assistant"},
                {"entity": "location", "value": "ST4"}]
    slots, _ = run(ActionStartJobAlert(), tracker(
        text="let me know when new HCA jobs come up near ST4", entities=entities))
    assert (slots["alert_what"], slots["alert_place"], slots["alert_apprenticeships"]) == (
        "healthcare_assistant", "ST4", False)
    slots, _ = run(ActionStartJobAlert(), tracker(
        {"vacancy_role": "care_worker", "location": "Leek", "vacancy_apprenticeship": True},
        text="/ask_job_alert"))
    assert (slots["alert_what"], slots["alert_place"], slots["alert_apprenticeships"]) == (
        "care_worker", "Leek", True)  # "new jobs like these": the search just shown
    slots, _ = run(ActionStartJobAlert(), tracker({"lead_age": "17"}, text="alert me"))
    assert slots["alert_age"] == "17"  # an age the person gave already is not asked again
    slots, _ = run(ActionStartJobAlert(), tracker({"lead_age": "sixteen-ish"}, text="alert me"))
    assert slots["alert_age"] is None


async def test_under_16s_get_signposting_and_no_alert(database: Any) -> None:
    slots, messages = await validate("alert_age", "15")
    assert slots["alert_under_16"] is True and slots["alert_age"] is None
    assert "National Careers Service" in messages[0]["text"]
    assert "can't set up job alerts" in messages[0]["text"]
    _, said = run(ActionSetJobAlert(), tracker({**WEB_SLOTS, "alert_under_16": True}))
    # nothing more is said; the relay is told to blank the typed answers out of the tracker
    assert said == [{**said[0], "custom": {"type": "form_answers_forgotten"}}]
    assert said[0]["text"] is None
    with database() as session:
        assert session.scalars(select(JobAlert)).all() == []


async def test_bad_place_and_email_are_asked_again(database: Any) -> None:
    slots, messages = await validate("alert_place", "Atlantis")
    assert slots["alert_place"] is None and "couldn't find" in messages[0]["text"]
    slots, messages = await validate("alert_email", "sam at example")
    assert slots["alert_email"] is None and "email address" in messages[0]["text"]


async def test_consent_comes_only_from_its_buttons_or_a_typed_yes(database: Any) -> None:
    dispatcher = CollectingDispatcher()
    button = tracker({"alert_consent": "/inform", "requested_slot": "alert_consent"},
                     '/inform{"consent_answer":"given"}', just_set="alert_consent",
                     entities=[{"entity": "consent_answer", "value": "given"}])
    events = await ValidateJobAlertForm().run(dispatcher, button, FORM_DOMAIN)
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"}["alert_consent"] \
        == "given"
    other = tracker({"alert_consent": "/inform", "requested_slot": "alert_consent"},
                    '/inform{"form_answer":"18"}', just_set="alert_consent")
    events = await ValidateJobAlertForm().run(CollectingDispatcher(), other, FORM_DOMAIN)
    assert {e["name"]: e["value"] for e in events if e["event"] == "slot"}["alert_consent"] \
        is None  # another question's button is not consent


def test_consent_question_is_plain_and_per_channel(database: Any) -> None:
    _, messages = run(ActionAskAlertConsent(), tracker(WEB_SLOTS))
    assert "Can we email you new" in messages[0]["text"]
    assert "healthcare assistant jobs within 10 miles of ST4" in messages[0]["text"]
    _, messages = run(ActionAskAlertConsent(), tracker(WEB_SLOTS, channel="telegram"))
    assert "here on Telegram? At most once a day." in messages[0]["text"]


def test_web_alert_is_saved_with_consent_and_waits_for_the_link(database: Any) -> None:
    slots, messages = run(ActionSetJobAlert(), tracker(WEB_SLOTS))
    assert all(value is None for value in slots.values())
    assert "emailed a link to sam@example.org" in messages[0]["text"]
    with database() as session:
        alert = session.scalar(select(JobAlert))
        assert alert is not None and alert.status == "pending"
        consent = session.scalar(select(AlertConsent))
        assert consent is not None and consent.channel == "email"
        assert "healthcare assistant jobs within 10 miles of ST4" in consent.wording
        [confirmation] = session.scalars(select(OutboxMessage)).all()
        assert confirmation.address == "sam@example.org"
        assert "https://care.example.org/alerts/confirm/" in confirmation.body


def test_a_second_request_for_an_address_the_same_day_sends_no_second_email(
        database: Any) -> None:
    run(ActionSetJobAlert(), tracker(WEB_SLOTS, sender="web-first"))
    _, again = run(ActionSetJobAlert(), tracker({**WEB_SLOTS, "alert_what": "nurse"},
                                                sender="web-first"))
    assert again == [{**again[0], "response": "utter_alert_link_sent_before",
                      "email": "sam@example.org",
                      "watch": "registered nurse jobs within 10 miles of ST4"}]
    _, other = run(ActionSetJobAlert(), tracker(WEB_SLOTS, sender="web-someone-else"))
    assert other[0]["response"] == "utter_alert_confirmation_pending"
    assert other[-1]["custom"] == {"type": "form_answers_forgotten"}
    with database() as session:
        assert len(session.scalars(select(OutboxMessage)).all()) == 1
        assert len(session.scalars(select(JobAlert)).all()) == 2


def test_a_telegram_alert_starts_at_once_for_the_persons_chat(database: Any) -> None:
    slots = {**WEB_SLOTS, "alert_email": None}
    _, messages = run(ActionSetJobAlert(), tracker(slots, channel="telegram", sender="tg-abc"))
    assert [m.get("custom") for m in messages] == [{}]  # nothing for the relay to link
    assert "message you here" in messages[0]["text"]
    with database() as session:
        alert = session.scalars(select(JobAlert)).one()
        assert alert.status == "active" and alert.sender_id == "tg-abc"
        assert (alert.recipient.channel, alert.recipient.address) == ("telegram", None)


def test_refused_consent_saves_nothing(database: Any) -> None:
    _, messages = run(ActionSetJobAlert(), tracker({**WEB_SLOTS, "alert_consent": "refused"}))
    assert "won't send you alerts" in messages[0]["text"]
    with database() as session:
        assert session.scalars(select(JobAlert)).all() == []


def test_my_alerts_and_stop_alerts(database: Any) -> None:
    run(ActionSetJobAlert(), tracker(WEB_SLOTS))
    _, messages = run(ActionMyAlerts(), tracker())
    assert "healthcare assistant jobs within 10 miles of ST4" in messages[0]["text"]
    assert "waiting for you to confirm by email" in messages[0]["text"]
    _, messages = run(ActionStopAlerts(), tracker())
    assert messages[0]["text"].startswith("Done: I've stopped your 1 job alert.")
    _, messages = run(ActionMyAlerts(), tracker())
    assert "don't have any job alerts" in messages[0]["text"]
    _, messages = run(ActionStopAlerts(), tracker())
    assert "nothing to stop" in messages[0]["text"]
