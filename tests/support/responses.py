"""What Rasa says for an action's messages: its responses filled in, as Rasa's NLG does.

An action says `utter_message(response="utter_x", name=...)`; Rasa takes the response's
variation from domain/, fills its `{placeholders}` from the values the action gave, and puts
the response's buttons before any the action gave. `said` does the same for the messages a
`CollectingDispatcher` collected, so that tests read what the person sees; unlike Rasa (which
would fill a missing value from a slot, or leave the braces), a placeholder the action did
not give a value for is an error.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from carecareers.catalogue import fill

DOMAIN = Path(__file__).resolve().parents[2] / "domain"
# What rasa-sdk puts in every message; the rest are the values for the placeholders.
MESSAGE_KEYS = frozenset({"text", "buttons", "elements", "custom", "template", "response",
                          "image", "attachment"})


@lru_cache
def responses(domain: Path = DOMAIN) -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(domain.glob("*.yml")):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses")
                     or {})
    return found


def said(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The messages as the person gets them: every response filled in."""
    return [_filled(message) for message in messages]


def _filled(message: dict[str, Any]) -> dict[str, Any]:
    name = message.get("response")
    if not name:
        return message
    variation = copy.deepcopy(responses()[name][0])
    values = {k: v for k, v in message.items() if k not in MESSAGE_KEYS}
    buttons = [{key: fill(str(value), values, f"{name} button") for key, value in b.items()}
               for b in variation.get("buttons") or []]
    return {**message, "text": fill(variation["text"], values, name) if "text" in variation
            else message.get("text"), "buttons": buttons + list(message.get("buttons") or [])}


def texts(messages: list[dict[str, Any]]) -> list[str]:
    """Just the texts said, in order."""
    return [m["text"] for m in said(messages) if m.get("text")]
