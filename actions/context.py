"""Context that follows the person, and useful replies to answers given outside a form.

- action_validate_slot_mappings runs after every message (Rasa's global slot validation):
  it sets `is_apprentice` from what the person says about themselves, and forgets the role
  in context when a pay question names apprentices instead of a role.
- action_acknowledge answers an `inform` outside the forms: "im 17" or "I live in Leek" is
  remembered and acknowledged, a role or qualification gets its answer, contact details
  lead to the interest form.
- action_follow_offer answers "yes" outside a form by following the offer just made.
"""

from __future__ import annotations

import json
import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from actions.careers import earlier_topic, turn_of
from actions.common import age_from, latest_entity
from actions.handover import hand_over
from carecareers.careers import turns
from carecareers.careers.context import (
    apprentice_status,
    asks_about_apprenticeships,
    asks_apprentice_pay,
    has_contact_detail,
    place_name,
)
from carecareers.catalogue import text
from carecareers.topics import answering

# The qualifications I note back in words (chat.noted.qualification.* in the catalogue).
QUALIFICATIONS = ("no_qualifications", "gcses", "a_levels", "level_2", "level_3", "degree")


# -- what the person said ----------------------------------------------------------------------


def latest_text(tracker: Tracker) -> str:
    return str(tracker.latest_message.get("text") or "").strip()


def latest_intent(tracker: Tracker) -> str | None:
    intent = tracker.latest_message.get("intent") or {}
    return intent.get("name") if isinstance(intent, dict) else None


def names_other_topic(tracker: Tracker) -> bool:
    """A pay question about apprentices, naming no role and not pointing back at one."""
    return asks_apprentice_pay(latest_intent(tracker), latest_text(tracker),
                               latest_entity(tracker, "role") is not None)


# -- the actions -------------------------------------------------------------------------------


class ValidateSlotMappings(ValidationAction):
    """Every turn: the apprentice status, and forgetting a role a new topic replaces."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        events = list(await super().run(dispatcher, tracker, domain))
        if names_other_topic(tracker) and tracker.get_slot("role") is not None:
            events.append(SlotSet("role", None))
        return events

    async def validate_age(self, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker, domain: DomainDict) -> dict[str, Any]:
        """"I've got 4 GCSEs" or "whats band 5 on" gives no age: the age said before stays."""
        if turns.not_an_age(latest_text(tracker), value):
            return {"age": slot_before_latest_message(tracker, "age")}
        return {"age": value}

    async def extract_is_apprentice(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> dict[str, Any]:
        status = apprentice_status(latest_text(tracker))
        return {} if status is None else {"is_apprentice": status}


class ActionAcknowledge(Action):
    """An answer given outside a form: remember it, say so, and offer the next step."""

    def name(self) -> str:
        return "action_acknowledge"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        text = latest_text(tracker)
        if has_contact_detail(text):
            dispatcher.utter_message(response="utter_contact_offer")
            return []
        noted = noted_facts(tracker)
        next_action = answer_for(tracker)
        if next_action is not None:
            if noted:
                dispatcher.utter_message(response="utter_noted", noted=noted)
            return await hand_over(next_action, dispatcher, tracker, domain)
        if noted:
            place = latest_entity(tracker, "location")
            dispatcher.utter_message(response=suggestion(tracker), noted=noted,
                                     place=place_name(place) if place else "")
            return []
        dispatcher.utter_message(response="utter_acknowledged")
        return []


def slot_before_latest_message(tracker: Tracker, slot: str) -> Any:
    """The value `slot` had before the person's latest message."""
    seen_message = False
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            seen_message = True
        elif seen_message and event.get("event") == "slot" and event.get("name") == slot:
            return event.get("value")
    return None


def noted_facts(tracker: Tracker) -> str:
    """What the latest message told us about the person, as words ('you're 17 and ...')."""
    facts: list[str] = []
    said = latest_entity(tracker, "age")
    years = None if turns.not_an_age(latest_text(tracker), said) else age_from(said)
    if years is not None:
        facts.append(text("chat.noted.age", years=years))
    place = latest_entity(tracker, "location")
    if place is not None:
        facts.append(text("chat.noted.place", place=place_name(place)))
    qualification = latest_entity(tracker, "qualification")
    if qualification in QUALIFICATIONS:
        facts.append(text(f"chat.noted.qualification.{qualification}"))
    status = apprentice_status(latest_text(tracker))
    if status is not None:
        facts.append(text("chat.noted.apprentice" if status else "chat.noted.not_apprentice"))
    return text("chat.noted.and").join(facts)


def answer_for(tracker: Tracker) -> str | None:
    """The answer a short reply asks for: about a role named, or the route from where one is.

    "and if I was an apprentice?" asks the question before again, for the person changed.
    """
    turn = turn_of(tracker)
    topic = earlier_topic(tracker)
    if topic is not None and turns.is_follow_up(turn.text) and turns.changes_the_person(turn):
        return topic
    if latest_entity(tracker, "current_role") is not None:
        return "action_career_path"
    if latest_entity(tracker, "role") is not None:
        wants_route = latest_entity(tracker, "qualification") is not None
        return "action_career_path" if wants_route else "action_role_info"
    if latest_entity(tracker, "qualification") is not None and tracker.get_slot("role"):
        return "action_career_path"
    if asks_about_apprenticeships(latest_text(tracker)):
        return "action_apprenticeships"
    return None


def suggestion(tracker: Tracker) -> str:
    """The reply to what was noted: jobs near a place named, a route from a qualification."""
    if latest_entity(tracker, "location") is not None:
        return "utter_noted_place"
    if latest_entity(tracker, "qualification") is not None:
        return "utter_noted_qualification"
    return "utter_noted_other"


class ActionFollowOffer(Action):
    """A "yes" outside a form: take up the offer the last reply made, or say what I can do."""

    def name(self) -> str:
        return "action_follow_offer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> list[EventType]:
        offer = offered_payload(tracker)
        intent, entities = parse_payload(offer) if offer else ("", {})
        if intent == "register_interest":
            events = await hand_over("action_start_interest", dispatcher, tracker, domain)
            return [*events, FollowupAction("interest_form")]
        if intent == "search_vacancies":
            events = await hand_over("action_start_vacancy_search", dispatcher, tracker, domain)
            return [*events, SlotSet("vacancy_role", entities.get("role")),
                    FollowupAction("vacancy_search_form")]
        # any other offer: the action the topic that answers its intent registered
        answer = answering(intent) if intent else None
        if answer is not None:
            return await hand_over(answer, dispatcher, as_asked(tracker, intent, entities),
                                   domain)
        dispatcher.utter_message(response="utter_help")
        return []


PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$", re.DOTALL)


def offered_payload(tracker: Tracker) -> str | None:
    """The offer a "yes" answers: the last reply's "Yes ..." button, or else its first one."""
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            buttons = (event.get("data") or {}).get("buttons") or []
            yes = [b for b in buttons if str(b.get("title", "")).lower().startswith("yes")]
            chosen = (yes or buttons or [None])[0]
            return str(chosen.get("payload", "")) if chosen else None
    return None


def parse_payload(payload: str) -> tuple[str, dict[str, str]]:
    """'/ask_pay{"role":"registered_nurse"}' -> ('ask_pay', {'role': 'registered_nurse'})."""
    match = PAYLOAD.match(payload.strip())
    if match is None:
        return "", {}
    try:
        entities = json.loads(match.group(2)) if match.group(2) else {}
    except json.JSONDecodeError:
        entities = {}
    if not isinstance(entities, dict):
        entities = {}
    return match.group(1), {str(k): str(v) for k, v in entities.items()}


def as_asked(tracker: Tracker, intent: str, entities: dict[str, str]) -> Tracker:
    """A copy of the tracker whose latest message is the offered button's intent."""
    asked = tracker.copy()
    asked.latest_message = {
        **tracker.latest_message, "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": k, "value": v} for k, v in entities.items()]}
    return asked
