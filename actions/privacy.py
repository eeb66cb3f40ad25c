"""Erasure on request, and noting the questions the assistant could not answer."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import campaign_of, channel_of, db_session
from carecareers.conversation.payloads import ERASED_MARKER
from carecareers.leads.erasure import erase_person
from carecareers.questions.unanswered import record_unanswered

logger = logging.getLogger(__name__)
ERASED_TEXT = ("Done. I've deleted your details and this conversation. "
               "You can start again any time.")
NOTHING_SAVED_TEXT = ("You hadn't given me any details to pass on, so there were none to "
                      "delete. I've deleted this conversation. You can start again any time.")


class ActionEraseMyData(Action):
    """Delete the person's lead and unlink their conversation; the front end then deletes it."""

    def name(self) -> str:
        return "action_erase_my_data"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            with db_session() as session:
                erasure = erase_person(session, actor="assistant", via=channel_of(tracker),
                                       sender_id=tracker.sender_id)
        except SQLAlchemyError:
            logger.exception("erasure failed")
            dispatcher.utter_message(text="Sorry, I couldn't delete your details just now. "
                                          "Please try again in a few minutes.")
            return []
        dispatcher.utter_message(text=ERASED_TEXT if erasure.found_anything
                                 else NOTHING_SAVED_TEXT)
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
                                  channel=channel_of(tracker), campaign_code=campaign_of(tracker),
                                  sender_id=tracker.sender_id)
        except SQLAlchemyError:
            logger.exception("could not note an unanswered question")
        dispatcher.utter_message(response="utter_clarify")
        return []
