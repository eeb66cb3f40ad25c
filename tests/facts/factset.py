"""The fact test set (questions.yml): reading it, and checking a reply against a question."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

QUESTIONS = Path(__file__).with_name("questions.yml")
DATED = "as of "


@dataclass(frozen=True)
class Question:
    say: str
    intent: str
    day: date
    entities: dict[str, str] = field(default_factory=dict)
    slots: dict[str, Any] = field(default_factory=dict)
    before: tuple[str, ...] = ()
    must: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    dated: bool = True

    @property
    def label(self) -> str:
        return f"{self.day} {self.say}"


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    default_day = data["default_date"]
    return [
        Question(
            say=item["say"], intent=item["intent"], day=item.get("date", default_day),
            entities={k: str(v) for k, v in (item.get("entities") or {}).items()},
            slots=dict(item.get("slots") or {}), before=tuple(item.get("before") or ()),
            must=tuple(item.get("must") or ()), must_not=tuple(item.get("must_not") or ()),
            dated=item.get("dated", True),
        )
        for item in data["questions"]
    ]


def problems(question: Question, reply: str) -> list[str]:
    """What is wrong with `reply` for `question` (an empty list when it is right)."""
    found = reply.lower()
    wrong = [f"missing {words!r}" for words in question.must if words.lower() not in found]
    wrong += [f"should not say {words!r}" for words in question.must_not
              if words.lower() in found]
    if question.dated and DATED not in found:
        wrong.append("no 'as of <month year>, <source>'")
    if "third-party" in found:
        wrong.append("says an internal note ('third-party')")
    return wrong


def days(questions: list[Question]) -> list[date]:
    return sorted({question.day for question in questions})
