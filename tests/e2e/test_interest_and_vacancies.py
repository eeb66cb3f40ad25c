"""Vacancy search, the interest form and erasure through /api/chat with the real servers."""

from __future__ import annotations

import httpx
import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from carecareers.models import Consent, Lead
from tests.e2e.conftest import Stack
from tests.e2e.test_web_conversation import press, say, text_of

pytestmark = pytest.mark.e2e


@pytest.fixture
def web(rasa_stack: Stack):
    with httpx.Client(base_url=rasa_stack.web_url, timeout=60) as client:
        yield client


def leads(stack: Stack) -> list[Lead]:
    engine = create_engine(stack.settings.database_url)
    with Session(engine) as session:
        found = list(session.scalars(select(Lead)))
        for lead in found:
            _ = lead.consents
    engine.dispose()
    return found


def tracker_events(stack: Stack, sender_like: str = "web-%") -> int:
    engine = create_engine(stack.settings.tracker_store_url)
    with engine.connect() as connection:
        count = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id LIKE :s"), {"s": sender_like}
        ).scalar_one()
    engine.dispose()
    return int(count)


def test_jobs_near_me_asks_where_then_shows_cards(web: httpx.Client) -> None:
    asked = say(web, "any care jobs near me")
    assert "postcode" in text_of(asked).lower()
    found = say(web, "ST4")
    cards = [m["custom"] for m in found if m.get("custom")]
    assert 1 <= len(cards) <= 3
    assert all(card["apply_url"].startswith("http") for card in cards)
    last = found[-1]
    assert any(b["title"] == "Contact me" for b in last["buttons"])


def test_the_interest_form_records_one_lead_with_corrections(rasa_stack: Stack,
                                                              web: httpx.Client) -> None:
    before = len(leads(rasa_stack))
    assert "first name" in text_of(say(web, "can someone contact me"))
    assert "old" in text_of(say(web, "Jordan"))
    method = say(web, "18")
    assert "contact you" in text_of(method)
    assert "email" in text_of(press(web, method[-1], "Email")).lower()
    assert "email address" in text_of(say(web, "not an email")).lower()
    assert "postcode" in text_of(say(web, "jordan@example.org")).lower()
    interest = say(web, "ST4 6QG")
    summary = press(web, interest[-1], "Apprenticeships")
    assert "Jordan" in text_of(summary) and "jordan@example.org" in text_of(summary)
    again = press(web, summary[-1], "Change name")
    assert "first name" in text_of(again)
    summary = say(web, "Jordy")
    assert "Jordy" in text_of(summary)
    consent = press(web, summary[-1], "Looks right")
    assert "/privacy" in text_of(consent)
    done = press(web, consent[-1], "Yes, I agree")
    assert "Thanks Jordy" in text_of(done)
    stored = leads(rasa_stack)
    assert len(stored) == before + 1
    lead = next(lead for lead in stored if lead.email == "jordan@example.org")
    assert (lead.first_name, lead.age, lead.outcode) == ("Jordy", 18, "ST4")
    assert lead.consents and isinstance(lead.consents[0], Consent)
    for log in rasa_stack.logs.glob("*.log"):  # no personal data in any process's log
        text = log.read_text(errors="replace")
        assert "jordan@example.org" not in text and "Jordy" not in text, log.name


def test_stop_leaves_the_form_and_stores_nothing(rasa_stack: Stack, web: httpx.Client) -> None:
    before = len(leads(rasa_stack))
    say(web, "i want to apply")
    say(web, "Casey")
    assert "nothing has been saved" in text_of(say(web, "stop")).lower()
    assert len(leads(rasa_stack)) == before


def test_under_16_is_helped_and_nothing_is_stored(rasa_stack: Stack, web: httpx.Client) -> None:
    before = len(leads(rasa_stack))
    say(web, "i want to register my interest")
    say(web, "Alex")
    reply = text_of(say(web, "14"))
    assert "National Careers Service" in reply
    assert len(leads(rasa_stack)) == before


def test_delete_my_details_erases_the_lead_and_the_conversation(rasa_stack: Stack,
                                                                 web: httpx.Client) -> None:
    say(web, "contact me please")
    say(web, "Robin")
    method = say(web, "25")
    press(web, method[-1], "Phone")
    say(web, "07700 900123")
    interest = say(web, "ST16")
    summary = press(web, interest[-1], "Not sure yet")
    consent = press(web, summary[-1], "Looks right")
    press(web, consent[-1], "Yes, I agree")
    assert any(lead.phone == "07700 900123" for lead in leads(rasa_stack))
    cookie = web.cookies.get("cc_chat")
    sender = URLSafeSerializer(rasa_stack.settings.secret_key, salt="web-chat-session").loads(
        cookie)["s"]
    assert tracker_events(rasa_stack, sender) > 0
    confirm = say(web, "delete my details")
    done = press(web, confirm[-1], "Yes, delete")
    assert "deleted" in text_of(done)
    assert not any(lead.phone == "07700 900123" for lead in leads(rasa_stack))
    assert tracker_events(rasa_stack, sender) == 0
    assert web.cookies.get("cc_chat") != cookie  # a new, empty conversation from here on
