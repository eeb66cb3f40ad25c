"""Ask the fact questions through the web chat of a running stack, one conversation each."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date

import httpx

from bench.webchat import visitor_headers
from tests.facts.factset import Question

# The web chat limits how many new conversations one address starts a minute. Each question
# is asked by a new person with their own address (the shared stack trusts the proxy header,
# as production does), so the set never uses up 127.0.0.1's, which the browser tests after it
# chat from. A 429 is still waited out as its Retry-After asks, as the chat page would.
RATE_LIMIT_RETRIES = 3


def say(client: httpx.Client, text: str) -> str:
    response = client.post("/api/chat", json={"message": text})
    for _ in range(RATE_LIMIT_RETRIES):
        if response.status_code != 429:
            break
        time.sleep(min(int(response.headers.get("Retry-After", "5")), 65))
        response = client.post("/api/chat", json={"message": text})
    response.raise_for_status()
    return "\n".join(m.get("text") or "" for m in response.json()["messages"])


def ask(web_url: str, question: Question) -> str:
    """Start a new conversation, send the earlier messages, and return the last reply."""
    with httpx.Client(base_url=web_url, timeout=60, headers=visitor_headers()) as client:
        for text in question.before:
            say(client, text)
        return say(client, question.say)


def by_day(questions: list[Question]) -> list[Question]:
    """The questions in day order, so that the action server restarts once per day."""
    return sorted(questions, key=lambda question: question.day)


class DayChanger:
    """Calls `restart(day)` when a question is on a different day from the one before."""

    def __init__(self, restart: Callable[[date | None], None]) -> None:
        self.restart = restart
        self.day: date | None = None

    def use(self, day: date) -> None:
        if day != self.day:
            self.restart(day)
            self.day = day
