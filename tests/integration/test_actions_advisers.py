"""'Message an adviser here': offered to Telegram users who ask for a person, and taken up."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from actions.advisers import ActionAskAdviserChat, ActionHumanHandoff
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
                        "intent_ranking": [{"name": intent, "confidence": 1.0}],
                        "entities": []},
        events=[{"event": "user", "text": "", "metadata": {"channel": channel}}, *(events or [])],
        paused=False, followup_action=None, active_loop={}, latest_action_name="action_listen")


def run(action: Any, t: Tracker) -> tuple[list[str], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = action.run(dispatcher, t, {})
    if asyncio.iscoroutine(events):
        events = asyncio.run(events)
    return [m["response"] for m in dispatcher.messages], list(events)


def responses(action: Any, t: Tracker) -> list[str]:
    return run(action, t)[0]


def test_the_offer_is_made_only_where_advisers_can_write_in_the_chat() -> None:
    assert responses(ActionHumanHandoff(), tracker("telegram")) == [
        "utter_human_handoff_in_chat"]
    assert responses(ActionHumanHandoff(), tracker("web")) == ["utter_human_handoff"]
    # a channel nobody registered is not taken for one that delivers later
    assert responses(ActionHumanHandoff(), tracker("carrier-pigeon")) == ["utter_human_handoff"]


def test_asking_with_a_lead_marks_it_as_asking_for_a_person(database: Any) -> None:  # noqa: F811
    with database() as session, session.begin():
        make_lead(session, "Keira", sender_id=SENDER, channel="telegram",
                  contact_method="telegram", phone=None, chat_account="@keira")
    t = tracker("telegram", "ask_adviser_chat")
    assert responses(ActionAskAdviserChat(), t) == ["utter_adviser_chat_asked"]
    with database() as session:
        assert session.scalar(select(Lead.wants_callback)) is True
        assert session.scalar(select(AuditEvent.action).where(
            AuditEvent.action == "lead.adviser_chat_asked")) is not None


def callback_noted(events: list[dict[str, Any]]) -> bool:
    return any(e.get("event") == "slot" and e.get("name") == "lead_callback"
               and e.get("value") is True for e in events)


def form_started(events: list[dict[str, Any]]) -> bool:
    return {"event": "followup", "name": "interest_form"} in [
        {k: e.get(k) for k in ("event", "name")} for e in events]


def test_asking_without_details_starts_the_form_which_notes_the_request(
        database: Any) -> None:  # noqa: F811
    said, events = run(ActionAskAdviserChat(), tracker("telegram", "ask_adviser_chat"))
    assert said == ["utter_adviser_chat_needs_details"]
    assert form_started(events) and callback_noted(events)
    after_button = tracker("telegram", "register_interest", events=[
        {"event": "action", "name": "action_human_handoff"}])
    assert callback_noted(ActionStartInterest().run(CollectingDispatcher(), after_button, {}))


def test_on_the_web_the_form_is_offered_instead(database: Any) -> None:  # noqa: F811
    said, events = run(ActionAskAdviserChat(), tracker("web", "ask_adviser_chat"))
    assert said == ["utter_adviser_chat_web"] and form_started(events)
