"""A place corrected after a search: "sorry, I meant Stone" searches again, there."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import latest_entity, recent_action
from actions.handover import hand_over
from carecareers.geo import default_gazetteer, place_said

# The searches a corrected place repeats, by the action that ran them.
SEARCHES = {
    "action_search_vacancies": "action_search_vacancies",
    "action_more_vacancies": "action_search_vacancies",
    "action_widen_search": "action_search_vacancies",
    "action_list_events": "action_list_events",
}
def last_search(tracker: Tracker) -> str | None:
    """The search that ran in the last few turns (the newest), if any."""
    found = recent_action(tracker, SEARCHES)
    return SEARCHES[found] if found else None


def corrected_place(tracker: Tracker) -> str | None:
    """The place the latest message names instead, if it is one the gazetteer knows."""
    text = str(tracker.latest_message.get("text") or "")
    for candidate in (latest_entity(tracker, "location"), place_said(text)):
        if candidate and default_gazetteer().find(candidate) is not None:
            return candidate
    return None


class ActionCorrectPlace(Action):
    """Search again for the corrected place, or take note of it when nothing was searched."""

    def name(self) -> str:
        return "action_correct_place"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        place = corrected_place(tracker)
        if place is None:
            dispatcher.utter_message(response="utter_ask_location")
            return []
        search = last_search(tracker)
        if search is None:
            return await hand_over("action_acknowledge", dispatcher, tracker, domain)
        asked = tracker.copy()
        asked.slots["location"] = place
        events: list[EventType] = [SlotSet("location", place)]
        return events + list(await hand_over(search, dispatcher, asked, domain))
