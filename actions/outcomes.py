"""Where the person's details stand with the care providers they went to."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import db_session, say
from carecareers.outcomes import standing_answer, standing_of

logger = logging.getLogger(__name__)


class ActionApplicationStatus(Action):
    """Who has their details, what each has done and when, and what they can do next."""

    def name(self) -> str:
        return "action_application_status"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        try:
            with db_session() as session:
                answer = standing_answer(standing_of(session, tracker.sender_id))
        except SQLAlchemyError:
            logger.exception("could not look up where the details stand")
            dispatcher.utter_message(response="utter_standing_failed")
            return []
        say(dispatcher, answer)
        return []
