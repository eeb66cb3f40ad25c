"""The weekly vacancy history (carecareers/vacancies/history.py) on SQLite and PostgreSQL: a
small known world of vacancies, every figure of every row; idempotence; backfill; the
import's refresh; and the open data made from it (/data/vacancies.csv and .json)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from typer.testing import CliRunner
from vacancy_helpers import CONTENT, factory_for, nhs_job, noon_on, write_nhs_feed

from carecareers.cli import vacancies as cli_module
from carecareers.cli.vacancies import app as vacancies_cli
from carecareers.clock import FixedClock, as_utc
from carecareers.geo import districts_for
from carecareers.models import Vacancy, VacancyWeek
from carecareers.settings import get_settings
from carecareers.vacancies.history import backfill, build_weeks, legal_floor, refresh_recent
from carecareers.vacancies.salary import pay_rates_for
from tests.conftest import make_settings
from tests.factories import make_vacancy
from web.app import create_app

pytest_plugins = ["vacancy_fixtures"]

TODAY = date(2026, 4, 22)  # a Wednesday
NOW = datetime(2026, 4, 22, 11, 0, tzinfo=timezone.utc)
W1, W2, W3, W4, W5 = (date(2026, 3, 23), date(2026, 3, 30), date(2026, 4, 6),
                      date(2026, 4, 13), date(2026, 4, 20))  # Mondays; the floor rises 1 April
DISTRICTS = districts_for(CONTENT)
FLOOR = legal_floor(pay_rates_for(CONTENT))
CLOCK = FixedClock(NOW)
STOKE, MOORLANDS, MANCHESTER = "Stoke-on-Trent", "Staffordshire Moorlands", "Greater Manchester"


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)


def vacancy(session: Session, title: str, **values: Any) -> Vacancy:
    """A job board's vacancy unless a source says otherwise."""
    values.setdefault("source", "nhs_jobs")
    values.setdefault("first_seen_at", at(date(2026, 1, 1)))
    values.setdefault("last_seen_at", NOW)
    return make_vacancy(session, title, **values)


def world(session: Session) -> None:
    """Vacancies whose weeks are worked out by hand in EXPECTED."""
    oak = vacancy(session, "Care worker", employer="Oak Care", role_code="care_worker",
                  outcode="ST4", posted_on=date(2026, 3, 25), closes_on=date(2026, 5, 31),
                  salary_min=12.50, salary_period="hour")  # open throughout: the first ad
    vacancy(session, "Care worker", employer="Oak Care", role_code="care_worker",
            outcode="ST4", posted_on=date(2026, 3, 25), duplicate_of_id=oak.id)  # a copy
    vacancy(session, "Care worker", employer="  oak  CARE ", role_code="care_worker",
            outcode="ST4", posted_on=date(2026, 4, 14))  # readvertised: Oak Care again
    vacancy(session, "Care worker", employer="Other Care", role_code="care_worker",
            outcode="ST4", posted_on=date(2026, 4, 15))  # another employer: not readvertised
    vacancy(session, "Care worker", employer="Ash Care", role_code="care_worker",
            outcode="ST4", posted_on=date(2025, 10, 1), closes_on=date(2025, 12, 31),
            status="expired", last_seen_at=at(date(2026, 1, 5)))  # ended 91 days before...
    vacancy(session, "Care worker", employer="Ash Care", role_code="care_worker",
            outcode="ST4", posted_on=date(2026, 4, 1))  # ...this one: too late to readvertise
    # Closed by leaving the feed (last seen 8 April, before its closing date); a yearly
    # salary of £24,465 is £12.51 an hour: above the floor in March, below it from April.
    vacancy(session, "Senior carer", employer="Birch Homes", role_code="senior_care_worker",
            outcode="ST4", posted_on=date(2026, 3, 24), closes_on=date(2026, 6, 30),
            status="expired", last_seen_at=at(date(2026, 4, 8)),
            salary_min=24465, salary_max=26000, salary_period="year")
    # Expired, its closing date (1 April) before the day it was last seen.
    vacancy(session, "Healthcare assistant", employer="Oak Care",
            role_code="healthcare_assistant", outcode="ST4", posted_on=date(2026, 3, 16),
            closes_on=date(2026, 4, 1), status="expired", last_seen_at=at(date(2026, 4, 10)))
    # Still "open" but its closing date (15 April) has passed: closed that day.
    vacancy(session, "Care worker", employer="Cedar Lodge", role_code="care_worker",
            outcode="ST13", posted_on=date(2026, 3, 31), closes_on=date(2026, 4, 15))
    # Long open (hard to fill) every week, paid exactly the April floor.
    vacancy(session, "Care worker", employer="Elm House", role_code="care_worker",
            outcode="ST13", posted_on=date(2026, 2, 1), salary_min=12.71, salary_period="hour")
    # No date posted: first seen 23:30 UTC on Sunday 5 April, which is Monday in the UK
    # (summer time); £480 a week is £12.80 an hour.
    vacancy(session, "Care worker", employer="Yew Care", role_code="care_worker",
            outcode="ST13", posted_on=None, first_seen_at=at(date(2026, 4, 5), 23, 30),
            salary_min=480, salary_period="week")
    # Posted 1 March: long open from the Sunday 42 days later (12 April), not before.
    vacancy(session, "Staff nurse", employer="Fir Trust", role_code="registered_nurse",
            outcode="ST4", posted_on=date(2026, 3, 1))
    # Role not known: re-advertised by title, the earlier ad having ended exactly 90 days
    # before (7 January) this one started (7 April).
    vacancy(session, "Night  Carer", employer="Pine Care", role_code=None, outcode="ST13",
            posted_on=date(2025, 12, 1), closes_on=date(2026, 1, 7), status="expired",
            last_seen_at=at(date(2026, 1, 10)))
    vacancy(session, "night carer", employer="Pine Care", role_code=None, outcode="ST13",
            posted_on=date(2026, 4, 7))
    # The same employer and role 5 days apart: too soon to be a re-advertisement.
    vacancy(session, "Senior carer", employer="Ash Care", role_code="senior_care_worker",
            outcode="ST13", posted_on=date(2026, 4, 8))
    vacancy(session, "Senior carer", employer="Ash Care", role_code="senior_care_worker",
            outcode="ST13", posted_on=date(2026, 4, 13))
    # A provider's own, from two of its feeds: £2,100 a month (£12.89 an hour) and £90 a
    # day (£12.00 an hour, below the floor).
    vacancy(session, "Care worker", source="provider_csv:oakwood", employer="Oakwood Care",
            role_code="care_worker", outcode="ST4", posted_on=date(2026, 4, 21),
            salary_min=2100, salary_period="month")
    vacancy(session, "Care worker", source="jsonld:oakwood", employer="Oakwood Care",
            role_code="care_worker", outcode="ST4", posted_on=date(2026, 4, 20),
            salary_min=90, salary_period="day")
    # Outside the area, a place not known, and none at all.
    vacancy(session, "Care worker", employer="City Care", role_code="care_worker",
            outcode="M1", posted_on=date(2026, 3, 30))
    vacancy(session, "Care worker", employer="Far Care", role_code="care_worker",
            outcode="zz9", posted_on=date(2026, 4, 14))
    vacancy(session, "Support worker", employer="Nowhere Care", role_code=None, outcode=None,
            posted_on=date(2026, 4, 1), status="expired", last_seen_at=at(date(2026, 4, 2)))
    # Pay not known: a misread figure, and "up to" with no lowest amount.
    vacancy(session, "Activities lead", employer="Lime Care", role_code="activities",
            outcode="ST4", posted_on=date(2026, 4, 13), salary_min=25000,
            salary_period="hour")
    vacancy(session, "Activities lead", employer="Lark Care", role_code="activities",
            outcode="ST4", posted_on=date(2026, 4, 13), salary_max=13.0, salary_period="hour")
    # Its end (closing 5 April) before its start (10 April): left out.
    vacancy(session, "Care worker", employer="Odd Care", role_code="care_worker",
            outcode="ST4", posted_on=date(2026, 4, 10), closes_on=date(2026, 4, 5),
            status="expired", last_seen_at=at(date(2026, 4, 12)))


# (week, role, outcode, provider): (district, open, new, closed, readvertised, long_open,
# pay_known, pay_hourly_total, pay_below_floor)
EXPECTED: dict[tuple[date, str, str, str], tuple[str, int, int, int, int, int, int, float, int]] = {
    (W1, "care_worker", "ST4", ""): (STOKE, 1, 1, 0, 0, 0, 1, 12.50, 0),
    (W2, "care_worker", "ST4", ""): (STOKE, 2, 1, 0, 0, 0, 1, 12.50, 0),
    (W3, "care_worker", "ST4", ""): (STOKE, 2, 0, 0, 0, 0, 1, 12.50, 1),
    (W4, "care_worker", "ST4", ""): (STOKE, 4, 2, 0, 1, 0, 1, 12.50, 1),
    (W5, "care_worker", "ST4", ""): (STOKE, 4, 0, 0, 0, 0, 1, 12.50, 1),
    (W1, "senior_care_worker", "ST4", ""): (STOKE, 1, 1, 0, 0, 0, 1, 12.51, 0),
    (W2, "senior_care_worker", "ST4", ""): (STOKE, 1, 0, 0, 0, 0, 1, 12.51, 0),
    (W3, "senior_care_worker", "ST4", ""): (STOKE, 1, 0, 1, 0, 0, 1, 12.51, 1),
    (W1, "healthcare_assistant", "ST4", ""): (STOKE, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W2, "healthcare_assistant", "ST4", ""): (STOKE, 1, 0, 1, 0, 0, 0, 0.0, 0),
    (W1, "care_worker", "ST13", ""): (MOORLANDS, 1, 0, 0, 0, 1, 1, 12.71, 0),
    (W2, "care_worker", "ST13", ""): (MOORLANDS, 2, 1, 0, 0, 1, 1, 12.71, 0),
    (W3, "care_worker", "ST13", ""): (MOORLANDS, 3, 1, 0, 0, 1, 2, 25.51, 0),
    (W4, "care_worker", "ST13", ""): (MOORLANDS, 3, 0, 1, 0, 1, 2, 25.51, 0),
    (W5, "care_worker", "ST13", ""): (MOORLANDS, 2, 0, 0, 0, 1, 2, 25.51, 0),
    (W1, "registered_nurse", "ST4", ""): (STOKE, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W2, "registered_nurse", "ST4", ""): (STOKE, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W3, "registered_nurse", "ST4", ""): (STOKE, 1, 0, 0, 0, 1, 0, 0.0, 0),
    (W4, "registered_nurse", "ST4", ""): (STOKE, 1, 0, 0, 0, 1, 0, 0.0, 0),
    (W5, "registered_nurse", "ST4", ""): (STOKE, 1, 0, 0, 0, 1, 0, 0.0, 0),
    (W3, "", "ST13", ""): (MOORLANDS, 1, 1, 0, 1, 0, 0, 0.0, 0),
    (W4, "", "ST13", ""): (MOORLANDS, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W5, "", "ST13", ""): (MOORLANDS, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W3, "senior_care_worker", "ST13", ""): (MOORLANDS, 1, 1, 0, 0, 0, 0, 0.0, 0),
    (W4, "senior_care_worker", "ST13", ""): (MOORLANDS, 2, 1, 0, 0, 0, 0, 0.0, 0),
    (W5, "senior_care_worker", "ST13", ""): (MOORLANDS, 2, 0, 0, 0, 0, 0, 0.0, 0),
    (W5, "care_worker", "ST4", "oakwood"): (STOKE, 2, 2, 0, 0, 0, 2, 24.89, 1),
    (W2, "care_worker", "M1", ""): (MANCHESTER, 1, 1, 0, 0, 0, 0, 0.0, 0),
    (W3, "care_worker", "M1", ""): (MANCHESTER, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W4, "care_worker", "M1", ""): (MANCHESTER, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W5, "care_worker", "M1", ""): (MANCHESTER, 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W4, "care_worker", "ZZ9", ""): ("", 1, 1, 0, 0, 0, 0, 0.0, 0),
    (W5, "care_worker", "ZZ9", ""): ("", 1, 0, 0, 0, 0, 0, 0.0, 0),
    (W2, "", "", ""): ("", 1, 1, 1, 0, 0, 0, 0.0, 0),
    (W4, "activities", "ST4", ""): (STOKE, 2, 2, 0, 0, 0, 0, 0.0, 0),
    (W5, "activities", "ST4", ""): (STOKE, 2, 0, 0, 0, 0, 0, 0.0, 0),
}


def stored(session: Session) -> dict[tuple[date, str, str, str], tuple[Any, ...]]:
    return {
        (r.week, r.role_code, r.outcode, r.provider_code): (
            r.district, r.open, r.new, r.closed, r.readvertised, r.long_open, r.pay_known,
            round(r.pay_hourly_total, 2), r.pay_below_floor)
        for r in session.scalars(select(VacancyWeek))
    }


def build(session: Session, first: date = W1, last: date = W5, clock: FixedClock = CLOCK,
          ) -> Any:
    return build_weeks(session, first, last, clock=clock, districts=DISTRICTS, floor=FLOOR)


@pytest.fixture
def session(vacancy_engine: Engine) -> Iterator[Session]:
    """A session on an empty database of each kind, committing as an entry point would."""
    with factory_for(vacancy_engine)() as db_session:
        yield db_session


def test_every_figure_of_every_row(session: Session) -> None:
    world(session)
    built = build(session)
    session.commit()
    assert built.weeks == (W1, W2, W3, W4, W5)
    assert built.rows == len(EXPECTED)
    assert stored(session) == EXPECTED


def test_made_twice_the_rows_are_the_same(session: Session) -> None:
    world(session)
    build(session)
    session.commit()
    later = FixedClock(NOW + timedelta(hours=1))
    build(session, clock=later)
    build(session, W4, W5, clock=later)
    session.commit()
    assert stored(session) == EXPECTED
    made = [as_utc(r.made_at) for r in session.scalars(select(VacancyWeek))]
    assert len(made) == len(EXPECTED) and set(made) == {later.now()}  # replaced, not added


def test_weeks_outside_the_range_are_left_alone(session: Session) -> None:
    world(session)
    build(session, W2, W3)
    session.commit()
    assert {key[0] for key in stored(session)} == {W2, W3}
    assert {k: v for k, v in EXPECTED.items() if k[0] in (W2, W3)} == stored(session)


def test_refresh_recent_makes_this_week_and_last(session: Session) -> None:
    world(session)
    built = refresh_recent(session, clock=CLOCK, districts=DISTRICTS, floor=FLOOR)
    session.commit()
    assert built.weeks == (W4, W5)
    assert stored(session) == {k: v for k, v in EXPECTED.items() if k[0] in (W4, W5)}


def test_backfill_fills_missing_weeks_and_keeps_old_ones(session: Session) -> None:
    old_week = date(2025, 6, 2)  # its vacancies are long gone
    kept = {"week": W2, "role_code": "care_worker", "outcode": "ST4", "provider_code": "",
            "district": STOKE, "open": 99}
    world(session)
    session.add(VacancyWeek(week=old_week, role_code="care_worker", outcode="ST4",
                            district=STOKE, open=7, made_at=NOW))
    session.add(VacancyWeek(**kept, made_at=NOW))  # W2 was made before: kept as it is
    session.add(VacancyWeek(week=W5, role_code="care_worker", outcode="ST4", open=55,
                            made_at=NOW))  # the last two weeks are made again
    built = backfill(session, clock=CLOCK, districts=DISTRICTS, floor=FLOOR)
    session.commit()
    # From the Monday of the earliest start (1 October 2025) to this week, but W2.
    assert built.weeks[0] == date(2025, 9, 29) and built.weeks[-1] == W5
    assert len(built.weeks) == 30 - 1 and W2 not in built.weeks
    rows = stored(session)
    assert rows.pop((old_week, "care_worker", "ST4", "")) == (STOKE, 7, 0, 0, 0, 0, 0, 0.0, 0)
    assert rows.pop((W2, "care_worker", "ST4", ""))[1] == 99
    expected = {k: v for k, v in EXPECTED.items() if k[0] != W2}
    assert {k: v for k, v in rows.items() if k[0] >= W1} == expected
    # Before W1: the earlier ads (Ash Care from October, Pine Care to January, ...).
    assert rows[(date(2025, 12, 29), "care_worker", "ST4", "")] == (
        STOKE, 1, 0, 1, 0, 0, 0, 0.0, 0)  # Ash Care's, closed 31 December
    assert rows[(date(2026, 1, 5), "", "ST13", "")] == (MOORLANDS, 1, 0, 1, 0, 0, 0, 0.0, 0)

    again = backfill(session, clock=CLOCK, districts=DISTRICTS, floor=FLOOR)
    session.commit()
    # Nothing is missing but the weeks no vacancy was open in (they have no rows), and the
    # last two weeks are made again: all the same as before.
    assert again.weeks == (date(2026, 1, 12), date(2026, 1, 19), W4, W5)
    assert stored(session) == {**rows, (old_week, "care_worker", "ST4", ""):
                               (STOKE, 7, 0, 0, 0, 0, 0, 0.0, 0),
                               (W2, "care_worker", "ST4", ""): (STOKE, 99, 0, 0, 0, 0, 0, 0.0, 0)}

    # the vacancies go; the weeks made from them stay
    session.execute(delete(Vacancy))
    backfill(session, clock=CLOCK, districts=DISTRICTS, floor=FLOOR)
    session.commit()
    weeks = {key[0] for key in stored(session)}
    assert {old_week, date(2025, 12, 29), W1, W2, W3} <= weeks
    assert not weeks & {W4, W5}  # nothing is open now


def test_backfill_of_an_empty_database_makes_nothing(session: Session) -> None:
    built = backfill(session, clock=CLOCK, districts=DISTRICTS, floor=FLOOR)
    session.commit()
    assert built.rows == 0 and stored(session) == {}


# -- the import ----------------------------------------------------------------------------


@pytest.fixture
def cli_env(vacancy_engine: Engine, tmp_path: Path,
            monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    monkeypatch.setenv("DATABASE_URL", vacancy_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONTENT_DIR", str(content))
    # The commands' clock: noon on Wednesday 25 November 2026 (the time of "last seen" too).
    monkeypatch.setattr(cli_module, "clock_for", lambda _settings: noon_on(date(2026, 11, 25)))
    get_settings.cache_clear()
    yield content
    get_settings.cache_clear()


def test_an_import_refreshes_the_recent_weeks(cli_env: Path, vacancy_engine: Engine,
                                              tmp_path: Path) -> None:
    jobs = [nhs_job(1, postDate="2026-11-17"), nhs_job(2, postDate="2026-11-24"),
            nhs_job(3, postDate="2026-11-24", salary="£11.00 an hour")]
    runner = CliRunner()
    first = runner.invoke(vacancies_cli, ["import", "--source", "nhs_jobs",
                                          str(write_nhs_feed(tmp_path / "a.xml", jobs))])
    assert first.exit_code == 0, first.output
    assert "vacancy history: 2 weeks from 2026-11-16 to 2026-11-23 made, 2 rows" in first.stdout
    role = "healthcare_assistant"  # "Healthcare Support Worker"; £24,465 a year is £12.51 an
    with factory_for(vacancy_engine)() as session:  # hour, below November's floor (£12.71)
        assert stored(session) == {
            (date(2026, 11, 16), role, "ST4", ""): (STOKE, 1, 1, 0, 0, 0, 1, 12.51, 1),
            (date(2026, 11, 23), role, "ST4", ""): (STOKE, 3, 2, 0, 2, 0, 3, 36.02, 3),
        }
    # Job 2 now closes on 24 November: the import expires it, last seen on the 25th, so the
    # week counts it closed.
    jobs[1] = nhs_job(2, postDate="2026-11-24", closeDate="2026-11-24")
    second = runner.invoke(vacancies_cli, ["import", "--source", "nhs_jobs", "--json",
                                           str(write_nhs_feed(tmp_path / "b.xml", jobs))])
    assert second.exit_code == 0, second.output
    assert len(second.stdout.strip().splitlines()) == 1  # JSON only
    with factory_for(vacancy_engine)() as session:
        assert stored(session)[(date(2026, 11, 23), role, "ST4", "")] == (
            STOKE, 3, 2, 1, 2, 0, 3, 36.02, 3)


def test_a_failed_refresh_does_not_lose_the_import(cli_env: Path, vacancy_engine: Engine,
                                                    tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    caplog: pytest.LogCaptureFixture) -> None:
    def locked(session: Session, **_: Any) -> None:
        raise OperationalError("DELETE FROM vacancy_weeks", {}, Exception("database is locked"))

    monkeypatch.setattr(cli_module, "refresh_recent", locked)
    feed = write_nhs_feed(tmp_path / "a.xml", [nhs_job(1, postDate="2026-11-24")])
    result = CliRunner().invoke(vacancies_cli, ["import", "--source", "nhs_jobs", str(feed)])
    assert result.exit_code == 0, result.output
    assert "1 created" in result.stdout
    assert result.stderr.startswith("warning: the vacancy history was not refreshed "
                                    "(OperationalError)")
    assert "the vacancy history was not refreshed: OperationalError: database is locked" in (
        caplog.text)
    with factory_for(vacancy_engine)() as session:
        assert session.scalar(select(func.count()).select_from(Vacancy)) == 1
        assert stored(session) == {}


def test_the_history_command_backfills(cli_env: Path, vacancy_engine: Engine) -> None:
    with factory_for(vacancy_engine)() as session, session.begin():
        vacancy(session, "Care worker", role_code="care_worker", outcode="ST4",
                posted_on=date(2026, 11, 2))
    result = CliRunner().invoke(vacancies_cli, ["history", "--backfill", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "weeks": ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"], "rows": 4,
        "vacancies": 1}
    again = CliRunner().invoke(vacancies_cli, ["history", "--backfill"])
    assert again.stdout.strip() == ("vacancy history: 2 weeks from 2026-11-16 to 2026-11-23 "
                                    "made, 2 rows from 1 vacancies")


# -- open data -----------------------------------------------------------------------------

COLUMNS = ["week", "district", "outcode", "role_code", "role_name", "open", "new", "closed",
           "readvertised", "long_open", "pay_known", "mean_hourly_pay", "pay_below_floor",
           "share_below_floor"]  # as docs/open-data.md documents them
ROLE_NAMES = {"care_worker": "care worker", "senior_care_worker": "senior care worker",
              "healthcare_assistant": "healthcare assistant",
              "registered_nurse": "registered nurse"}


def area_rows(weeks: tuple[date, ...] = (W1, W2, W3, W4, W5),
              district: str | None = None) -> list[dict[str, Any]]:
    """EXPECTED summed over publishers, for the area's postcode districts (not M1, ZZ9 or
    unknown), as the endpoints give them."""
    sums: dict[tuple[date, str, str], list[Any]] = {}
    for (week, role, outcode, _), (name, *figures) in EXPECTED.items():
        if week in weeks and DISTRICTS.in_area(outcode) and district in (None, name):
            total = sums.setdefault((week, outcode, role), [name, *[0] * len(figures)])
            for index, figure in enumerate(figures, start=1):
                total[index] += figure
    rows = []
    for (week, outcode, role), (name, opened, new, closed, readv, long_open, known, pay,
                                below) in sums.items():
        rows.append({
            "week": week.isoformat(), "district": name, "outcode": outcode, "role_code": role,
            "role_name": ROLE_NAMES.get(role, ""), "open": opened, "new": new,
            "closed": closed, "readvertised": readv, "long_open": long_open,
            "pay_known": known,
            "mean_hourly_pay": round(pay / known, 2) if known else None,
            "pay_below_floor": below,
            "share_below_floor": round(below / known, 3) if known else None})
    return sorted(rows, key=lambda r: (r["week"], r["district"], r["outcode"], r["role_code"]))


@pytest.fixture
def web(vacancy_engine: Engine, tmp_path: Path) -> Iterator[TestClient]:
    with factory_for(vacancy_engine)() as session:
        world(session)
        build(session)
        session.commit()
    settings = make_settings(tmp_path, carecareers_today=TODAY.isoformat(),
                             database_url=vacancy_engine.url.render_as_string(
                                 hide_password=False))
    with TestClient(create_app(settings)) as client:
        yield client


def test_open_data_json_is_the_history_of_the_area(web: TestClient) -> None:
    answer = web.get("/data/vacancies.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    data = answer.json()
    assert (data["area"], data["from"], data["to"], data["district"]) == (
        "Staffordshire and Stoke-on-Trent", "2025-04-28", "2026-04-20", None)  # 52 weeks
    assert data["columns"] == COLUMNS
    assert data["rows"] == area_rows()
    # Worked by hand: the job boards' four and the provider's own two, three with pay.
    assert {"week": "2026-04-20", "district": STOKE, "outcode": "ST4",
            "role_code": "care_worker", "role_name": "care worker", "open": 6, "new": 2,
            "closed": 0, "readvertised": 0, "long_open": 0, "pay_known": 3,
            "mean_hourly_pay": 12.46, "pay_below_floor": 2,
            "share_below_floor": 0.667} in data["rows"]
    assert not {"M1", "ZZ9", ""} & {row["outcode"] for row in data["rows"]}


def test_open_data_csv_has_the_documented_header_and_the_same_numbers(web: TestClient) -> None:
    answer = web.get("/data/vacancies.csv?from=2026-04-08&to=2026-04-14")  # W3 and W4
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == (
        'inline; filename="vacancies-2026-04-06-2026-04-13.csv"')
    assert answer.text.splitlines()[0] == ",".join(COLUMNS)
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == [{name: "" if row[name] is None else str(row[name]) for name in COLUMNS}
                    for row in area_rows((W3, W4))]
    assert len(rows) == 12


def test_open_data_by_district(web: TestClient) -> None:
    data = web.get("/data/vacancies.json?district=staffordshire%20moorlands&to=2026-04-26"
                   ).json()
    assert data["district"] == MOORLANDS
    assert data["rows"] == area_rows(district=MOORLANDS)
    assert {row["outcode"] for row in data["rows"]} == {"ST13"}


@pytest.mark.parametrize(("query", "detail"), [
    ("from=2026-13-01", "Give dates like 2026-04-06 (year, month, day)."),
    ("to=yesterday", "Give dates like 2026-04-06 (year, month, day)."),
    ("from=2026-04-20&to=2026-04-12", 'The "to" date is before the "from" date.'),
    ("from=2021-04-12&to=2026-04-22", "Ask for 5 years or less at a time."),
    ("district=Narnia", "There is no such district in the area. Use one of: Cannock Chase, "
     "East Staffordshire, Lichfield, Newcastle-under-Lyme, South Staffordshire, Stafford, "
     "Staffordshire Moorlands, Stoke-on-Trent, Tamworth."),
])
def test_open_data_says_what_is_wrong_with_a_filter(web: TestClient, query: str,
                                                    detail: str) -> None:
    for kind in ("csv", "json"):
        answer = web.get(f"/data/vacancies.{kind}?{query}")
        assert answer.status_code == 400
        assert answer.json() == {"detail": detail}
        assert answer.headers["access-control-allow-origin"] == "*"


def test_five_years_is_the_most(web: TestClient) -> None:
    answer = web.get("/data/vacancies.json?from=2021-04-26&to=2026-04-22")  # 261 weeks
    assert answer.status_code == 200 and answer.json()["rows"] == area_rows()


def test_open_data_is_public_cached_and_sets_no_cookie(web: TestClient) -> None:
    first = web.get("/data/vacancies.json")
    assert first.headers["cache-control"] == "public, max-age=3600"
    assert first.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in first.headers and not web.cookies
    etag = first.headers["etag"]
    again = web.get("/data/vacancies.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    csv_answer = web.get("/data/vacancies.csv", headers={"If-None-Match": etag})
    assert csv_answer.status_code == 200 and csv_answer.headers["etag"] != etag
    assert "set-cookie" not in csv_answer.headers
