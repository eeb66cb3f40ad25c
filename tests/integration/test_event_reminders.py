"""Reminders and notices delivered for real, on a fixed clock: a local SMTP server and a
Bot-API-compatible server; and `carecareers events remind` from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from carecareers.cli.main import app
from carecareers.clock import FixedClock
from carecareers.delivery import note_address, senders_for
from carecareers.events import cancel_event
from carecareers.events.notices import queue_cancel_notices
from carecareers.events.sending import send_reminders
from carecareers.migrate import upgrade
from carecareers.settings import Settings, get_settings
from tests.conftest import make_settings, use_test_secrets
from tests.e2e.fake_telegram import TOKEN, FakeTelegram
from tests.integration.alert_helpers import rolled_back_factory
from tests.integration.event_helpers import BASE_URL, NOW, an_event, book
from tests.mail_server import MailServer


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture
def settings_with_senders(tmp_path: Path, mail: MailServer, telegram: FakeTelegram) -> Settings:
    return make_settings(tmp_path, smtp_url=mail.url, smtp_from="Care Careers <events@test>",
                         public_base_url=BASE_URL, telegram_bot_token=TOKEN,
                         telegram_api_base_url=telegram.base_url)


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    with rolled_back_factory(engine) as made:
        yield made


def run(factory: sessionmaker[Session], settings: Settings, hours: float):  # type: ignore[no-untyped-def]
    senders = senders_for(settings)
    try:
        return send_reminders(factory, BASE_URL, senders, FixedClock(NOW + timedelta(hours=hours)))
    finally:
        for sender in senders.values():
            sender.close()


def test_reminders_arrive_the_day_before_by_email_and_telegram_once(
        factory: sessionmaker[Session], settings_with_senders: Settings, mail: MailServer,
        telegram: FakeTelegram) -> None:
    with factory() as session, session.begin():
        event = an_event(session, "Hospice open day", days=1.25)  # Friday 11 December, 3pm
        book(session, event)
        book(session, event, "Tia", sender="t-1", method="telegram", detail=None)
        note_address(session, "t-1", "telegram", "4242", NOW)  # Tia writes from chat 4242
        event_id = event.id
    assert run(factory, settings_with_senders, -12).queued == 0  # two days before: not yet
    report = run(factory, settings_with_senders, 0)
    assert report.queued == 2 and report.delivered.sent == 2
    email = mail.mailbox.wait_for("sam@example.org")
    assert email["Subject"] == "Tomorrow: Hospice open day"
    body = email.get_content()
    assert "Friday 11 December, 3pm to 6pm" in body and "Church Street, ST4 1AA" in body
    [call] = telegram.calls_to("sendMessage")
    assert int(call.params["chat_id"]) == 4242 and "Hi Tia" in call.params["text"]
    [[button]] = call.params["reply_markup"]["inline_keyboard"]
    assert button["url"] == f"{BASE_URL}/events/{event_id}.ics"
    assert run(factory, settings_with_senders, 3).queued == 0  # once only
    assert len(mail.mailbox.messages) == 1 and len(telegram.calls_to("sendMessage")) == 1


def test_a_cancelled_event_notice_reaches_everyone_booked(
        factory: sessionmaker[Session], settings_with_senders: Settings, mail: MailServer,
        telegram: FakeTelegram) -> None:
    with factory() as session, session.begin():
        event = an_event(session, "Care home taster", days=5)
        book(session, event)
        book(session, event, "Tia", sender="t-1", method="telegram", detail=None)
        note_address(session, "t-1", "telegram", "4242", NOW)  # Tia writes from chat 4242
        cancel_event(session, event, "adviser@example.org", NOW)
        assert queue_cancel_notices(session, event, BASE_URL, NOW) == 2
    report = run(factory, settings_with_senders, 0)
    assert report.queued == 0 and report.delivered.sent == 2
    assert mail.mailbox.wait_for("sam@example.org")["Subject"] == "Cancelled: Care home taster"
    [call] = telegram.calls_to("sendMessage")
    assert "is cancelled" in call.params["text"]


def test_the_command_runs_as_of_the_time_given(tmp_path: Path, mail: MailServer,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    from carecareers.db import make_engine, session_factory
    engine = make_engine(url)
    with session_factory(engine)() as session, session.begin():
        book(session, an_event(session, days=1))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("SMTP_URL", mail.url)
    monkeypatch.setenv("PUBLIC_BASE_URL", BASE_URL)
    use_test_secrets(monkeypatch)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["events", "remind", "--now", NOW.isoformat()])
        bad = CliRunner().invoke(app, ["events", "remind", "--now", "tomorrow"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.strip().splitlines()[-1])["reminders_queued"] == 1
    assert mail.mailbox.wait_for("sam@example.org")["Subject"] == "Tomorrow: Hospice open day"
    assert bad.exit_code == 1 and "--now must be a time" in bad.output
