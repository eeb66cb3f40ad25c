"""The fact test set through the careers reply functions, with each question's fixed day."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from carecareers.settings import PROJECT_ROOT
from tests.facts.answers import answer
from tests.facts.factset import Question, days, load_questions, problems

QUESTIONS = load_questions()
ANNOTATION = re.compile(r"\[([^\]]+)\]\([^)]+\)")


def words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9£.]+", ANNOTATION.sub(r"\1", text).lower()))


def training_examples() -> set[str]:
    found: set[str] = set()
    for path in Path(PROJECT_ROOT / "nlu").glob("*.yml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip().startswith("- "):
                found.add(words(line.strip()[2:]))
    return found


def test_the_set_is_big_varied_and_not_copied_from_the_training_data() -> None:
    assert len(QUESTIONS) >= 80
    assert len(days(QUESTIONS)) >= 4
    ages = {q.entities["age"] for q in QUESTIONS if "age" in q.entities}
    assert {"14", "15", "16", "17", "18", "19", "20", "21"} <= ages
    assert len({q.say for q in QUESTIONS}) == len(QUESTIONS)
    copied = [q.say for q in QUESTIONS if words(q.say) in training_examples()]
    assert copied == []


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.label[:60] for q in QUESTIONS])
def test_every_answer_is_right(question: Question) -> None:
    reply = answer(question)
    assert problems(question, reply) == [], reply
