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

from actions.common import careers_content, say
from carecareers.careers import turns
from carecareers.careers.clock import conversation_day
from carecareers.careers.records import CareersContent
from carecareers.settings import get_settings

SLOTS = ("role", "current_role", "qualification", "age", "is_apprentice")


def latest_entities(tracker: Tracker) -> dict[str, str]:
    """The first value of each entity in the person's latest message."""
    found: dict[str, str] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name, value = entity.get("entity"), entity.get("value")
        if isinstance(name, str) and value not in (None, "") and name not in found:
            found[name] = str(value)
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
    day = conversation_day(get_settings().fixed_today, sent_at(tracker))
    slots = {name: tracker.get_slot(name) for name in SLOTS}
    return turns.Turn(text=tracker.latest_message.get("text") or "", day=day,
                      entities=latest_entities(tracker), slots=slots,
                      said=typed_entities(tracker))


class CareersAction(Action, ABC):
    """Answer with one reply function of `carecareers.careers.turns`."""

    reply: Callable[[CareersContent, turns.Turn], turns.Reply]

    @abstractmethod
    def name(self) -> str:
        """The action's name in the domain."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        reply = self.reply(careers_content(), turn_of(tracker))
        say(dispatcher, reply.answer)
        return [SlotSet(name, value) for name, value in reply.slots.items()]


class ActionRoleInfo(CareersAction):
    def name(self) -> str:
        return "action_role_info"

    reply = staticmethod(turns.role_info_reply)


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
