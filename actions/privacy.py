"""Erasure on request, and noting the questions the assistant could not answer."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import campaign_of, channel_name, db_session
from carecareers.conversation.payloads import ERASED_MARKER
from carecareers.leads.erasure import erase_person
from carecareers.questions.unanswered import record_unanswered
from carecareers.settings import get_settings

logger = logging.getLogger(__name__)


class ActionEraseMyData(Action):
    """Delete the person's lead and unlink their conversation; the front end then deletes it."""

    def name(self) -> str:
        return "action_erase_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            with db_session() as session:
                erasure = erase_person(session, actor="assistant", via=channel_name(tracker),
                                       sender_id=tracker.sender_id)
        except SQLAlchemyError:
            logger.exception("erasure failed")
            dispatcher.utter_message(response="utter_erasure_failed")
            return []
        dispatcher.utter_message(response="utter_erased" if erasure.found_anything
                                 else "utter_erased_nothing_saved")
        dispatcher.utter_message(json_message=dict(ERASED_MARKER))
        return [AllSlotsReset()]


class ActionClarify(Action):
    """Ask the person to rephrase, and note the question (masked) for the content team."""

    def name(self) -> str:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        message = tracker.latest_message
        ranking = message.get("intent_ranking") or [{}]
        top = ranking[1] if len(ranking) > 1 else ranking[0]
        try:
            with db_session() as session:
                record_unanswered(session, str(message.get("text") or ""),
                                  intent=top.get("name"), confidence=top.get("confidence"),
                                  channel=channel_name(tracker), campaign_code=campaign_of(tracker),
                                  sender_id=tracker.sender_id)
        except SQLAlchemyError:
            logger.exception("could not note an unanswered question")
        dispatcher.utter_message(response="utter_clarify")
        return []


class ActionExplainPrivacy(Action):
    """Say what happens to what the person types and tells us, with the privacy notice."""

    def name(self) -> str:
        return "action_explain_privacy"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        privacy_url = get_settings().public_base_url.rstrip("/") + "/privacy"
        dispatcher.utter_message(response="utter_privacy", privacy_url=privacy_url)
        return []
