"""The greeting the chat page shows is Rasa's: the response the rules give for `greet`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from carecareers.catalogue import CatalogueError
from carecareers.conversation.greeting import GREETING_INTENT, GREETING_RESPONSE, greeting
from tests.support.responses import responses

ROOT = Path(__file__).resolve().parents[2]
STORIES = ROOT / "stories"


def rules_and_stories() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted(STORIES.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        found += [("rule", rule) for rule in data.get("rules") or []]
        found += [("story", story) for story in data.get("stories") or []]
    return found


def answers_at_the_start(kind: str, flow: dict[str, Any]) -> bool:
    """A rule or story that can apply to a new conversation: no condition, no form running,
    and (a rule) not only after some other turn."""
    return not flow.get("condition") and not (kind == "rule" and flow.get(
        "conversation_start") is False)


def test_the_rules_answer_greet_with_the_greeting_the_page_shows() -> None:
    answers = set()
    for kind, flow in rules_and_stories():
        steps = flow.get("steps") or []
        if not steps or steps[0] != {"intent": GREETING_INTENT}:
            continue
        if answers_at_the_start(kind, flow):
            answers.add(next((s.get("action") for s in steps[1:] if "action" in s), None))
    assert answers == {GREETING_RESPONSE}
    # and the rule says so outright, as a rule (a story alone could be outvoted)
    assert any(kind == "rule" and flow.get("steps") == [{"intent": GREETING_INTENT},
                                                         {"action": GREETING_RESPONSE}]
               and answers_at_the_start(kind, flow) for kind, flow in rules_and_stories())


def test_the_page_greets_with_the_domains_words_and_buttons() -> None:
    said = greeting()
    variation = responses()[GREETING_RESPONSE][0]
    assert said.text == variation["text"]
    assert said.buttons == [{"title": b["title"], "payload": b["payload"]}
                            for b in variation["buttons"]]
    assert said.buttons and all(b["payload"].startswith("/") for b in said.buttons)
    said.buttons.clear()  # what one caller does to its copy does not reach the next
    assert greeting().buttons


def write_domain(folder: Path, body: str) -> Path:
    folder.mkdir()
    (folder / "core.yml").write_text(body, encoding="utf-8")
    return folder


@pytest.mark.parametrize("body", [
    'responses:\n  utter_greet:\n    - text: "Hi"\n    - text: "Hello"\n',  # Rasa picks one
    'responses:\n  utter_greet:\n    - text: "Hi {first_name}"\n',  # a slot the page lacks
    'responses:\n  utter_greet:\n    - text: "Hi"\n      condition: []\n',
    'responses:\n  utter_other:\n    - text: "Hi"\n',
])
def test_a_greeting_the_page_could_not_show_as_rasa_would_is_refused(
        tmp_path: Path, body: str) -> None:
    with pytest.raises(CatalogueError, match=GREETING_RESPONSE):
        greeting(write_domain(tmp_path / "domain", body))


def test_braces_are_read_as_rasa_sends_them(tmp_path: Path) -> None:
    domain = write_domain(tmp_path / "domain", (
        'responses:\n  utter_greet:\n    - text: "Hi {{there}}"\n      buttons:\n'
        '        - title: "Nurse"\n          payload: \'/ask_role_info{{"role":"nurse"}}\'\n'))
    said = greeting(domain)
    assert said.text == "Hi {there}"
    assert said.buttons == [{"title": "Nurse", "payload": '/ask_role_info{"role":"nurse"}'}]
