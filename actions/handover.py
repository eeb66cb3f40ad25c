"""Running another action in this process, as if Rasa had predicted it."""

from __future__ import annotations

import importlib
import inspect

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from rasa_sdk.utils import call_potential_coroutine

# The modules whose actions are handed over to (imported here, by name, so that they are
# registered whichever module hands over first).
DELEGATES = ("actions.careers", "actions.context", "actions.events", "actions.interest",
             "actions.privacy", "actions.vacancies")


def registered_action(name: str) -> Action | None:
    """The action server's action called `name`, if one is defined."""
    for module in DELEGATES:
        importlib.import_module(module)
    found: list[type[Action]] = list(Action.__subclasses__())
    while found:
        cls = found.pop()
        found.extend(cls.__subclasses__())
        if inspect.isabstract(cls):
            continue
        try:
            action = cls()
        except TypeError:
            continue
        if action.name() == name:
            return action
    return None


async def hand_over(name: str, dispatcher: CollectingDispatcher, tracker: Tracker,
                    domain: DomainDict) -> list[EventType]:
    """Run the action `name` as if Rasa had predicted it, and return its events."""
    action = registered_action(name)
    if action is None:
        dispatcher.utter_message(response="utter_help")
        return []
    return list(await call_potential_coroutine(action.run(dispatcher, tracker, domain)) or [])
