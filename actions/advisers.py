"""Offer "message an adviser here" to Telegram users who ask for a person, and take it up."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import channel_of, db_session
from carecareers.threads.requests import ask_for_adviser

logger = logging.getLogger(__name__)


class ActionOfferAdviserChat(Action):
    """After the ways to reach a person: in Telegram, an adviser can also write right here."""

    def name(self) -> str:
        return "action_offer_adviser_chat"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        if channel_of(tracker) == "telegram":
            dispatcher.utter_message(response="utter_offer_adviser_chat")
        return []


class ActionAskAdviserChat(Action):
    """Ask for an adviser to message them in Telegram: at once if we have their details."""

    def name(self) -> str:
        return "action_ask_adviser_chat"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        if channel_of(tracker) != "telegram":
            dispatcher.utter_message(response="utter_adviser_chat_web")
            return []
        try:
            with db_session() as session:
                lead = ask_for_adviser(session, tracker.sender_id)
        except SQLAlchemyError:
            logger.exception("could not ask for an adviser")
            dispatcher.utter_message(response="utter_adviser_chat_failed")
            return []
        dispatcher.utter_message(response="utter_adviser_chat_asked" if lead is not None
                                 else "utter_adviser_chat_needs_details")
        return []
