"""Actions that answer questions about care careers from the content in content/careers.

Each action turns the tracker into a `Turn` (the latest message, the slots and the day
of the conversation) and sends the reply that `carecareers.careers.turns` gives.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import careers_content, clock, recent_action, say
from actions.handover import hand_over
from carecareers.careers import turns
from carecareers.careers.records import CareersContent

SLOTS = ("role", "current_role", "qualification", "age", "is_apprentice")


def latest_entities(tracker: Tracker) -> dict[str, str]:
    """The first value of each entity in the person's latest message; of two roles wanted
    and none done now, the one the words say they do now is their current role."""
    entities = tracker.latest_message.get("entities") or []
    found: dict[str, str] = {}
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        if isinstance(name, str) and value not in (None, "") and name not in found:
            found[name] = str(value)
    if "current_role" not in found:
        roles = [(str(e.get("value")), int(e.get("start") or 0)) for e in entities
                 if e.get("entity") == "role" and e.get("value")]
        split = turns.current_role_among(tracker.latest_message.get("text") or "", roles)
        if split is not None:
            found["current_role"], found["role"] = split
    return found


def typed_entities(tracker: Tracker) -> dict[str, str]:
    """The words the person typed for each entity (before synonyms), first of each."""
    text = tracker.latest_message.get("text") or ""
    typed: dict[str, str] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, start, end = entity.get("entity"), entity.get("start"), entity.get("end")
        if isinstance(name, str) and isinstance(start, int) and isinstance(end, int):
            typed.setdefault(name, text[start:end])
    return typed


def sent_at(tracker: Tracker) -> float | None:
    """When the person sent their latest message (seconds since the epoch), if known."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            stamp = event.get("timestamp")
            return float(stamp) if isinstance(stamp, (int, float)) else None
    return None


def turn_of(tracker: Tracker) -> turns.Turn:
    day = clock().day_of(sent_at(tracker))
    slots = {name: tracker.get_slot(name) for name in SLOTS}
    return turns.Turn(text=tracker.latest_message.get("text") or "", day=day,
                      entities=latest_entities(tracker), slots=slots,
                      said=typed_entities(tracker))


Replier = Callable[[CareersContent, turns.Turn], turns.Reply]


class CareersAction(Action, ABC):
    """Answer with one reply function of `carecareers.careers.turns`."""

    reply: Replier

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def replier(self, tracker: Tracker, turn: turns.Turn) -> Replier:
        """The reply function for this turn: the action's own, unless a follow-up says not."""
        return self.reply

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        turn = turn_of(tracker)
        reply = self.replier(tracker, turn)(careers_content(), turn)
        say(dispatcher, reply.answer)
        return [SlotSet(name, value) for name, value in reply.slots.items()]


def earlier_topic(tracker: Tracker) -> str | None:
    """The careers action that answered in the last few turns (the newest), if any."""
    return recent_action(tracker, TOPICS)


class ActionRoleInfo(CareersAction):
    """What a role is; or, for "what about ...?", the question before asked again."""

    def name(self) -> str:
        return "action_role_info"

    reply = staticmethod(turns.role_info_reply)

    def replier(self, tracker: Tracker, turn: turns.Turn) -> Replier:
        topic = earlier_topic(tracker)
        if (turns.is_follow_up(turn.text) and topic not in (None, self.name())
                and turns.changes_the_person(turn)):
            return TOPICS[str(topic)]
        return self.reply

    async def run(self, dispatcher: CollectingDispatcher,  # type: ignore[override]
                  tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = turn_of(tracker)
        if (turns.is_follow_up(turn.text) and turn.entity("role") is None
                and earlier_topic(tracker) is None):
            # "what about if im 15" with no question before it: take note of what was said.
            return await hand_over("action_acknowledge", dispatcher, tracker, domain)
        return super().run(dispatcher, tracker, domain)


class ActionPay(CareersAction):
    def name(self) -> str:
        return "action_pay"

    reply = staticmethod(turns.pay_reply)


class ActionEntryRequirements(CareersAction):
    def name(self) -> str:
        return "action_entry_requirements"

    reply = staticmethod(turns.entry_reply)


class ActionCareerPath(CareersAction):
    """A personal route to the role wanted, or what comes after where the person is now."""

    def name(self) -> str:
        return "action_career_path"

    reply = staticmethod(turns.path_reply)

    def replier(self, tracker: Tracker, turn: turns.Turn) -> Replier:
        # "and next year?" after a pay answer asks about pay, not the next job up.
        if turns.asks_about_next_year(turn.text) and earlier_topic(tracker) == "action_pay":
            return turns.pay_reply
        return self.reply


class ActionListRoles(CareersAction):
    def name(self) -> str:
        return "action_list_roles"

    reply = staticmethod(turns.roles_reply)


class ActionApprenticeships(CareersAction):
    def name(self) -> str:
        return "action_apprenticeships"

    reply = staticmethod(turns.levels_reply)


class ActionRotationalApprenticeship(CareersAction):
    def name(self) -> str:
        return "action_rotational_apprenticeship"

    reply = staticmethod(turns.rotational_reply)


class ActionGraduatePathway(CareersAction):
    def name(self) -> str:
        return "action_graduate_pathway"

    reply = staticmethod(turns.pathway_reply)


# The questions a follow-up can ask again, by the action that answered them.
TOPICS: dict[str, Replier] = {
    "action_pay": turns.pay_reply,
    "action_entry_requirements": turns.entry_reply,
    "action_career_path": turns.path_reply,
    "action_role_info": turns.role_info_reply,
    "action_apprenticeships": turns.levels_reply,
}
