"""Helpers for the job alert tests: a fixed clock, criteria, alerts set up and confirmed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.alerts import (
    AlertCriteria,
    alert_consent_wording,
    build_criteria,
    confirm_alert,
    request_chat_alert,
    request_email_alert,
)
from carecareers.delivery import note_address
from carecareers.geo import gazetteer_for
from carecareers.models import JobAlert, OutboxMessage
from carecareers.vacancies.roles import role_index_for
from tests.conftest import TEST_SECRET_KEY

CONTENT = Path(__file__).resolve().parents[2] / "content"
BASE_URL = "https://care.example.org"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)
STOKE = (52.99, -2.17)  # ST4
STAFFORD = (52.80, -2.12)  # ST16, about 13 miles from ST4
LEEDS = (53.80, -1.55)


@contextmanager
def rolled_back_factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    """Sessions whose transactions are savepoints in one transaction rolled back at the end."""
    with engine.connect() as connection:
        transaction = connection.begin()
        yield sessionmaker(bind=connection, expire_on_commit=False,
                           join_transaction_mode="create_savepoint")
        transaction.rollback()


def criteria(what: str = "", place: str | None = "ST4", radius: float | None = 10,
             apprenticeships: bool = False) -> AlertCriteria:
    return build_criteria(gazetteer_for(CONTENT), role_index_for(CONTENT), what=what,
                          place=place, radius_miles=radius,
                          apprenticeships_only=apprenticeships)


def consent(channel: str):  # type: ignore[no-untyped-def]
    return alert_consent_wording(CONTENT, channel, "care jobs", f"{BASE_URL}/privacy", 365)


def email_alert(session: Session, email: str = "sam@example.org", sender: str = "web-1",
                what: str = "HCA", place: str | None = "ST4", now: datetime = NOW,
                confirm: bool = True, **options: object) -> JobAlert:
    request = request_email_alert(
        session, sender_id=sender, email=email, criteria=criteria(what, place, **options),
        consent=consent("email"), base_url=BASE_URL, key=TEST_SECRET_KEY, now=now)
    if confirm and request.needs_confirmation:
        assert request.alert.confirm_token
        confirm_alert(session, request.alert.confirm_token, now)
    return request.alert


def telegram_alert(session: Session, chat_id: int = 4242, sender: str = "tg-1",
                   what: str = "HCA", place: str | None = "ST4", now: datetime = NOW,
                   **options: object) -> JobAlert:
    """An alert set up in Telegram by the person writing from chat `chat_id`."""
    note_address(session, sender, "telegram", str(chat_id), now)
    request = request_chat_alert(session, sender_id=sender, channel="telegram",
                                 criteria=criteria(what, place, **options),
                                 consent=consent("telegram"), now=now)
    return request.alert


def messages(session: Session, kind: str = "job_alert") -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind)
                                .order_by(OutboxMessage.id)))


def later(hours: float) -> datetime:
    return NOW + timedelta(hours=hours)
