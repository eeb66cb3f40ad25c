"""'Nothing will be saved' is true of Rasa's tracker store too, through the real servers."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import create_engine, text

from tests.e2e.conftest import Stack
from tests.e2e.test_web_conversation import press, say, text_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def web(rasa_stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=rasa_stack.web_url, timeout=60) as client:
        yield client


def sender_of(stack: Stack, web: httpx.Client) -> str:
    cookie = web.cookies.get("cc_chat")
    return str(URLSafeSerializer(stack.settings.secret_key, salt="web-chat-session").loads(
        cookie)["s"])


def tracker_holds(stack: Stack, sender: str, typed: str) -> int:
    """How many of the conversation's stored events contain `typed` (case-sensitively)."""
    engine = create_engine(stack.settings.tracker_store_url)
    with engine.connect() as connection:
        rows = connection.execute(text(
            "SELECT data FROM events WHERE sender_id = :s"), {"s": sender}).scalars().all()
    engine.dispose()
    return sum(typed in (data or "") for data in rows)


def up_to_the_consent_question(web: httpx.Client, name: str, email: str) -> list[dict]:
    assert "first name" in text_of(say(web, "can someone contact me"))
    say(web, name)
    method = say(web, "19")
    press(web, method[-1], "Email")
    interest = say(web, email)
    interest = say(web, "ST4 6QG")
    summary = press(web, interest[-1], "Apprenticeships")
    assert email in text_of(summary)
    consent = press(web, summary[-1], "Looks right")
    assert "/privacy" in text_of(consent)
    return consent


def test_a_refused_consent_leaves_no_typed_details(rasa_stack: Stack, web: httpx.Client) -> None:
    email = "refuser.private@example.org"
    consent = up_to_the_consent_question(web, "Jordan", email)
    sender = sender_of(rasa_stack, web)
    assert tracker_holds(rasa_stack, sender, email) > 0  # it was there while being asked
    assert "haven't saved" in text_of(press(web, consent[-1], "No thanks"))
    assert tracker_holds(rasa_stack, sender, email) == 0
    assert tracker_holds(rasa_stack, sender, '"Jordan"') == 0
    # the conversation goes on as before
    assert text_of(say(web, "what does a healthcare assistant do")).strip()


def test_a_stopped_form_leaves_no_typed_details(rasa_stack: Stack, web: httpx.Client) -> None:
    email = "morgan.private@example.org"
    assert "first name" in text_of(say(web, "i want to apply"))
    say(web, "Sasha")
    method = say(web, "22")
    press(web, method[-1], "Email")
    say(web, email)
    assert "nothing has been saved" in text_of(say(web, "stop")).lower()
    sender = sender_of(rasa_stack, web)
    assert tracker_holds(rasa_stack, sender, email) == 0
    assert tracker_holds(rasa_stack, sender, '"Sasha"') == 0


def test_an_under_16_answer_leaves_no_typed_details(rasa_stack: Stack,
                                                    web: httpx.Client) -> None:
    assert "first name" in text_of(say(web, "i want to register my interest"))
    say(web, "Jordan")
    assert "National Careers Service" in text_of(say(web, "14"))
    sender = sender_of(rasa_stack, web)
    assert tracker_holds(rasa_stack, sender, '"Jordan"') == 0
    assert tracker_holds(rasa_stack, sender, '"14"') == 0


def test_a_replayed_looks_right_cannot_give_consent(rasa_stack: Stack,
                                                   web: httpx.Client) -> None:
    assert "first name" in text_of(say(web, "contact me please"))
    say(web, "Sasha")
    method = say(web, "19")
    press(web, method[-1], "Email")
    say(web, "sasha.replay@example.org")
    interest = say(web, "ST4 6QG")
    summary = press(web, interest[-1], "Apprenticeships")
    looks_right = next(b["payload"] for b in summary[-1]["buttons"] if b["title"] == "Looks right")
    first = web.post("/api/chat", json={"button": looks_right})
    assert "/privacy" in text_of(first.json()["messages"])  # the consent question is asked
    replay = web.post("/api/chat", json={"button": looks_right})  # a double tap or a retry
    assert replay.status_code == 422
    typed_ok = say(web, "ok")  # an affirm-like word is not consent either
    assert "Thanks Sasha" not in text_of(typed_ok)
    engine = create_engine(rasa_stack.settings.database_url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM leads WHERE email = :e"),
                                    {"e": "sasha.replay@example.org"}).scalar_one()
    engine.dispose()
    assert stored == 0
