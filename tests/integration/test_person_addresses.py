"""How each person can be reached (delivery/people.py), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from carecareers.delivery import (
    Outgoing,
    address_for,
    address_of_sender,
    addresses_of,
    enqueue,
    forget_idle_people,
    forget_person,
    is_suppressed,
    note_address,
    suppress,
)
from carecareers.leads.erasure import purge_expired
from carecareers.models import Lead, OutboxMessage, PersonAddress
from tests.factories import RETENTION, make_lead
from tests.integration.alert_helpers import telegram_alert
from tests.integration.event_helpers import NOW as EVENTS_NOW
from tests.integration.event_helpers import an_event, book

NOW = datetime(2027, 5, 1, 10, tzinfo=timezone.utc)


def seen(session: Session, sender: str, channel: str = "telegram") -> tuple[datetime, datetime]:
    row = session.scalars(select(PersonAddress).where(
        PersonAddress.sender_id == sender, PersonAddress.channel == channel)).one()
    return _utc(row.first_seen_at), _utc(row.last_seen_at)


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def test_a_person_is_noted_once_per_channel_and_seen_to_the_hour(session: Session) -> None:
    note_address(session, "tg-1", "telegram", "100", NOW)
    note_address(session, "tg-1", "web", "tg-1", NOW)
    note_address(session, "tg-1", "telegram", "100", NOW + timedelta(minutes=30))
    assert seen(session, "tg-1") == (NOW, NOW)  # within the hour: only read
    note_address(session, "tg-1", "telegram", "100", NOW + timedelta(hours=2))
    assert seen(session, "tg-1") == (NOW, NOW + timedelta(hours=2))
    note_address(session, "tg-1", "telegram", "101", NOW + timedelta(hours=2, minutes=1))
    assert addresses_of(session, "tg-1") == {"telegram": "101", "web": "tg-1"}
    assert address_for(session, "tg-1", "telegram") == "101"
    assert address_for(session, "tg-1", "email") is None
    assert address_for(session, None, "telegram") is None


def test_an_address_belongs_to_one_person(session: Session) -> None:
    note_address(session, "tg-old", "telegram", "200", NOW)
    note_address(session, "tg-new", "telegram", "200", NOW + timedelta(days=1))
    assert addresses_of(session, "tg-old") == {}
    assert addresses_of(session, "tg-new") == {"telegram": "200"}


def test_writing_from_a_suppressed_chat_makes_it_work_again(session: Session) -> None:
    note_address(session, "tg-2", "telegram", "300", NOW)
    suppress(session, "telegram", "300", "the bot was blocked", NOW)
    note_address(session, "tg-2", "telegram", "300", NOW + timedelta(minutes=5))
    assert not is_suppressed(session, "telegram", "300")


def test_the_address_as_sql_for_many_people(session: Session) -> None:
    with_chat = make_lead(session, channel="telegram", chat="400")
    without = make_lead(session, channel="telegram")
    rows = session.execute(select(Lead.id, address_of_sender(Lead.sender_id, Lead.channel))
                           .where(Lead.id.in_([with_chat.id, without.id]))).tuples()
    assert dict(rows.all()) == {with_chat.id: "400", without.id: None}


def test_forgetting_a_person_forgets_their_messages_and_never_send_entries(
        session: Session) -> None:
    note_address(session, "tg-3", "telegram", "500", NOW)
    note_address(session, "tg-4", "telegram", "600", NOW)
    for chat in ("500", "600"):
        enqueue(session, Outgoing(channel="telegram", address=chat, kind="job_alert",
                                  body="jobs"), NOW)
    suppress(session, "telegram", "500", "the bot was blocked", NOW)
    assert forget_person(session, ["tg-3", "tg-none"]) == 1
    assert addresses_of(session, "tg-3") == {} and not is_suppressed(session, "telegram", "500")
    assert list(session.scalars(select(OutboxMessage.address))) == ["600"]
    assert addresses_of(session, "tg-4") == {"telegram": "600"}
    assert forget_person(session, []) == 0


def test_idle_people_are_forgotten_unless_something_of_theirs_is_kept(
        session: Session) -> None:
    make_lead(session, sender_id="tg-lead", channel="telegram", chat="701", created_at=NOW)
    note_address(session, "tg-idle", "telegram", "702", NOW)
    note_address(session, "tg-recent", "telegram", "703", NOW + timedelta(days=20))
    assert forget_idle_people(session, NOW + timedelta(days=1), keep=[Lead.sender_id]) == 1
    assert [address_for(session, s, "telegram") for s in ("tg-lead", "tg-idle", "tg-recent")] \
        == ["701", None, "703"]


def test_the_retention_purge_keeps_the_chats_of_leads_alerts_and_bookings(
        session: Session, tmp_path: Path) -> None:
    long_ago = NOW - timedelta(days=40)
    make_lead(session, sender_id="tg-lead", channel="telegram", chat="801",
              created_at=long_ago)
    telegram_alert(session, chat_id=802, sender="tg-alert", now=long_ago)
    note_address(session, "tg-booked", "telegram", "803", long_ago)
    coming = an_event(session, days=(NOW - EVENTS_NOW).days + 10)  # a booking still kept
    book(session, coming, "Tia", sender="tg-booked", method="telegram", detail=None)
    note_address(session, "tg-chatted", "telegram", "804", long_ago)
    report = purge_expired(session, f"sqlite:///{tmp_path / 'tracker.db'}", RETENTION, now=NOW)
    assert report.purged["chat_addresses_forgotten"] == 1
    assert [address_for(session, s, "telegram") for s in (
        "tg-lead", "tg-alert", "tg-booked", "tg-chatted")] == ["801", "802", "803", None]
