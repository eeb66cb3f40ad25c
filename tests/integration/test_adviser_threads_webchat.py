"""Adviser messages to web chat visitors: the rules, shown once in the same browser, emailed."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session

from carecareers.clock import Clock
from carecareers.conversation.relay import Relay
from carecareers.delivery.outbox import suppress
from carecareers.leads.erasure import erase_person, purge_expired
from carecareers.models import AdviserThread, AuditEvent, Lead, OutboxMessage, ThreadMessage
from carecareers.threads import NotAllowed, TooManyMessages, send_message
from carecareers.threads.rules import PER_LEAD_PER_HOUR
from carecareers.threads.web import EMAIL_KIND, MESSAGE_HEADER, take_unseen
from tests.conftest import make_settings
from tests.factories import RETENTION, Dashboard, dashboard, make_adviser, make_lead, make_provider
from tests.support.fake_rasa import FakeRasa, echo
from tests.support.sessions import rolled_back
from web.session import COOKIE_NAME, _serializer

NOW = datetime(2027, 5, 1, 10, tzinfo=timezone.utc)
TEAM = "the Care Careers Partnership"


@pytest.fixture
def db(engine: Engine) -> Iterator[tuple[Connection, Session]]:
    with rolled_back(engine) as pair:
        yield pair


def web_lead(session: Session, name: str = "Ola", sender: str = "web-" + "a1" * 16,
             **values: object) -> Lead:
    fields: dict[str, object] = {"sender_id": sender, "channel": "web",
                                 "contact_method": "email", "phone": None,
                                 "email": "ola@example.net", "created_at": NOW,
                                 "last_activity_at": NOW}
    fields.update(values)
    return make_lead(session, name, **fields)


def emails(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == EMAIL_KIND).order_by(OutboxMessage.id)))


def test_a_web_lead_gets_the_message_waiting_and_by_email(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = web_lead(session)
    message = send_message(session, lead, make_adviser(session, "priya.shah@example.org"),
                           "Hi Ola, shall we talk about the open day?", TEAM, NOW)
    assert message.state == "waiting" and lead.thread is not None
    [email] = emails(session)
    assert (email.channel, email.address, email.status) == ("email", "ola@example.net",
                                                           "pending")
    assert email.subject == f"A message from Priya at {TEAM}"
    assert "Priya at the Care Careers Partnership wrote" in email.body
    assert "shall we talk about the open day?" in email.body
    assert email.headers[MESSAGE_HEADER] == str(message.id)
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "thread.message_written")).all()
    assert len(audit) == 1 and "open day" not in str(audit[0].detail)


def test_no_email_without_an_email_consent(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = web_lead(session, contact_method="phone", phone="07700 900123")
    message = send_message(session, lead, make_adviser(session), "Hello", TEAM, NOW)
    assert message.state == "waiting" and emails(session) == []


def test_asking_for_a_person_lets_an_adviser_write(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = web_lead(session, contact_method="phone", phone="07700 900124",
                    wants_callback=True)
    assert send_message(session, lead, make_adviser(session), "Hi", TEAM, NOW).state == (
        "waiting")


@pytest.mark.parametrize("change, reason", [
    ({"age": 15, "age_band": "under_16"}, "under 16"),
    ({"status": "withdrawn"}, "withdrew"),
    ({"consent": False}, "did not agree to be contacted"),
    ({"sender_id": "test-web-lead"}, "did not come through Telegram or the web chat"),
])
def test_the_same_safeguards_as_telegram(db: tuple[Connection, Session],
                                          change: dict[str, object], reason: str) -> None:
    _, session = db
    lead = web_lead(session, **change)
    with pytest.raises(NotAllowed, match=reason):
        send_message(session, lead, make_adviser(session), "Hello", TEAM, NOW)
    assert session.scalar(select(ThreadMessage.id)) is None and emails(session) == []


def test_a_provider_writes_only_to_leads_routed_to_them(db: tuple[Connection, Session]) -> None:
    _, session = db
    mine, other = make_provider(session, "HOSPICE", "Dove Hospice"), make_provider(
        session, "HOME", "Elm House")
    lead = web_lead(session, providers=[mine])
    with pytest.raises(NotAllowed, match="not routed"):
        send_message(session, lead, make_adviser(session, role="provider", provider=other),
                     "Hello", TEAM, NOW)
    recruiter = make_adviser(session, role="provider", provider=mine)
    message = send_message(session, lead, recruiter, "Hello", TEAM, NOW)
    assert message.organisation == "Dove Hospice"


def test_the_flood_limit_holds_for_web_leads(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead, adviser = web_lead(session), make_adviser(session)
    for n in range(PER_LEAD_PER_HOUR):
        send_message(session, lead, adviser, f"message {n}", TEAM, NOW)
    with pytest.raises(TooManyMessages):
        send_message(session, lead, adviser, "one too many", TEAM, NOW)
    assert len(emails(session)) == PER_LEAD_PER_HOUR


def test_opening_the_chat_shows_each_message_once(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = web_lead(session)
    adviser = make_adviser(session, "priya.shah@example.org")
    send_message(session, lead, adviser, "first", TEAM, NOW)
    send_message(session, lead, adviser, "second", TEAM, NOW)
    assert take_unseen(session, "web-someone-else", NOW) == []
    shown = take_unseen(session, lead.sender_id, NOW)
    assert [(s.name, s.organisation, s.text) for s in shown] == [
        ("Priya", TEAM, "first"), ("Priya", TEAM, "second")]
    assert shown[0].as_dict() == {"from": "adviser", "by": f"Priya at {TEAM}",
                                  "text": "first"}
    assert take_unseen(session, lead.sender_id, NOW) == []
    session.expire_all()
    states = session.scalars(select(ThreadMessage.state)).all()
    assert states == ["seen", "seen"]


def test_a_withdrawn_person_is_not_shown_what_waited(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = web_lead(session)
    send_message(session, lead, make_adviser(session), "hello", TEAM, NOW)
    lead.status = "withdrawn"
    session.flush()
    assert take_unseen(session, lead.sender_id, NOW) == []


def test_a_suppressed_address_is_not_emailed(db: tuple[Connection, Session]) -> None:
    _, session = db
    suppress(session, "email", "ola@example.net", "bounced", NOW)
    send_message(session, web_lead(session), make_adviser(session), "hello", TEAM, NOW)
    [email] = emails(session)
    assert email.status == "failed"


def test_erasure_removes_the_thread_and_the_queued_email(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = web_lead(session)
    send_message(session, lead, make_adviser(session), "hello", TEAM, NOW)
    erase_person(session, actor="test", via="test", sender_id=lead.sender_id)
    session.flush()
    assert session.scalar(select(ThreadMessage.id)) is None and emails(session) == []


# The web route, and the lead page


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    settings = make_settings(tmp_path, adviser_organisation="Stoke Care Careers")
    with dashboard(engine, settings) as harness:
        harness.adviser = make_adviser(harness.session, "priya.shah@example.org")  # type: ignore[attr-defined]
        harness.log_in_as(harness.adviser)  # type: ignore[attr-defined]
        yield harness


def visitor(dash: Dashboard) -> tuple[TestClient, str]:
    """A browser that opened the web chat, and the sender id its cookie holds."""
    browser = TestClient(dash.client.app)
    assert browser.get("/chat").status_code == 200
    secret = dash.client.app.state.settings.secret_key  # type: ignore[attr-defined]
    return browser, _serializer(secret).loads(browser.cookies[COOKIE_NAME])["s"]


def opened(browser: TestClient, in_this_tab: bool = True) -> list[dict[str, str]]:
    """What the chat page shows on opening (in the tab that holds the conversation)."""
    answer = browser.post("/api/chat/adviser-messages", json={"in_this_tab": in_this_tab})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    return answer.json()["messages"]


def test_the_same_browser_sees_the_message_once(dash: Dashboard) -> None:
    browser, sender = visitor(dash)
    lead = web_lead(dash.session, sender=sender)
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert 'id="compose"' in page and "Messages in the web chat" in page
    assert "we email it to them" in page
    answer = dash.post(f"/advisers/leads/{lead.id}/messages", {"text": "See you Tuesday?"})
    assert answer.status_code == 303
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert 'data-state="waiting"' in page and "Waiting for them to open the chat" in page
    assert "Email waiting to send" in page
    other, _ = visitor(dash)
    assert opened(other) == []
    assert opened(TestClient(dash.client.app)) == []  # no cookie: nothing
    [shown] = opened(browser)
    assert {k: shown[k] for k in ("from", "by", "text")} == {
        "from": "adviser", "by": "Priya at Stoke Care Careers", "text": "See you Tuesday?"}
    assert [b["title"] for b in shown["buttons"]] == ["Talk to the assistant again",
                                                      "End chat with adviser"]
    assert opened(browser) == []
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert 'data-state="seen"' in page and "Shown in their web chat" in page


def test_a_shared_browser_asks_before_showing_the_last_persons_adviser_message(
        dash: Dashboard) -> None:
    """The chat cookie lasts 30 days: on a school's or food bank's browser the next person
    opens the chat in a new tab. They are asked first, and never shown the message."""
    browser, sender = visitor(dash)
    lead = web_lead(dash.session, sender=sender)
    assert dash.post(f"/advisers/leads/{lead.id}/messages",
                     {"text": "See you Tuesday?"}).status_code == 303
    answer = browser.post("/api/chat/adviser-messages", json={})
    assert answer.status_code == 200 and answer.json() == {"messages": [], "ask": True}
    assert "Tuesday" not in answer.text and "Priya" not in answer.text
    # The next person says it isn't them: a new conversation, the message still waits.
    returning = TestClient(dash.client.app, cookies={COOKIE_NAME: browser.cookies[COOKIE_NAME]})
    fresh = browser.post("/api/chat/adviser-messages", json={"not_me": True})
    assert fresh.json() == {"messages": [], "restart": True}
    secret = dash.client.app.state.settings.secret_key  # type: ignore[attr-defined]
    assert _serializer(secret).loads(browser.cookies[COOKIE_NAME])["s"] != sender
    assert opened(browser, in_this_tab=False) == [] and opened(browser) == []
    # The person it was for comes back (their cookie) and says it is them: shown, once.
    assert returning.post("/api/chat/adviser-messages", json={}).json()["ask"] is True
    shown = returning.post("/api/chat/adviser-messages", json={"show": True}).json()
    assert [m["text"] for m in shown["messages"]] == ["See you Tuesday?"]
    assert opened(returning, in_this_tab=False) == []


def test_the_route_wants_json(dash: Dashboard) -> None:
    browser, _ = visitor(dash)
    assert browser.post("/api/chat/adviser-messages", content=b"x").status_code == 415


def test_the_lead_page_explains_when_a_web_lead_cannot_be_written_to(dash: Dashboard) -> None:
    lead = web_lead(dash.session, age=15, age_band="under_16")
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert 'id="compose"' not in page and "under 16" in page
    phone_lead = web_lead(dash.session, "Kemi", sender="web-" + "b2" * 16,
                          contact_method="phone", phone="07700 900125", email=None)
    page = dash.client.get(f"/advisers/leads/{phone_lead.id}").text
    assert 'id="compose"' in page and "it is not emailed" in page


def test_retention_removes_the_thread_and_the_queued_email(db: tuple[Connection, Session],
                                                            tmp_path: Path) -> None:
    _, session = db
    lead = web_lead(session)
    send_message(session, lead, make_adviser(session), "hello", TEAM, NOW)
    kept = web_lead(session, "Kemi", sender="web-" + "c3" * 16, email="kemi@example.net",
                    created_at=NOW + timedelta(days=390),
                    last_activity_at=NOW + timedelta(days=390))
    send_message(session, kept, make_adviser(session), "still here", TEAM, NOW)
    purge_expired(session, f"sqlite:///{tmp_path / 'tracker.db'}",
                  RETENTION, now=NOW + timedelta(days=400))
    session.flush()
    assert session.scalars(select(ThreadMessage.text)).all() == ["still here"]
    assert [e.address for e in emails(session)] == ["kemi@example.net"]


def test_no_message_text_in_logs(db: tuple[Connection, Session],
                                 caplog: pytest.LogCaptureFixture) -> None:
    _, session = db
    caplog.set_level(logging.DEBUG)
    lead = web_lead(session)
    send_message(session, lead, make_adviser(session), "Meet me at the Hanley open day", TEAM,
                 NOW)
    take_unseen(session, lead.sender_id, NOW)
    assert "Hanley" not in caplog.text and "ola@example.net" not in caplog.text


def test_a_visitor_replies_into_the_thread_and_goes_back_to_the_assistant(
        dash: Dashboard, tmp_path: Path) -> None:
    app = dash.client.app
    rasa = FakeRasa(echo)
    app.state.relay = Relay(rasa.client(), f"sqlite:///{tmp_path / 'tracker.db'}",  # type: ignore[attr-defined]
                            app.state.session_factory,  # type: ignore[attr-defined]
                            "https://care.example.org", clock=Clock())
    browser, sender = visitor(dash)
    lead = web_lead(dash.session, sender=sender)
    dash.post(f"/advisers/leads/{lead.id}/messages", {"text": "See you Tuesday?"})
    [shown] = opened(browser)

    answer = browser.post("/api/chat", json={"message": "Tuesday works, after school"})
    assert answer.status_code == 200 and rasa.requests == []  # the assistant stays quiet
    [passed_on] = answer.json()["messages"]
    assert "passed that on to the adviser" in passed_on["text"]
    assert [b["title"] for b in passed_on["buttons"]] == [b["title"] for b in shown["buttons"]]
    session = dash.fresh()
    assert session.scalars(select(ThreadMessage.text).where(
        ThreadMessage.direction == "from_person")).all() == ["Tuesday works, after school"]
    [notice] = session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "thread_reply_notice")).all()
    assert notice.address == "priya.shah@example.org"
    assert f"https://care.example.org/advisers/leads/{lead.id}" in notice.body
    assert "Tuesday" not in notice.body
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert "Tuesday works, after school" in page

    ended = browser.post("/api/chat", json={"button": shown["buttons"][0]["payload"]})
    assert "talking to the assistant again" in ended.json()["messages"][0]["text"]
    assert dash.fresh().scalar(select(AdviserThread.status)) == "closed"
    assert rasa.requests == []
    browser.post("/api/chat", json={"message": "what does a nurse earn"})
    assert rasa.messages == ["what does a nurse earn"]


def test_without_an_open_thread_what_a_visitor_types_goes_to_the_assistant(
        dash: Dashboard, tmp_path: Path) -> None:
    app = dash.client.app
    rasa = FakeRasa(echo)
    app.state.relay = Relay(rasa.client(), f"sqlite:///{tmp_path / 'tracker.db'}",  # type: ignore[attr-defined]
                            app.state.session_factory,  # type: ignore[attr-defined]
                            clock=Clock())
    browser, sender = visitor(dash)
    web_lead(dash.session, sender=sender)
    dash.session.flush()
    answer = browser.post("/api/chat", json={"message": "any jobs in Leek"})
    assert answer.json()["messages"][0]["text"] == "echo: any jobs in Leek"
    assert dash.fresh().scalars(select(ThreadMessage)).all() == []
