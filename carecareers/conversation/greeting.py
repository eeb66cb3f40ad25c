"""The assistant's greeting, read from Rasa's own response, for a page to show at once.

Rasa answers the intent `greet` with the response `utter_greet` (the rule "greet" in
stories/rules.yml; its words in domain/core.yml). A web page that shows that response itself,
in its first HTML, greets without asking Rasa anything: the words stay in the domain, read
here, so the page and Rasa cannot drift apart. No Rasa import: only the YAML is read.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from carecareers.catalogue import CatalogueError, fill
from carecareers.conversation.rasa_client import BotMessage
from carecareers.settings import PROJECT_ROOT

DOMAIN_DIR = PROJECT_ROOT / "domain"
GREETING_INTENT = "greet"
GREETING_RESPONSE = "utter_greet"
# What a page can show as Rasa would send it: a text and buttons, nothing chosen by a
# condition, a channel or a slot (the page is drawn before Rasa holds any).
_SHOWN_KEYS = frozenset({"text", "buttons"})


def greeting(domain_dir: Path = DOMAIN_DIR) -> BotMessage:
    """The greeting as Rasa sends it: its text and buttons (titles and payloads)."""
    text, buttons = _greeting(domain_dir)
    return BotMessage(text=text, buttons=[dict(button) for button in buttons])


@lru_cache
def _greeting(domain_dir: Path) -> tuple[str, tuple[tuple[tuple[str, str], ...], ...]]:
    variations = _responses(domain_dir).get(GREETING_RESPONSE)
    if not isinstance(variations, list) or len(variations) != 1:
        raise CatalogueError(f"{GREETING_RESPONSE} in {domain_dir} needs exactly one variation: "
                             "Rasa would pick one at random, and the page another")
    variation = variations[0]
    if not isinstance(variation, dict) or "text" not in variation or set(variation) - _SHOWN_KEYS:
        raise CatalogueError(f"{GREETING_RESPONSE} may have only a text and buttons")
    buttons = tuple(
        (("title", _filled(button["title"])), ("payload", _filled(button["payload"])))
        for button in variation.get("buttons") or [])
    return _filled(variation["text"]), buttons


def _filled(template: Any) -> str:
    """The text as Rasa sends it: `{{` and `}}` are braces; a slot's placeholder is refused."""
    return fill(str(template), {}, GREETING_RESPONSE)


def _responses(domain_dir: Path) -> dict[str, Any]:
    """Every response of the domain (Rasa merges the files of the folder)."""
    found: dict[str, Any] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        found.update((yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses")
                     or {})
    return found
