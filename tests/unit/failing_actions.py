"""An action that crashes with what someone typed in its message (for test_action_server_errors)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher


class ActionThatCrashes(Action):
    def name(self) -> str:
        return "action_that_crashes"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[dict[str, Any]]:
        raise ValueError(f"cannot use {tracker.get_slot('email')}")
