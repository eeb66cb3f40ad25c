"""'Message an adviser here': offered to Telegram users who ask for a person, and taken up."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.advisers import ActionAskAdviserChat, ActionOfferAdviserChat
from actions.interest import ActionStartInterest
from carecareers.models import AuditEvent, Lead
from tests.factories import make_lead
from tests.integration.test_actions_with_database import database  # noqa: F401

SENDER = "tg-asks-for-a-person"


def tracker(channel: str, intent: str = "human_handoff",
            events: list[dict[str, Any]] | None = None) -> Tracker:
    return Tracker(
        sender_id=SENDER, slots={},
        latest_message={"text": "", "intent": {"name": intent, "confidence": 1.0},
                        "entities": []},
        events=[{"event": "user", "text": "", "metadata": {"channel": channel}}, *(events or [])],
        paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


def responses(action: Any, t: Tracker) -> list[str]:
    dispatcher = CollectingDispatcher()
    action.run(dispatcher, t, {})
    return [m["response"] for m in dispatcher.messages]


def test_the_offer_is_made_in_telegram_only() -> None:
    assert responses(ActionOfferAdviserChat(), tracker("telegram")) == [
        "utter_offer_adviser_chat"]
    assert responses(ActionOfferAdviserChat(), tracker("web")) == []


def test_asking_with_a_lead_marks_it_as_asking_for_a_person(database: Any) -> None:  # noqa: F811
    with database() as session, session.begin():
        make_lead(session, "Keira", sender_id=SENDER, channel="telegram",
                  contact_method="telegram", phone=None, telegram_username="@keira")
    t = tracker("telegram", "ask_adviser_chat")
    assert responses(ActionAskAdviserChat(), t) == ["utter_adviser_chat_asked"]
    with database() as session:
        assert session.scalar(select(Lead.wants_callback)) is True
        assert session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "lead.adviser_chat_asked")) is not None


def test_asking_without_details_offers_the_form_which_notes_the_request(
        database: Any) -> None:  # noqa: F811
    t = tracker("telegram", "ask_adviser_chat")
    assert responses(ActionAskAdviserChat(), t) == ["utter_adviser_chat_needs_details"]
    started = tracker("telegram", "register_interest", events=[
        {"event": "action", "name": "action_ask_adviser_chat"}])
    events = ActionStartInterest().run(CollectingDispatcher(), started, {})
    assert {"event": "slot", "name": "lead_callback", "value": True} in [
        {k: e[k] for k in ("event", "name", "value")} for e in events]


def test_on_the_web_the_details_are_offered_instead(database: Any) -> None:  # noqa: F811
    assert responses(ActionAskAdviserChat(), tracker("web", "ask_adviser_chat")) == [
        "utter_adviser_chat_web"]
