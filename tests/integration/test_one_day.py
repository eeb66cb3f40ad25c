"""At 23:30 UTC the UK may already be on the next day: every part of the product agrees which.

In summer time (BST) 23:30 UTC on 31 March 2026 is 00:30 on 1 April in the UK; in winter
(GMT) 23:30 UTC on 28 March 2026 is still 28 March. Job alerts, event reminders and listings,
vacancy search, a campaign's daily counts and the careers pay answer all take that UK date
as today, on SQLite and PostgreSQL. CARECAREERS_TODAY, where allowed, fixes it for them all.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import pytest
from fastapi.testclient import TestClient
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from actions.careers import ActionPay
from carecareers.alerts import send_alerts
from carecareers.campaigns.service import DayRow, create_campaign, funnel_by_day
from carecareers.clock import UK, FixedClock
from carecareers.events import EventValues, create_event, events_near, when_words
from carecareers.events.sending import send_reminders
from carecareers.geo import gazetteer_for
from carecareers.models import Event
from carecareers.settings import Settings, get_settings
from tests.conftest import make_settings
from tests.factories import make_vacancy
from tests.integration.alert_helpers import (
    BASE_URL,
    CONTENT,
    STOKE,
    email_alert,
    messages,
    rolled_back_factory,
)
from tests.integration.event_helpers import book
from web.app import create_app


@dataclass(frozen=True)
class Moment:
    """An instant, the UK date it falls on, and the adult minimum wage in force that day."""

    at: datetime
    uk_day: date
    wage: str
    as_of: str


SUMMER = Moment(datetime(2026, 3, 31, 23, 30, tzinfo=timezone.utc), date(2026, 4, 1),
                "£12.71", "April 2026")
WINTER = Moment(datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc), date(2026, 3, 28),
                "£12.21", "April 2025")


@pytest.fixture(params=[SUMMER, WINTER], ids=["summer", "winter"])
def moment(request: pytest.FixtureRequest) -> Moment:
    found: Moment = request.param
    return found


@pytest.fixture
def factory(engine: Engine) -> Iterator[sessionmaker[Session]]:
    with rolled_back_factory(engine) as made:
        yield made


def web_client(settings: Settings, factory: sessionmaker[Session],
               clock: FixedClock | None = None) -> TestClient:
    """The web app on the test's database, with this clock (else the settings' own)."""
    app = create_app(settings, clock=clock)
    app.state.session_factory = factory
    return TestClient(app)


def yesterday_and_today(session: Session, day: date, **values: object) -> None:
    """Two vacancies near ST4: one closed the day before `day`, one closing on `day`."""
    for name, closes in (("closed-yesterday", day - timedelta(days=1)), ("closing-today", day)):
        make_vacancy(session, "Healthcare Support Worker", employer=name,
                     role_code="healthcare_assistant", latitude=STOKE[0], longitude=STOKE[1],
                     url=f"https://jobs.example.org/{name}", closes_on=closes, **values)


def employers(client: TestClient) -> set[str]:
    response = client.get("/api/vacancies", params={"limit": 50})
    assert response.status_code == 200, response.text
    return {v["employer"] for v in response.json()["vacancies"]}


def test_search_keeps_a_vacancy_open_on_its_closing_day(
        factory: sessionmaker[Session], settings: Settings, moment: Moment) -> None:
    with factory() as session, session.begin():
        yesterday_and_today(session, moment.uk_day)
    with web_client(settings, factory, FixedClock(moment.at)) as client:
        found = employers(client)
    assert "closing-today" in found and "closed-yesterday" not in found


def test_alerts_leave_out_what_closed_before_the_uk_day(
        factory: sessionmaker[Session], settings: Settings, moment: Moment) -> None:
    with factory() as session, session.begin():
        email_alert(session, now=moment.at - timedelta(hours=2))
        yesterday_and_today(session, moment.uk_day, first_seen_at=moment.at - timedelta(hours=1))
    report = send_alerts(factory, settings, {}, FixedClock(moment.at))
    assert report.queued.messages == 1
    with factory() as session:
        [alert] = messages(session)
        assert "/closing-today" in alert.body and "/closed-yesterday" not in alert.body


def an_event_at(session: Session, title: str, starts: datetime) -> Event:
    return create_event(session, EventValues(
        title=title, starts_at=starts.astimezone(timezone.utc),
        ends_at=(starts + timedelta(hours=2)).astimezone(timezone.utc),
        place="Community hall, Church Street", postcode="ST4 1AA", outcode="ST4",
        latitude=STOKE[0], longitude=STOKE[1]), "adviser@example.org")


def test_events_today_and_tomorrow_are_the_uk_days(
        factory: sessionmaker[Session], moment: Moment) -> None:
    day = moment.uk_day
    with factory() as session, session.begin():
        late_today = an_event_at(session, "Late open evening",
                                 datetime.combine(day, time(23, 45), UK))
        tomorrow = an_event_at(session, "Hospice open day",
                               datetime.combine(day + timedelta(days=1), time(10), UK))
        for event, sender in ((late_today, "s-today"), (tomorrow, "s-tomorrow")):
            book(session, event, sender=sender, now=moment.at - timedelta(days=3))
        listed = events_near(session, gazetteer_for(CONTENT), None, now=moment.at, limit=10)
        assert [e.title for e in listed] == ["Late open evening", "Hospice open day"]
        assert when_words(late_today.starts_at, late_today.ends_at).startswith(
            f"{day:%A} {day.day} {day:%B}, 11:45pm")
    report = send_reminders(factory, BASE_URL, {}, FixedClock(moment.at))
    assert report.queued == 1
    with factory() as session:
        [reminder] = messages(session, "event_reminder")
        assert reminder.subject == "Tomorrow: Hospice open day"


def test_a_visit_at_2330_utc_counts_on_the_uk_day(
        factory: sessionmaker[Session], settings: Settings, moment: Moment) -> None:
    clock = FixedClock(moment.at)
    with factory() as session, session.begin():
        create_campaign(session, "NIGHT", "Late poster", kind="community")
    with web_client(settings, factory, clock) as client:
        assert client.get("/c/NIGHT").status_code == 200
    with factory() as session:
        rows = funnel_by_day(session, "NIGHT", days=2, today=clock.today())
    assert rows == [DayRow(moment.uk_day - timedelta(days=1), 0, 0, 0),
                    DayRow(moment.uk_day, 1, 0, 0)]


@pytest.fixture
def action_settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The action server's settings, read afresh, with no fixed day."""
    monkeypatch.delenv("CARECAREERS_TODAY", raising=False)
    monkeypatch.setenv("ENVIRONMENT", "development")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def pay_answer(sent_at: datetime) -> str:
    """What the assistant says to "how much do carers get at 25", sent at `sent_at`."""
    latest = {"text": "how much do carers get at 25", "intent": {"name": "ask_pay"},
              "entities": [{"entity": "role", "value": "care_worker", "start": 0, "end": 1},
                           {"entity": "age", "value": "25", "start": 0, "end": 1}]}
    tracker = Tracker(sender_id="web-pay", slots={}, latest_message=latest, paused=False,
                      events=[{"event": "user", "timestamp": sent_at.timestamp(),
                               "text": latest["text"], "parse_data": latest}],
                      followup_action=None, active_loop={}, latest_action_name="action_listen")
    dispatcher = CollectingDispatcher()
    result: Any = ActionPay().run(dispatcher, tracker, {})
    if asyncio.iscoroutine(result):
        asyncio.run(result)
    return str(dispatcher.messages[0]["text"])


@pytest.mark.usefixtures("action_settings")
def test_the_pay_answer_uses_the_row_in_force_on_the_uk_day(moment: Moment) -> None:
    text = pay_answer(moment.at)
    assert moment.wage in text and f"(as of {moment.as_of}" in text


def test_carecareers_today_fixes_the_day_for_search_and_answers(
        factory: sessionmaker[Session], tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = date(2025, 6, 2)  # long past: without the fixed day both vacancies have closed
    with factory() as session, session.begin():
        yesterday_and_today(session, fixed)
    settings = make_settings(tmp_path, carecareers_today=fixed, environment="development")
    with web_client(settings, factory) as client:
        found = employers(client)
    assert "closing-today" in found and "closed-yesterday" not in found
    monkeypatch.setenv("CARECAREERS_TODAY", fixed.isoformat())
    monkeypatch.setenv("ENVIRONMENT", "development")
    get_settings.cache_clear()
    try:
        text = pay_answer(SUMMER.at)  # a message sent in April 2026 answers as on `fixed`
    finally:
        get_settings.cache_clear()
    assert "£12.21" in text and "(as of April 2025" in text
