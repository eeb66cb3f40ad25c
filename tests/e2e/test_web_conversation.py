"""A conversation through the web app's /api/chat with the real Rasa and action servers."""

from __future__ import annotations

import httpx
import pytest

from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


@pytest.fixture
def web(rasa_stack: Stack):
    with httpx.Client(base_url=rasa_stack.web_url, timeout=60) as client:
        yield client


def say(client: httpx.Client, text: str) -> list[dict]:
    response = client.post("/api/chat", json={"message": text})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def press(client: httpx.Client, message: dict, title: str) -> list[dict]:
    button = next(b for b in message["buttons"] if b["title"] == title)
    response = client.post("/api/chat", json={"button": button["payload"]})
    assert response.status_code == 200, response.text
    return response.json()["messages"]


def text_of(messages: list[dict]) -> str:
    return "\n".join(m["text"] or "" for m in messages)


def test_health_is_ok_when_everything_runs(web: httpx.Client) -> None:
    assert web.get("/healthz").json() == {"status": "ok", "database": "ok", "rasa": "ok"}


def test_a_careers_conversation_keeps_the_role_in_context(web: httpx.Client) -> None:
    greeting = say(web, "hiya")
    assert "health and social care" in text_of(greeting)
    info = say(web, "what does a healthcare assistant do")
    assert "Healthcare assistant" in text_of(info)
    pay = say(web, "and how much does that pay")
    assert "band" in text_of(pay).lower() and "as of" in text_of(pay)
    after = press(web, info[0], "What comes next")
    assert text_of(after).startswith("After healthcare assistant")


def test_a_personal_route_up_the_ladder(web: httpx.Client) -> None:
    route = say(web, "im a carer, how do i become a nurse")
    text = text_of(route)
    assert "to registered nurse" in text
    assert "Level 6" in text or "level 6" in text


def test_a_faq_is_answered_by_the_response_selector(web: httpx.Client) -> None:
    answer = text_of(say(web, "do i need a dbs check to work in care"))
    assert "DBS" in answer


def test_out_of_scope_gets_an_honest_answer(web: httpx.Client) -> None:
    answer = text_of(say(web, "who won the football last night"))
    assert "health and social care" in answer
