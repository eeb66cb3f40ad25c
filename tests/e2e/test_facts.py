"""The fact test set through the real stack: web chat, Rasa's model and the action server.

The day of each question reaches the action server as CARECAREERS_TODAY (honoured in
development and tests only): the server is restarted once per day in the set, and once
more at the end without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from carecareers.runtime.processes import action_server_spec, stop, wait_ready
from tests.e2e.conftest import Stack, start_logged
from tests.facts.chat import DayChanger, ask, by_day
from tests.facts.factset import Question, load_questions, problems

pytestmark = pytest.mark.e2e

QUESTIONS = by_day(load_questions())


def restart_actions(stack: Stack, day: date | None) -> None:
    """Restart the action server on its port, on `day` (None: the real day)."""
    running = stack.processes["actions"]
    stop(running)
    env = {k: v for k, v in stack.env.items() if k != "CARECAREERS_TODAY"}
    if day is not None:
        env["CARECAREERS_TODAY"] = day.isoformat()
    started = start_logged(action_server_spec(running.spec.port), env, stack.logs)
    stack.processes["actions"] = started
    wait_ready(started)


@pytest.fixture(scope="module")
def days(rasa_stack: Stack) -> Iterator[DayChanger]:
    changer = DayChanger(lambda day: restart_actions(rasa_stack, day))
    yield changer
    restart_actions(rasa_stack, None)


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.label[:60] for q in QUESTIONS])
def test_every_fact_is_right_through_the_stack(rasa_stack: Stack, days: DayChanger,
                                               question: Question) -> None:
    days.use(question.day)
    reply = ask(rasa_stack.web_url, question)
    assert problems(question, reply) == [], reply
