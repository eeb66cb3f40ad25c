"""Actions that answer questions about care careers from the content in content/careers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import age_from, careers_content, entity_or_slot, latest_entity, say
from carecareers.careers import answers
from carecareers.careers.errors import NoPayRate, NoRoute, UnknownRole
from carecareers.careers.roles import get_role

DEFAULT_START = "no_qualifications"


class RoleAction(Action, ABC):
    """An answer about one role: the role named now, or the one talked about before."""

    @abstractmethod
    def answer(self, role: str, tracker: Tracker) -> answers.Answer:
        """Answer about `role`, a known role code."""

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        content = careers_content()
        wanted = entity_or_slot(tracker, "role")
        if wanted is None:
            say(dispatcher, answers.roles_overview(content))
            return []
        try:
            role = get_role(content, wanted)
            say(dispatcher, self.answer(role.code, tracker))
        except UnknownRole:
            say(dispatcher, answers.unknown_role_answer(content, wanted))
            return [SlotSet("role", None)]
        return [SlotSet("role", role.code)]


class ActionRoleInfo(RoleAction):
    def name(self) -> str:
        return "action_role_info"

    def answer(self, role: str, tracker: Tracker) -> answers.Answer:
        return answers.role_info(careers_content(), role)


class ActionPay(RoleAction):
    def name(self) -> str:
        return "action_pay"

    def answer(self, role: str, tracker: Tracker) -> answers.Answer:
        age = age_from(entity_or_slot(tracker, "age"))
        apprentice = "apprentic" in (tracker.latest_message.get("text") or "").lower()
        try:
            return answers.pay_answer(careers_content(), role, age=age, apprentice=apprentice)
        except NoPayRate:
            return answers.Answer("Sorry, I don't have pay figures for today's date yet. "
                                  "Ask a careers adviser for the latest rates.")


class ActionEntryRequirements(RoleAction):
    def name(self) -> str:
        return "action_entry_requirements"

    def answer(self, role: str, tracker: Tracker) -> answers.Answer:
        return answers.entry_requirements(careers_content(), role)


class ActionCareerPath(Action):
    """A personal route to the role wanted, or what comes after where the person is now."""

    def name(self) -> str:
        return "action_career_path"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        content = careers_content()
        target = latest_entity(tracker, "role")
        now = latest_entity(tracker, "current_role")
        start = (now or tracker.get_slot("current_role")
                 or entity_or_slot(tracker, "qualification") or DEFAULT_START)
        try:
            if target is not None:
                role = get_role(content, target)
                say(dispatcher, answers.route_answer(content, start, role.code))
                return [SlotSet("role", role.code)]
            after = now or tracker.get_slot("role") or tracker.get_slot("current_role")
            if after is None:
                say(dispatcher, answers.roles_overview(content))
                return []
            role = get_role(content, after)
            say(dispatcher, answers.next_steps_answer(content, role.code))
            return [SlotSet("role", role.code)]
        except UnknownRole as error:
            say(dispatcher, answers.unknown_role_answer(content, str(error.value)))
        except NoRoute as error:
            say(dispatcher, answers.no_route_answer(content, error))
        return []


class ActionListRoles(Action):
    def name(self) -> str:
        return "action_list_roles"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say(dispatcher, answers.roles_overview(careers_content()))
        return []


class ActionApprenticeships(Action):
    def name(self) -> str:
        return "action_apprenticeships"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say(dispatcher, answers.apprenticeship_levels(careers_content()))
        return []


class ActionRotationalApprenticeship(Action):
    def name(self) -> str:
        return "action_rotational_apprenticeship"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say(dispatcher, answers.rotational_programmes(careers_content()))
        return []


class ActionGraduatePathway(Action):
    def name(self) -> str:
        return "action_graduate_pathway"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        say(dispatcher, answers.graduate_pathway(careers_content()))
        return []
