"""Answer the fact questions with a fixed day: careers questions through the careers reply
functions, FAQ questions (`faq/<name>`) with their response in domain/faq.yml."""

from __future__ import annotations

from functools import lru_cache

import yaml

from carecareers.careers.content import load_content
from carecareers.careers.turns import REPLIES, Turn
from carecareers.settings import PROJECT_ROOT
from tests.facts.factset import Question, problems

FAQ = "faq/"


@lru_cache(maxsize=1)
def faq_responses() -> dict[str, str]:
    """The text of each `utter_faq/<name>` response, by `faq/<name>`."""
    domain = yaml.safe_load((PROJECT_ROOT / "domain" / "faq.yml").read_text(encoding="utf-8"))
    return {name.removeprefix("utter_"): variants[0]["text"]
            for name, variants in domain["responses"].items()}


def answer(question: Question) -> str:
    """The reply the careers actions (or the FAQ response) give to `question` on its day."""
    if question.intent.startswith(FAQ):
        return faq_responses()[question.intent]
    content = load_content(PROJECT_ROOT / "content")
    turn = Turn(text=question.say, day=question.day, entities=question.entities,
                slots=question.slots)
    return REPLIES[question.intent](content, turn).answer.text


def score(questions: list[Question]) -> tuple[int, list[tuple[Question, list[str]]]]:
    """How many questions get a right answer, and what is wrong with the others."""
    failures = [(q, wrong) for q in questions if (wrong := problems(q, answer(q)))]
    return len(questions) - len(failures), failures
