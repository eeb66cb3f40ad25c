"""Nobody forgotten: waiting and overdue leads, the one honest message, and each provider's
follow-up figures on the dashboard (carecareers/outcomes/waiting.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from carecareers.cli.main import app
from carecareers.clock import as_utc
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import Lead, LeadRoute, OutboxMessage, Provider
from carecareers.outcomes import record_outcome, route_to_record
from carecareers.outcomes.days import waiting_state, working_days_between
from carecareers.outcomes.waiting import follow_up_picture, latest_day_waited, tell_overdue
from carecareers.settings import get_settings
from tests.conftest import make_settings
from tests.factories import Dashboard, dashboard, make_adviser, make_lead, make_provider
from tests.support.sessions import rolled_back

MONDAY = datetime(2027, 5, 3, 10, tzinfo=timezone.utc)
DAYS = 5


@pytest.fixture
def db(engine: Engine) -> Iterator[tuple[Connection, Session]]:
    with rolled_back(engine) as pair:
        yield pair


def lead_passed(session: Session, on: datetime, *providers: Provider,
                **values: object) -> Lead:
    fields: dict[str, object] = {"contact_method": "email", "phone": None,
                                 "email": f"p{on:%d%H%M}{len(providers)}@example.org",
                                 "created_at": on}
    fields.update(values)
    lead = make_lead(session, "Tia", providers=providers, **fields)
    for route in session.scalars(select(LeadRoute).where(LeadRoute.lead_id == lead.id)):
        route.routed_at = on
    session.flush()
    return lead


def overdue_messages(session: Session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "outcome_overdue").order_by(OutboxMessage.id)))


@pytest.mark.parametrize("start, end, days", [
    (date(2027, 5, 3), date(2027, 5, 3), 0),  # the same day
    (date(2027, 4, 30), date(2027, 5, 3), 1),  # Friday to Monday
    (date(2027, 5, 1), date(2027, 5, 2), 0),  # Saturday to Sunday
    (date(2027, 5, 3), date(2027, 5, 10), 5),  # a week
    (date(2027, 5, 3), date(2027, 5, 17), 10),
    (date(2027, 5, 7), date(2027, 5, 3), 0),  # backwards
])
def test_working_days_count_monday_to_friday(start: date, end: date, days: int) -> None:
    assert working_days_between(start, end) == days


@pytest.mark.parametrize("today", [date(2027, 5, 17) + timedelta(days=n) for n in range(7)])
@pytest.mark.parametrize("working_days", [1, 5, 10, 11])
def test_the_latest_day_waited_is_the_last_one_that_counts(today: date,
                                                           working_days: int) -> None:
    latest = latest_day_waited(today, working_days)
    assert working_days_between(latest, today) >= working_days
    assert working_days_between(latest + timedelta(days=1), today) < working_days


def test_a_route_waits_after_the_contact_days_and_is_overdue_after_twice(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak = make_provider(session)
    lead = lead_passed(session, MONDAY, oak)
    [route] = lead.routes
    assert waiting_state(route, date(2027, 5, 7), DAYS) is None  # 4 working days
    assert waiting_state(route, date(2027, 5, 10), DAYS) == "waiting"
    assert waiting_state(route, date(2027, 5, 17), DAYS) == "overdue"
    staff = make_adviser(session)
    record_outcome(session, route, staff, "contacted", date(2027, 5, 4), None,
                   MONDAY + timedelta(days=1))
    assert waiting_state(route, date(2027, 5, 17), DAYS) is None


def test_an_overdue_person_is_told_once_naming_every_provider_and_other_ways(
        db: tuple[Connection, Session]) -> None:
    _, session = db
    oak, elm = make_provider(session, name="Oak House"), make_provider(session, name="Elm Care")
    late = lead_passed(session, MONDAY, oak, elm)
    recent = lead_passed(session, MONDAY + timedelta(days=7), oak)
    young = lead_passed(session, MONDAY, oak, age=15, age_band="under_16")
    two_weeks_on = MONDAY + timedelta(days=14)

    assert tell_overdue(session, two_weeks_on, DAYS) == 1
    [told] = overdue_messages(session)
    assert told.address == late.email
    assert "Elm Care and Oak House haven't been in touch yet" in told.body
    assert "10 working days" in told.body
    assert "National Careers Service" in told.body
    assert all(r.overdue_told_at and as_utc(r.overdue_told_at) == two_weeks_on
               for r in late.routes + young.routes)  # the young one is marked, not told
    assert recent.routes[0].overdue_told_at is None  # not overdue yet

    assert tell_overdue(session, two_weeks_on + timedelta(days=1), DAYS) == 0  # once only
    assert len(overdue_messages(session)) == 1


def test_the_follow_up_figures_per_provider(db: tuple[Connection, Session]) -> None:
    _, session = db
    oak, elm = make_provider(session, name="Oak House"), make_provider(session, name="Elm Care")
    staff = make_adviser(session)
    today = date(2027, 5, 17)
    fast, slow, started = (lead_passed(session, MONDAY, oak) for _ in range(3))
    for lead, outcome, on in [(fast, "contacted", date(2027, 5, 5)),
                              (slow, "interview", date(2027, 5, 14)),
                              (started, "started", date(2027, 5, 12))]:
        record_outcome(session, route_to_record(session, lead, staff, oak.id), staff, outcome,
                       on, None, MONDAY + timedelta(days=14))
    lead_passed(session, MONDAY, elm)  # overdue
    lead_passed(session, MONDAY + timedelta(days=7), elm)  # waiting
    lead_passed(session, MONDAY + timedelta(days=13), elm)  # just passed on

    picture = follow_up_picture(session, today, DAYS)
    rows = {row.provider: row for row in picture.figures}
    assert (rows["Oak House"].passed, rows["Oak House"].contacted_in_time,
            rows["Oak House"].interviews, rows["Oak House"].starts,
            rows["Oak House"].share_with_outcome) == (3, 1, 1, 1, 1.0)
    assert rows["Oak House"].median_days_to_contact == 5.5  # 2 and 9 working days
    assert (rows["Elm Care"].waiting, rows["Elm Care"].overdue,
            rows["Elm Care"].share_with_outcome) == (1, 1, 0.0)
    assert [provider for _, _, provider in picture.overdue] == ["Elm Care"]
    assert picture.overdue_total == 1
    only_oak = follow_up_picture(session, today, DAYS, provider_id=oak.id)
    assert [row.provider for row in only_oak.figures] == ["Oak House"]


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    with dashboard(engine, make_settings(tmp_path)) as harness:
        yield harness


def test_the_follow_up_page_shows_staff_every_provider_and_a_provider_its_own(
        dash: Dashboard) -> None:
    oak = make_provider(dash.session, name="Oak House")
    elm = make_provider(dash.session, name="Elm Care")
    long_ago = datetime.now(timezone.utc) - timedelta(days=30)
    waiting = lead_passed(dash.session, long_ago, elm, email="w@example.org")
    lead_passed(dash.session, long_ago, oak, email="o@example.org")
    dash.log_in_as(make_adviser(dash.session, "sam@programme.example.org"))
    page = dash.client.get("/advisers/follow-up").text
    assert "Oak House" in page and "Elm Care" in page
    assert f'href="/advisers/leads/{waiting.id}"' in page  # overdue, listed for staff

    dash.client.cookies.clear()
    dash.log_in_as(make_adviser(dash.session, "ola@oak.example.org", role="provider",
                                provider=oak))
    own = dash.client.get("/advisers/follow-up").text
    assert "Oak House" in own and "Elm Care" not in own


def test_the_overdue_command_tells_people_from_the_cli(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("CARECAREERS_TODAY", "2027-05-17")
    get_settings.cache_clear()
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session, session.begin():
        lead_passed(session, MONDAY, make_provider(session, name="Oak House"))
    runner = CliRunner()
    first = runner.invoke(app, ["leads", "overdue"])
    again = runner.invoke(app, ["leads", "overdue"])
    get_settings.cache_clear()
    assert first.exit_code == 0 and first.stdout.strip().endswith(": 1"), first.stdout
    assert again.exit_code == 0 and again.stdout.strip().endswith(": 0")
    with factory() as session:
        assert len(overdue_messages(session)) == 1
