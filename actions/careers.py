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
ROLE_ENTITIES = ("role", "current_role")


def chosen_entities(tracker: Tracker) -> dict[str, dict[str, Any]]:
    """The entity taken for each name in the person's latest message: the first one (for a
    role, the first the careers content knows, when NLU also split off a word like
    "trainee"); of two roles wanted and none done now, the one the words say they do now
    ("i work as a carer now") is taken as their current role."""
    entities = [e for e in tracker.latest_message.get("entities") or []
                if isinstance(e.get("entity"), str) and e.get("value") not in (None, "")]
    content = careers_content()
    chosen: dict[str, dict[str, Any]] = {}
    for entity in entities:
        name = entity["entity"]
        unknown_before = name in ROLE_ENTITIES and name in chosen \
            and content.role(str(chosen[name]["value"])) is None
        if name not in chosen or (unknown_before and content.role(str(entity["value"]))):
            chosen[name] = entity
    if "current_role" not in chosen:
        roles = [e for e in entities
                 if e["entity"] == "role" and content.role(str(e["value"])) is not None]
        split = turns.current_role_among(tracker.latest_message.get("text") or "",
                                         [(str(e["value"]), int(e.get("start") or 0))
                                          for e in roles])
        if split is not None:
            now = next(e for e in roles if e["value"] == split[0])
            chosen["current_role"] = {**now, "entity": "current_role"}
            chosen["role"] = next(e for e in roles if e["value"] == split[1])
    return chosen


def latest_entities(tracker: Tracker) -> dict[str, str]:
    """The value of each entity taken from the person's latest message."""
    return {name: str(e["value"]) for name, e in chosen_entities(tracker).items()}


def typed_entities(tracker: Tracker) -> dict[str, str]:
    """The words the person typed for each entity taken (before synonyms)."""
    text = tracker.latest_message.get("text") or ""
    return {name: text[e["start"]:e["end"]] for name, e in chosen_entities(tracker).items()
            if isinstance(e.get("start"), int) and isinstance(e.get("end"), int)}


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
