"""Adviser conversations in the core: who may write, floods, audit, replies, delivery states."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.delivery import addresses_of, note_address
from carecareers.leads.erasure import erase_person, purge_expired
from carecareers.models import AdviserThread, AuditEvent, Consent, Lead, ThreadMessage
from carecareers.threads import (
    BadMessage,
    NotAllowed,
    TooManyMessages,
    close_thread,
    mark_read,
    record_reply,
    send_message,
    thread_view,
    unread_by_lead,
    unread_total,
)
from carecareers.threads.delivery import claim_due, record_failure, record_sent
from carecareers.threads.rules import PER_ADVISER_PER_HOUR, PER_LEAD_PER_HOUR
from tests.factories import RETENTION, make_adviser, make_lead, make_provider
from tests.support.sessions import rolled_back

NOW = datetime(2027, 5, 1, 10, tzinfo=timezone.utc)
TEAM = "the Care Careers Partnership"


@pytest.fixture
def db(engine: Engine) -> Iterator[tuple[Connection, Session]]:
    with rolled_back(engine) as pair:
        yield pair


def telegram_lead(session: Session, name: str = "Jade", **values: object) -> Lead:
    fields: dict[str, object] = {"channel": "telegram", "contact_method": "telegram",
                                 "phone": None, "chat_account": "@jade_x",
                                 "chat": "5550001", "created_at": NOW,
                                 "last_activity_at": NOW}
    fields.update(values)
    return make_lead(session, name, **fields)


def test_an_adviser_writes_to_a_consenting_telegram_lead(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = telegram_lead(session)
    adviser = make_adviser(session, "priya.shah@example.org")
    message = send_message(session, lead, adviser, "  Hi Jade, I can help with your CV.  ",
                           TEAM, NOW)
    assert message.state == "pending" and message.direction == "to_person"
    assert message.text == "Hi Jade, I can help with your CV."
    assert (message.sender_name, message.organisation) == ("Priya", TEAM)
    assert lead.thread is not None and lead.thread.status == "open"
    audit = session.scalars(select(AuditEvent).where(
        AuditEvent.action == "thread.message_written")).all()
    assert [(a.actor, a.subject) for a in audit] == [("priya.shah@example.org",
                                                      f"lead:{lead.id}")]
    assert "CV" not in str(audit[0].detail)  # the audit keeps who and when, not the words


def test_a_provider_user_writes_as_their_organisation(db: tuple[Connection, Session]) -> None:
    _, session = db
    provider = make_provider(session, "HOSPICE", "Dove Hospice")
    lead = telegram_lead(session, providers=[provider])
    recruiter = make_adviser(session, role="provider", provider=provider)
    recruiter.display_name = "Tom Baker"
    message = send_message(session, lead, recruiter, "Hello", TEAM, NOW)
    assert (message.sender_name, message.organisation) == ("Tom Baker", "Dove Hospice")
    assert message.provider_id == provider.id


@pytest.mark.parametrize("change, reason", [
    ({"age": 15, "age_band": "under_16"}, "under 16"),
    ({"channel": "web", "chat": None}, "did not come through Telegram"),
    ({"chat": None}, "did not come through Telegram"),
    ({"status": "withdrawn"}, "withdrew"),
    ({"contact_method": "phone", "phone": "07700 900999"}, "did not agree"),
])
def test_no_message_without_consent_or_to_under_16s(db: tuple[Connection, Session],
                                                    change: dict[str, object],
                                                    reason: str) -> None:
    _, session = db
    lead = telegram_lead(session, **change)
    with pytest.raises(NotAllowed, match=reason):
        send_message(session, lead, make_adviser(session), "Hello", TEAM, NOW)
    assert session.scalar(select(ThreadMessage.id)) is None


def test_asking_for_a_person_is_enough_consent(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = telegram_lead(session, contact_method="phone", phone="07700 900998",
                         wants_callback=True)
    assert send_message(session, lead, make_adviser(session), "Hi", TEAM, NOW).state == "pending"


def test_a_withdrawn_consent_stops_messages(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead = telegram_lead(session)
    for consent in session.scalars(select(Consent).where(Consent.lead_id == lead.id)):
        consent.withdrawn_at = NOW
    session.refresh(lead)
    with pytest.raises(NotAllowed):
        send_message(session, lead, make_adviser(session), "Hi", TEAM, NOW)


def test_a_provider_user_only_writes_to_leads_routed_to_them(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    ours, theirs = make_provider(session, "OURS"), make_provider(session, "THEIRS")
    lead = telegram_lead(session, providers=[theirs])
    recruiter = make_adviser(session, role="provider", provider=ours)
    with pytest.raises(NotAllowed, match="not routed to your organisation"):
        send_message(session, lead, recruiter, "Hi", TEAM, NOW)


@pytest.mark.parametrize("text", ["", "   ", "x" * 2001])
def test_empty_or_overlong_messages_are_refused(db: tuple[Connection, Session],
                                                text: str) -> None:
    _, session = db
    with pytest.raises(BadMessage):
        send_message(session, telegram_lead(session), make_adviser(session), text, TEAM, NOW)


def test_floods_to_one_person_are_stopped(db: tuple[Connection, Session]) -> None:
    _, session = db
    lead, adviser = telegram_lead(session), make_adviser(session)
    for minute in range(PER_LEAD_PER_HOUR):
        send_message(session, lead, adviser, f"message {minute}", TEAM,
                     NOW + timedelta(minutes=minute))
    with pytest.raises(TooManyMessages, match="This person has had"):
        send_message(session, lead, make_adviser(session), "one more", TEAM,
                     NOW + timedelta(minutes=10))
    later = NOW + timedelta(minutes=61)
    assert send_message(session, lead, adviser, "an hour on", TEAM, later).state == "pending"


def test_floods_from_one_account_are_stopped(db: tuple[Connection, Session]) -> None:
    _, session = db
    adviser = make_adviser(session)
    leads = [telegram_lead(session, chat=str(9000 + n))
             for n in range(PER_ADVISER_PER_HOUR // PER_LEAD_PER_HOUR + 1)]
    sent = 0
    with pytest.raises(TooManyMessages, match="You have sent"):
        for lead in leads:
            for _ in range(PER_LEAD_PER_HOUR):
                send_message(session, lead, adviser, "hello", TEAM, NOW)
                sent += 1
    assert sent == PER_ADVISER_PER_HOUR


def test_replies_go_to_an_open_thread_and_count_as_unread(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    north = make_provider(session, "NORTH")
    lead = telegram_lead(session, providers=[north])
    adviser = make_adviser(session)
    assert record_reply(session, lead.sender_id, "hello?", NOW) is None  # no thread yet
    send_message(session, lead, adviser, "Hi Jade", TEAM, NOW)
    reply = record_reply(session, lead.sender_id, " Yes please ", NOW + timedelta(minutes=3))
    assert reply is not None and reply.text == "Yes please" and reply.state == "received"
    assert [m.direction for m in thread_view(session, lead)] == ["to_person", "from_person"]
    assert lead.last_activity_at.replace(tzinfo=timezone.utc) == NOW + timedelta(minutes=3)
    assert unread_by_lead(session, adviser) == {lead.id: 1}
    outsider = make_adviser(session, role="provider", provider=make_provider(session, "FAR"))
    assert unread_total(session, outsider) == 0  # a provider counts only its own leads
    recruiter = make_adviser(session, role="provider", provider=north)
    assert unread_total(session, recruiter) == 1
    assert mark_read(session, lead, NOW) == 1
    assert unread_total(session, adviser) == 0


def test_ending_the_chat_closes_the_thread_until_an_adviser_writes_again(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    lead, adviser = telegram_lead(session), make_adviser(session)
    send_message(session, lead, adviser, "Hi", TEAM, NOW)
    assert close_thread(session, lead.sender_id, "person", NOW) is True
    assert record_reply(session, lead.sender_id, "back to the bot", NOW) is None
    assert close_thread(session, lead.sender_id, "person", NOW) is False
    send_message(session, lead, adviser, "Any questions?", TEAM, NOW + timedelta(days=1))
    assert lead.thread is not None and lead.thread.status == "open"


def test_a_lead_is_written_to_in_the_chat_they_write_from(
        db: tuple[Connection, Session]) -> None:
    connection, session = db
    lead, adviser = telegram_lead(session, chat=None), make_adviser(session)
    with pytest.raises(NotAllowed, match="did not come through Telegram"):
        send_message(session, lead, adviser, "Hello", TEAM, NOW)
    note_address(session, lead.sender_id, "telegram", "777", NOW)  # they write to the bot
    assert send_message(session, lead, adviser, "Hello", TEAM, NOW).state == "pending"
    session.commit()
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
    assert claim_due(factory, NOW, "another-chat") == []  # each channel claims its own
    [delivery] = claim_due(factory, NOW, "telegram")
    assert (delivery.channel, delivery.address) == ("telegram", "777")


def test_delivery_claims_each_message_once_and_records_states(
        db: tuple[Connection, Session]) -> None:
    connection, session = db
    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint",
                           expire_on_commit=False)
    adviser = make_adviser(session, "sam@example.org")
    ok, gone, flaky = (telegram_lead(session, chat=str(n)) for n in (11, 12, 13))
    for lead in (ok, gone, flaky):
        send_message(session, lead, adviser, "Hello there", TEAM, NOW)
    session.commit()
    claimed = claim_due(factory, NOW, "telegram")
    assert sorted(d.address for d in claimed) == ["11", "12", "13"]
    assert claimed[0].sender_name == "Sam" and claimed[0].text == "Hello there"
    # nobody takes them twice
    assert claim_due(factory, NOW + timedelta(seconds=1), "telegram") == []
    by_chat = {d.address: d for d in claimed}
    record_sent(factory, by_chat["11"], NOW)
    assert record_failure(factory, by_chat["12"], "the bot was blocked", blocked=True,
                          now=NOW) == "blocked"
    assert record_failure(factory, by_chat["13"], "timeout", now=NOW) == "pending"
    session.expire_all()
    states = {chat: thread_view(session, lead)[0].state
              for chat, lead in zip(("11", "12", "13"), (ok, gone, flaky), strict=True)}
    assert states == {"11": "sent", "12": "blocked", "13": "pending"}
    # a chat that blocked the bot is not written to again
    assert send_message(session, gone, adviser, "Still there?", TEAM,
                        NOW + timedelta(minutes=1)).state == "blocked"
    again = claim_due(factory, NOW + timedelta(minutes=1), "telegram")
    assert [d.address for d in again] == ["13"]


def test_erasure_and_retention_remove_threads(db: tuple[Connection, Session],
                                             tmp_path) -> None:  # type: ignore[no-untyped-def]
    _, session = db
    adviser = make_adviser(session)
    erased, stale = telegram_lead(session), telegram_lead(session, chat="42")
    for lead in (erased, stale):
        send_message(session, lead, adviser, "Hi", TEAM, NOW)
        record_reply(session, lead.sender_id, "my secret reply", NOW)
    session.flush()
    from carecareers.delivery.outbox import is_suppressed, suppress

    suppress(session, "telegram", "5550001", "the bot was blocked", NOW)
    erase_person(session, actor="person", via="chat", sender_id=erased.sender_id)
    session.flush()
    assert not is_suppressed(session, "telegram", "5550001")
    assert addresses_of(session, erased.sender_id) == {}
    assert addresses_of(session, stale.sender_id) == {"telegram": "42"}
    assert session.scalar(select(AdviserThread).where(
        AdviserThread.lead_id == erased.id)) is None
    assert len(session.scalars(select(ThreadMessage)).all()) == 2  # the other lead's
    purge_expired(session, f"sqlite:///{tmp_path / 'tracker.db'}",
                  RETENTION, now=NOW + timedelta(days=400))
    session.flush()
    assert session.scalars(select(ThreadMessage)).all() == []
    assert session.scalars(select(AdviserThread)).all() == []
    assert addresses_of(session, stale.sender_id) == {}  # idle, with no lead left


def test_no_message_text_in_logs(db: tuple[Connection, Session],
                                 caplog: pytest.LogCaptureFixture) -> None:
    _, session = db
    caplog.set_level(logging.DEBUG)
    lead, adviser = telegram_lead(session), make_adviser(session)
    send_message(session, lead, adviser, "Meet me at the Hanley open day", TEAM, NOW)
    record_reply(session, lead.sender_id, "my number is 07700 900123", NOW)
    assert "Hanley" not in caplog.text and "07700" not in caplog.text


def test_an_account_is_added_with_the_name_people_see(db: tuple[Connection, Session]) -> None:
    from carecareers.advisers.accounts import AccountError, add_adviser
    from tests.factories import PASSWORD

    _, session = db
    adviser = add_adviser(session, "p.s@example.org", PASSWORD, "adviser", name="  Priya  Shah ")
    assert adviser.display_name == "Priya Shah"
    lead = telegram_lead(session)
    assert send_message(session, lead, adviser, "Hi", TEAM, NOW).sender_name == "Priya Shah"
    with pytest.raises(AccountError, match="100 characters"):
        add_adviser(session, "q@example.org", PASSWORD, "adviser", name="x" * 101)


def test_a_reply_emails_the_advisers_who_wrote_at_most_hourly(
        db: tuple[Connection, Session]) -> None:
    from carecareers.models import OutboxMessage
    from carecareers.threads.notices import notify_advisers

    _, session = db
    lead = telegram_lead(session)
    priya, tom = make_adviser(session, "priya@example.org"), make_adviser(session)
    tom.active = False  # a disabled account is not emailed
    send_message(session, lead, priya, "Hi", TEAM, NOW)
    send_message(session, lead, tom, "Hello from me too", TEAM, NOW)
    reply = record_reply(session, lead.sender_id, "my private answer", NOW)
    assert reply is not None
    assert notify_advisers(session, reply, "https://care.example.org/", NOW) == 1
    session.flush()
    [notice] = session.scalars(select(OutboxMessage)).all()
    assert notice.address == "priya@example.org" and notice.channel == "email"
    assert f"https://care.example.org/advisers/leads/{lead.id}" in notice.body
    assert "private" not in notice.body and "Jade" not in notice.body + notice.subject
    again = record_reply(session, lead.sender_id, "and another", NOW + timedelta(minutes=5))
    assert again is not None and notify_advisers(session, again, "https://x", NOW) == 0
    later = record_reply(session, lead.sender_id, "later", NOW + timedelta(hours=2))
    assert later is not None
    assert notify_advisers(session, later, "https://care.example.org",
                           NOW + timedelta(hours=2)) == 1
