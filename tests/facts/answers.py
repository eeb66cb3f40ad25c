"""Answer the fact questions through the careers reply functions, with a fixed day."""

from __future__ import annotations

from carecareers.careers.content import load_content
from carecareers.careers.turns import REPLIES, Turn
from carecareers.settings import PROJECT_ROOT
from tests.facts.factset import Question, problems


def answer(question: Question) -> str:
    """The reply the careers actions give to `question` on its day."""
    content = load_content(PROJECT_ROOT / "content")
    turn = Turn(text=question.say, day=question.day, entities=question.entities,
                slots=question.slots)
    return REPLIES[question.intent](content, turn).answer.text


def score(questions: list[Question]) -> tuple[int, list[tuple[Question, list[str]]]]:
    """How many questions get a right answer, and what is wrong with the others."""
    failures = [(q, wrong) for q in questions if (wrong := problems(q, answer(q)))]
    return len(questions) - len(failures), failures
