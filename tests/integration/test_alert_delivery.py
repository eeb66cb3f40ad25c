"""Alerts delivered for real: a local SMTP server (aiosmtpd) and a Bot-API-compatible server."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.alerts import send_alerts
from carecareers.clock import FixedClock
from carecareers.delivery import Outgoing, RetryPolicy, deliver_due, enqueue, senders_for
from carecareers.models import AlertRecipient, OutboxMessage, SuppressedAddress
from carecareers.settings import Settings
from tests.conftest import make_settings
from tests.e2e.fake_telegram import TOKEN, FakeTelegram
from tests.factories import make_vacancy
from tests.integration.alert_helpers import (
    BASE_URL,
    LEEDS,
    STOKE,
    email_alert,
    later,
    rolled_back_factory,
    telegram_alert,
)
from tests.mail_server import MailServer

BLOCKED_CHAT = 666


class BlockingTelegram(FakeTelegram):
    """Answers 403 'bot was blocked' for one chat, as Telegram does."""

    def handle(self, token: str, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "sendMessage" and int(params.get("chat_id", 0)) == BLOCKED_CHAT:
            return 403, {"ok": False, "error_code": 403,
                         "description": "Forbidden: bot was blocked by the user"}
        return super().handle(token, method, params)


@pytest.fixture
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[BlockingTelegram]:
    with BlockingTelegram() as fake:
        yield fake


@pytest.fixture
def alert_settings(tmp_path: Path, mail: MailServer, telegram: FakeTelegram) -> Settings:
    return make_settings(tmp_path, smtp_url=mail.url, smtp_from="Care Careers <alerts@test>",
                         public_base_url=BASE_URL, telegram_bot_token=TOKEN,
                         telegram_api_base_url=telegram.base_url)


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    with rolled_back_factory(engine) as made:
        yield made


def run(factory: sessionmaker[Session], settings: Settings, hours: float,
        policy: RetryPolicy = RetryPolicy()):  # type: ignore[no-untyped-def]
    senders = senders_for(settings)
    try:
        return send_alerts(factory, settings, senders, FixedClock(later(hours)), policy=policy)
    finally:
        for sender in senders.values():
            sender.close()


def setup(factory: sessionmaker[Session], build: Any) -> Any:
    with factory() as session, session.begin():
        return build(session)


def test_email_and_telegram_alerts_arrive_once_with_only_the_matching_jobs(
        factory: sessionmaker[Session], alert_settings: Settings, mail: MailServer,
        telegram: FakeTelegram) -> None:
    def build(session: Session) -> dict[str, Any]:
        email_alert(session, email="sam@example.org", what="HCA", place="ST4")
        telegram_alert(session, chat_id=4242, what="nurse", place="ST4")
        hca = make_vacancy(session, "Healthcare Support Worker", role_code="healthcare_assistant",
                           latitude=STOKE[0], longitude=STOKE[1], first_seen_at=later(0.5),
                           url="https://jobs.example.org/hca-1")
        nurse = make_vacancy(session, "Staff Nurse", role_code="registered_nurse",
                             latitude=STOKE[0], longitude=STOKE[1], first_seen_at=later(0.5),
                             url="https://jobs.example.org/nurse-1")
        make_vacancy(session, "Healthcare Support Worker", role_code="healthcare_assistant",
                     latitude=LEEDS[0], longitude=LEEDS[1], first_seen_at=later(0.5),
                     url="https://jobs.example.org/far-away")
        return {"hca": hca.url, "nurse": nurse.url}

    urls = setup(factory, build)
    report = run(factory, alert_settings, 1)
    assert report.delivered.sent == 3 and report.delivered.failed == 0  # with the confirmation

    confirmation, email = mail.mailbox.to("sam@example.org")
    assert confirmation["Subject"] == "Please confirm your care job alerts"
    body = email.get_content()
    assert urls["hca"] in body and urls["nurse"] not in body and "far-away" not in body
    assert email["Subject"] == "1 new care job for you"
    assert email["List-Unsubscribe"].startswith(f"<{BASE_URL}/alerts/unsubscribe/")
    assert f"{BASE_URL}/alerts/unsubscribe/" in body
    [call] = telegram.calls_to("sendMessage")
    assert int(call.params["chat_id"]) == 4242
    buttons = [b for row in call.params["reply_markup"]["inline_keyboard"] for b in row]
    assert [b.get("url") for b in buttons[:-1]] == [urls["nurse"]]
    assert buttons[-1] == {"text": "Stop alerts", "callback_data": "r:/stop_alerts"}

    run(factory, alert_settings, 30)  # a day later, nothing new
    assert len(mail.mailbox.messages) == 2 and len(telegram.calls_to("sendMessage")) == 1


def test_a_deferred_address_is_retried_with_backoff(
        factory: sessionmaker[Session], alert_settings: Settings, mail: MailServer) -> None:
    mail.mailbox.replies["busy@example.org"] = "451 4.3.0 try again later"
    message_id = setup(factory, lambda s: _queue_email(s, "busy@example.org").id)
    senders = senders_for(alert_settings)

    first = deliver_due(factory, senders, now=later(1))
    too_soon = deliver_due(factory, senders, now=later(1) + timedelta(seconds=30))
    mail.mailbox.replies.clear()
    retried = deliver_due(factory, senders, now=later(1) + timedelta(seconds=61))

    assert (first.retrying, too_soon.sent, retried.sent) == (1, 0, 1)
    with factory() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None and message.status == "sent" and message.attempts == 2
    assert len(mail.mailbox.to("busy@example.org")) == 1


def test_retries_give_up_after_the_last_attempt(
        factory: sessionmaker[Session], alert_settings: Settings, mail: MailServer) -> None:
    mail.mailbox.replies["busy@example.org"] = "451 4.3.0 try again later"
    message_id = setup(factory, lambda s: _queue_email(s, "busy@example.org").id)
    policy = RetryPolicy(first_delay_seconds=60, max_attempts=3)
    senders = senders_for(alert_settings)
    for minutes in (0, 1, 3, 10):
        deliver_due(factory, senders, now=later(1) + timedelta(minutes=minutes), policy=policy)
    with factory() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None and (message.status, message.attempts) == ("failed", 3)
        assert session.scalars(select(SuppressedAddress)).all() == []  # not the address's fault


def test_an_unknown_mailbox_is_marked_and_its_alerts_stop(
        factory: sessionmaker[Session], alert_settings: Settings, mail: MailServer) -> None:
    mail.mailbox.replies["gone@example.org"] = "550 5.1.1 no such user"

    def build(session: Session) -> int:
        alert = email_alert(session, email="gone@example.org", what="HCA")
        make_vacancy(session, "Healthcare Support Worker", role_code="healthcare_assistant",
                     latitude=STOKE[0], longitude=STOKE[1], first_seen_at=later(0.5))
        return alert.recipient_id

    recipient_id = setup(factory, build)
    report = run(factory, alert_settings, 1)
    assert (report.delivered.failed, report.delivered.suppressed) == (1, 1)
    assert report.recipients_stopped == 1
    with factory() as session:
        recipient = session.get(AlertRecipient, recipient_id)
        assert recipient is not None and recipient.status == "failed"


def test_a_blocked_bot_is_marked_and_its_alerts_stop(
        factory: sessionmaker[Session], alert_settings: Settings,
        telegram: FakeTelegram) -> None:
    def build(session: Session) -> int:
        alert = telegram_alert(session, chat_id=BLOCKED_CHAT, what="HCA")
        make_vacancy(session, "Healthcare Support Worker", role_code="healthcare_assistant",
                     latitude=STOKE[0], longitude=STOKE[1], first_seen_at=later(0.5))
        return alert.recipient_id

    recipient_id = setup(factory, build)
    report = run(factory, alert_settings, 1)
    assert (report.delivered.failed, report.recipients_stopped) == (1, 1)
    with factory() as session:
        recipient = session.get(AlertRecipient, recipient_id)
        assert recipient is not None and recipient.status == "failed"
        assert session.scalar(select(SuppressedAddress.reason)) == \
            "the bot was blocked or the account deleted"


def test_messages_wait_while_no_sender_is_configured(
        factory: sessionmaker[Session], tmp_path: Path) -> None:
    message_id = setup(factory, lambda s: _queue_email(s, "sam@example.org").id)
    report = deliver_due(factory, senders_for(make_settings(tmp_path)), now=later(1))
    assert report.waiting == {"email": 1}
    with factory() as session:
        message = session.get(OutboxMessage, message_id)
        assert message is not None and message.status == "pending" and message.attempts == 0


def _queue_email(session: Session, address: str) -> OutboxMessage:
    message = enqueue(session, Outgoing(channel="email", address=address, kind="test",
                                        subject="Hello", body="Hello there"), later(0))
    session.flush()
    return message
