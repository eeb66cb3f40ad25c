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
from carecareers.topics import answering

QUALIFICATIONS = {
    "no_qualifications": "you don't have qualifications yet",
    "gcses": "you have GCSEs",
    "a_levels": "you have A levels",
    "level_2": "you have a level 2 qualification",
    "level_3": "you have a level 3 qualification",
    "degree": "you have a degree",
}
HELP_BUTTONS = [
    {"title": "What jobs are there?", "payload": "/ask_roles"},
    {"title": "Apprenticeships", "payload": "/ask_apprenticeships"},
    {"title": "Jobs near me", "payload": "/search_vacancies"},
]
CONTACT_OFFER = (
    "Thanks, but I haven't saved that: I only keep contact details when you ask for a care "
    "employer or adviser to get in touch, and say that's OK. Shall I ask you a few quick "
    "questions for that? You can say \"stop\" at any time."
)


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
            dispatcher.utter_message(text=CONTACT_OFFER, buttons=[
                {"title": "Yes, contact me", "payload": "/register_interest"},
                {"title": "No thanks", "payload": "/deny"}])
            return []
        noted = noted_facts(tracker)
        next_action = answer_for(tracker)
        if next_action is not None:
            if noted:
                dispatcher.utter_message(text=f"Thanks, I'll remember that {noted}.")
            return await hand_over(next_action, dispatcher, tracker, domain)
        if noted:
            dispatcher.utter_message(text=f"Thanks, I'll remember that {noted}. "
                                          + suggestion(tracker), buttons=buttons_for(tracker))
            return []
        dispatcher.utter_message(text="Thanks. What would you like to know? You can ask me "
                                      "about jobs in care, pay, apprenticeships or jobs near "
                                      "you.", buttons=HELP_BUTTONS)
        return []


def noted_facts(tracker: Tracker) -> str:
    """What the latest message told us about the person, as words ('you're 17 and ...')."""
    facts: list[str] = []
    years = age_from(latest_entity(tracker, "age"))
    if years is not None:
        facts.append(f"you're {years}")
    place = latest_entity(tracker, "location")
    if place is not None:
        facts.append(f"you're near {place_name(place)}")
    qualification = latest_entity(tracker, "qualification")
    if qualification in QUALIFICATIONS:
        facts.append(QUALIFICATIONS[qualification])
    status = apprentice_status(latest_text(tracker))
    if status is not None:
        facts.append("you're an apprentice" if status else "you're not an apprentice")
    return " and ".join(facts)


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
    if latest_entity(tracker, "location") is not None:
        return "Want me to look for jobs near there?"
    if latest_entity(tracker, "qualification") is not None:
        return "Tell me the job you'd like and I'll show you a route from there."
    return "What would you like to know? I can tell you about pay, apprenticeships and jobs."


def buttons_for(tracker: Tracker) -> list[dict[str, str]]:
    place = latest_entity(tracker, "location")
    if place is not None:
        return [{"title": f"Jobs near {place_name(place)}", "payload": "/search_vacancies"},
                {"title": "Apprenticeships", "payload": "/ask_apprenticeships"}]
    if latest_entity(tracker, "qualification") is not None:
        return [{"title": "How do I become a nurse?",
                 "payload": '/ask_career_path{"role":"registered_nurse"}'},
                {"title": "What jobs are there?", "payload": "/ask_roles"},
                {"title": "Apprenticeships", "payload": "/ask_apprenticeships"}]
    return [{"title": "Apprenticeships", "payload": "/ask_apprenticeships"},
            {"title": "Pay", "payload": "/ask_pay"},
            {"title": "Jobs near me", "payload": "/search_vacancies"}]


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
