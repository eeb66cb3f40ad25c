"""The demo vacancies are samples, open on the day they are seeded, paid at least the floor."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

from carecareers.clock import UK, FixedClock
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import Vacancy
from carecareers.runtime.demo import seed_demo
from tests.conftest import make_settings

FULL_TIME_HOURS_A_YEAR = 37.5 * 52


@pytest.mark.parametrize(("seeded", "floor"), [(date(2026, 11, 30), 12.71),
                                               (date(2025, 9, 1), 12.21)])
def test_seeded_samples_are_open_and_paid_at_least_the_floor(
    tmp_path: Path, seeded: date, floor: float
) -> None:
    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session, session.begin():
        report = seed_demo(session, settings, FixedClock(datetime.combine(seeded, time(12), UK)))
        vacancies = session.scalars(select(Vacancy)).all()
    assert report.vacancies["created"] == len(vacancies) >= 20
    for vacancy in vacancies:
        assert vacancy.title.startswith("Sample: ")
        assert vacancy.closes_on is not None and vacancy.closes_on > seeded
        assert vacancy.posted_on is None or vacancy.posted_on <= seeded
        assert vacancy.salary_min is not None, vacancy.salary_text
        hourly = (vacancy.salary_min if vacancy.salary_period == "hour"
                  else vacancy.salary_min / FULL_TIME_HOURS_A_YEAR)
        assert hourly >= floor, (vacancy.title, vacancy.salary_text)


def test_sample_stories_are_shown_and_say_they_are_samples(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from carecareers.models import StaffStory
    from web.app import create_app

    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    clock = FixedClock(datetime.combine(date(2026, 12, 6), time(12), UK))
    with factory() as session, session.begin():
        seed_demo(session, settings, clock)
        seed_demo(session, settings, clock)  # a second run adds nothing
        stories = session.scalars(select(StaffStory)).all()
        ids = [s.id for s in stories]
        assert len(stories) == 4
        assert all(s.sample and s.status == "approved" for s in stories)
        assert {s.role for s in stories} >= {"care_worker", "healthcare_assistant"}
        assert any(len(s.day) >= 5 for s in stories)
    with TestClient(create_app(settings)) as client:
        for story_id in ids:
            page = client.get(f"/stories/{story_id}")
            assert page.status_code == 200
            assert "This is a sample story, made up to show how stories look." in page.text


def test_the_seed_makes_the_weekly_history_of_the_samples(tmp_path: Path) -> None:
    from sqlalchemy import func

    from carecareers.models import VacancyWeek

    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    seeded = date(2026, 12, 2)  # a Wednesday; the samples were posted up to 13 days before
    with factory() as session, session.begin():
        report = seed_demo(session, settings, FixedClock(datetime.combine(seeded, time(12), UK)))
        samples = session.scalar(select(func.count()).select_from(Vacancy)
                                 .where(Vacancy.duplicate_of_id.is_(None)))
        weeks = dict(session.execute(
            select(VacancyWeek.week, func.sum(VacancyWeek.open))
            .group_by(VacancyWeek.week)).tuples().all())
        below = session.scalar(select(func.sum(VacancyWeek.pay_below_floor)))
    assert report.history["weeks"] == ["2026-11-16", "2026-11-23", "2026-11-30"]
    assert sorted(weeks) == [date(2026, 11, 16), date(2026, 11, 23), date(2026, 11, 30)]
    assert weeks[date(2026, 11, 30)] == samples  # every sample is open this week
    assert below == 0
