"""Adviser conversations on the dashboard: the thread on the lead page, writing, unread counts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from carecareers.models import AuditEvent, Lead, ThreadMessage
from carecareers.threads import record_reply
from carecareers.threads.rules import PER_LEAD_PER_HOUR
from tests.conftest import make_settings
from tests.factories import Dashboard, dashboard, make_adviser, make_lead, make_provider


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    settings = make_settings(tmp_path, adviser_organisation="Stoke Care Careers")
    with dashboard(engine, settings) as harness:
        harness.adviser = make_adviser(harness.session, "priya.shah@example.org")  # type: ignore[attr-defined]
        harness.log_in_as(harness.adviser)  # type: ignore[attr-defined]
        yield harness


def telegram_lead(dash: Dashboard, name: str = "Jade", **values: object) -> Lead:
    fields: dict[str, object] = {"channel": "telegram", "contact_method": "telegram",
                                 "phone": None, "chat_account": "@jade_x",
                                 "chat": "5550001"}
    fields.update(values)
    return make_lead(dash.session, name, **fields)


def messages(dash: Dashboard) -> list[ThreadMessage]:
    return list(dash.fresh().scalars(select(ThreadMessage).order_by(ThreadMessage.id)))


def test_an_adviser_writes_from_the_lead_page(dash: Dashboard) -> None:
    lead = telegram_lead(dash)
    page = dash.client.get(f"/advisers/leads/{lead.id}")
    assert 'id="compose"' in page.text and "No messages yet." in page.text
    answer = dash.post(f"/advisers/leads/{lead.id}/messages",
                       {"text": "Hi Jade, it's Priya. Want to visit a care home?"},
                       token=dash.token(f"/advisers/leads/{lead.id}"))
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/advisers/leads/{lead.id}?done=message#thread"
    [message] = messages(dash)
    assert (message.sender_name, message.organisation, message.state) == (
        "Priya", "Stoke Care Careers", "pending")
    page = dash.client.get(answer.headers["location"])
    assert "Want to visit a care home?" in page.text
    assert 'data-state="pending"' in page.text and "Waiting to send" in page.text
    audit = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "thread.message_written")).all()
    assert [a.actor for a in audit] == ["priya.shah@example.org"]


def test_the_thread_shows_newest_last_with_delivery_states(dash: Dashboard) -> None:
    lead = telegram_lead(dash)
    for text in ("first from us", "second from us"):
        assert dash.post(f"/advisers/leads/{lead.id}/messages", {"text": text}).status_code == 303
    first, second = messages(dash)
    first.state, second.state = "sent", "blocked"
    record_reply(dash.session, lead.sender_id, "a reply from Jade", dash.clock.now())
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert page.index("first from us") < page.index("second from us") < page.index(
        "a reply from Jade")
    assert "Not delivered: they blocked the bot" in page and ">Sent<" in page


def test_no_compose_form_where_the_adviser_may_not_write(dash: Dashboard) -> None:
    web_lead = make_lead(dash.session, "Ola")  # came through the web chat, phone consent
    page = dash.client.get(f"/advisers/leads/{web_lead.id}").text
    assert 'id="compose"' not in page and "did not come through Telegram" in page
    answer = dash.post(f"/advisers/leads/{web_lead.id}/messages", {"text": "Hi"})
    assert answer.status_code == 400 and "did not come through Telegram" in answer.text
    assert messages(dash) == []


def test_under_16s_cannot_be_messaged(dash: Dashboard) -> None:
    young = telegram_lead(dash, "Kai", age=15, age_band="under_16")
    answer = dash.post(f"/advisers/leads/{young.id}/messages", {"text": "Hi"})
    assert answer.status_code == 400 and "under 16" in answer.text
    assert messages(dash) == []


def test_empty_messages_and_floods_get_clear_answers(dash: Dashboard) -> None:
    lead = telegram_lead(dash)
    empty = dash.post(f"/advisers/leads/{lead.id}/messages", {"text": "   "})
    assert empty.status_code == 400 and "Write a message first." in empty.text
    for n in range(PER_LEAD_PER_HOUR):
        assert dash.post(f"/advisers/leads/{lead.id}/messages",
                         {"text": f"note {n}"}).status_code == 303
    flood = dash.post(f"/advisers/leads/{lead.id}/messages", {"text": "one more"})
    assert flood.status_code == 429 and "in the last hour" in flood.text
    assert "one more" in flood.text  # what they wrote is kept in the form
    assert len(messages(dash)) == PER_LEAD_PER_HOUR


def test_a_message_needs_the_csrf_token(dash: Dashboard) -> None:
    lead = telegram_lead(dash)
    answer = dash.post(f"/advisers/leads/{lead.id}/messages", {"text": "Hi"}, token="forged")
    assert answer.status_code == 403 and messages(dash) == []


def test_provider_users_see_and_write_only_to_their_routed_leads(dash: Dashboard,
                                                                 ) -> None:
    ours, theirs = make_provider(dash.session, "OURS"), make_provider(dash.session, "THEIRS")
    mine = telegram_lead(dash, "Mia", providers=[ours])
    other = telegram_lead(dash, "Zoe", providers=[theirs], chat="5550002")
    recruiter = make_adviser(dash.session, "rec@ours.example.org", role="provider",
                             provider=ours)
    dash.client.cookies.clear()
    dash.log_in_as(recruiter)
    assert dash.post(f"/advisers/leads/{other.id}/messages", {"text": "Hi"}).status_code == 404
    assert dash.post(f"/advisers/leads/{mine.id}/messages", {"text": "Hi"}).status_code == 303
    [message] = messages(dash)
    assert message.organisation == ours.name


def unread_in_nav(html: str) -> str | None:
    match = re.search(r'id="nav-unread">(\d+)', html)
    return match.group(1) if match else None


def test_unread_replies_are_counted_until_the_lead_is_opened(dash: Dashboard) -> None:
    jade, ben = telegram_lead(dash), telegram_lead(dash, "Ben", chat="5550003")
    for lead in (jade, ben):
        dash.post(f"/advisers/leads/{lead.id}/messages", {"text": "Hello"})
    record_reply(dash.session, jade.sender_id, "yes", dash.clock.now())
    record_reply(dash.session, jade.sender_id, "when?", dash.clock.now())
    record_reply(dash.session, ben.sender_id, "ok", dash.clock.now())
    listing = dash.client.get("/advisers/leads").text
    assert unread_in_nav(listing) == "3"
    assert "2 unread replies" in listing and "1 unread reply" in listing
    opened = dash.client.get(f"/advisers/leads/{jade.id}").text
    assert unread_in_nav(opened) == "1"
    listing = dash.client.get("/advisers/leads").text
    assert unread_in_nav(listing) == "1" and "2 unread replies" not in listing


def test_the_lead_page_says_when_the_person_ended_the_chat(dash: Dashboard) -> None:
    from carecareers.threads import close_thread

    lead = telegram_lead(dash)
    dash.post(f"/advisers/leads/{lead.id}/messages", {"text": "Hello"})
    assert 'id="thread-closed"' not in dash.client.get(f"/advisers/leads/{lead.id}").text
    close_thread(dash.session, lead.sender_id, "person", dash.clock.now())
    dash.session.flush()
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert 'id="thread-closed"' in page and "Jade ended this chat" in page
