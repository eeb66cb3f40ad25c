"""'Is care for me?': start the values check; every answer after that goes to the check
itself before Rasa (carecareers/values)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import age_from, clock, db_session
from carecareers.values import start_check

logger = logging.getLogger(__name__)
AGE_SLOTS = ("age", "lead_age", "alert_age", "booking_age")


def stated_age(tracker: Tracker) -> int | None:
    """The age the person gave in this conversation, in any slot that holds one."""
    for slot in AGE_SLOTS:
        years = age_from(tracker.get_slot(slot))
        if years is not None:
            return years
    return None


class ActionValuesCheckStart(Action):
    """The check's first situation; under 16 (as they said), nothing will ever be kept."""

    def name(self) -> str:
        return "action_values_check_start"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        age = stated_age(tracker)
        try:
            with db_session() as session:
                answer = start_check(session, tracker.sender_id, age is not None and age < 16,
                                     clock().now())
        except SQLAlchemyError:
            logger.exception("could not start the values check")
            dispatcher.utter_message(response="utter_values_check_failed")
            return []
        for said in answer.before:
            dispatcher.utter_message(text=said)
        dispatcher.utter_message(text=answer.text, buttons=[dict(b) for b in answer.buttons])
        return []
