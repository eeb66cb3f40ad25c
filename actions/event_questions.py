"""Questions about coming to an event before booking: "im 14, can I go to that open day?"."""

from __future__ import annotations

import json
import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import age_from, clock, db_session, latest_entity
from actions.events import book_button, describe
from carecareers.events import Welcome, events_asked_about, welcome_for
from carecareers.geo import default_gazetteer

logger = logging.getLogger(__name__)
BOOK_PAYLOAD = "/book_event"
# What each kind of welcome says (domain/events.yml).
WELCOME_RESPONSES = {
    Welcome.CAN_BOOK: "utter_event_can_book",
    Welcome.WITH_ADULT: "utter_event_with_adult",
    Welcome.SIXTEEN_PLUS: "utter_event_sixteen_plus",
    Welcome.ANY_AGE_WITH_ADULT: "utter_event_any_age_with_adult",
    Welcome.ONLY_SIXTEEN_PLUS: "utter_event_only_sixteen_plus",
}
# How far back the events the person was shown count as the ones they ask about.
RECENT_REPLIES = 6


def shown_event_ids(tracker: Tracker) -> list[int]:
    """The events the latest of the recent replies offered to book, newest reply first."""
    for event in [e for e in tracker.events if e.get("event") == "bot"][-RECENT_REPLIES:][::-1]:
        ids = [_event_id(b.get("payload")) for b in (event.get("data") or {}).get("buttons") or []]
        found = [i for i in ids if i is not None]
        if found:
            return found
    return []


def _event_id(payload: object) -> int | None:
    text = str(payload or "")
    if not text.startswith(BOOK_PAYLOAD + "{"):
        return None
    try:
        value = json.loads(text[len(BOOK_PAYLOAD):]).get("event_id")
    except (json.JSONDecodeError, AttributeError):
        return None
    return int(value) if str(value).isdigit() else None


class ActionEventAge(Action):
    """Say whether someone of the age given (or anyone) may come to the events asked about."""

    def name(self) -> str:
        return "action_event_age"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        age = age_from(latest_entity(tracker, "age") or tracker.get_slot("age"))
        shown = shown_event_ids(tracker)
        place = latest_entity(tracker, "location") or tracker.get_slot("location")
        try:
            with db_session() as session:
                events = events_asked_about(session, default_gazetteer(), shown, place,
                                            str(tracker.latest_message.get("text") or ""),
                                            clock().now())
                for event in events:
                    welcome = welcome_for(event, age)
                    named = event.title if event.id in shown else describe(event)
                    buttons = [book_button(event)] if welcome in (
                        Welcome.CAN_BOOK, Welcome.ANY_AGE_WITH_ADULT,
                        Welcome.ONLY_SIXTEEN_PLUS) else []
                    dispatcher.utter_message(response=WELCOME_RESPONSES[welcome],
                                             event=named, age=age, buttons=buttons)
        except SQLAlchemyError as exc:
            logger.error("could not answer an event age question: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_events_unavailable")
            return []
        if not events:
            dispatcher.utter_message(response="utter_no_events")
        return []
