"""Offer "message an adviser here" where advisers can write in the chat, and take it up."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from actions.common import clock, db_session, delivers_later
from actions.handover import hand_over
from carecareers.threads.requests import ask_for_adviser

logger = logging.getLogger(__name__)


class ActionHumanHandoff(Action):
    """The ways to reach a person; where advisers can write in the chat (a channel that
    delivers later), also "Message an adviser here"."""

    def name(self) -> str:
        return "action_human_handoff"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        dispatcher.utter_message(response="utter_human_handoff_in_chat"
                                 if delivers_later(tracker) else "utter_human_handoff")
        return []


class ActionAskAdviserChat(Action):
    """Ask for an adviser to message them in the chat: at once if we have their details,
    else through the interest form (whose lead is then marked as asking for a person)."""

    def name(self) -> str:
        return "action_ask_adviser_chat"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        if not delivers_later(tracker):
            return await start_form(dispatcher, tracker, domain, "utter_adviser_chat_web")
        try:
            with db_session() as session:
                lead = ask_for_adviser(session, tracker.sender_id, clock().now())
        except SQLAlchemyError:
            logger.exception("could not ask for an adviser")
            dispatcher.utter_message(response="utter_adviser_chat_failed")
            return []
        if lead is None:
            return await start_form(dispatcher, tracker, domain,
                                    "utter_adviser_chat_needs_details")
        dispatcher.utter_message(response="utter_adviser_chat_asked")
        return []


async def start_form(dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict,
                     response: str) -> list[EventType]:
    dispatcher.utter_message(response=response)
    events = await hand_over("action_start_interest", dispatcher, tracker, domain)
    return [*events, FollowupAction("interest_form")]
