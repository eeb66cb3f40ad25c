"""Helpers for the vacancy integration tests: paths, imports, a feed writer.

Test modules import these; the fixtures live in vacancy_fixtures.py, loaded with
`pytest_plugins = ["vacancy_fixtures"]`.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.clock import UK, FixedClock
from carecareers.db import session_factory
from carecareers.geo import Gazetteer, gazetteer_for
from carecareers.models import Vacancy
from carecareers.vacancies.importing import ImportSummary, import_source
from carecareers.vacancies.roles import RoleIndex, role_index_for

ROOT = Path(__file__).resolve().parents[2]
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
CONTENT = ROOT / "content"
TODAY = date(2026, 11, 29)


def migrate(url: str) -> None:
    """Apply every Alembic migration to the database at url."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = url
    command.upgrade(config, "head")


def gazetteer() -> Gazetteer:
    return gazetteer_for(CONTENT)


def roles() -> RoleIndex:
    return role_index_for(CONTENT)


def factory_for(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


def noon_on(day: date) -> FixedClock:
    """A clock stopped at noon (UK time) on `day`."""
    return FixedClock(datetime.combine(day, time(12), UK))


def import_feed(engine: Engine, source: str, location: str | Path, **options: Any) -> ImportSummary:
    """Import a feed in its own transaction, as an entry point would (`today=`: on that day)."""
    options.setdefault("clock", noon_on(options.pop("today", TODAY)))
    options.setdefault("gazetteer", gazetteer())
    options.setdefault("roles", roles())
    with factory_for(engine)() as session, session.begin():
        return import_source(session, source, str(location), **options)


def vacancies(engine: Engine, **filters: Any) -> list[Vacancy]:
    """Return the stored vacancies (optionally filtered by column values), by source id."""
    with factory_for(engine)() as session:
        statement = select(Vacancy).filter_by(**filters).order_by(Vacancy.source,
                                                                  Vacancy.source_id)
        return list(session.scalars(statement))


def count_vacancies(engine: Engine) -> int:
    with factory_for(engine)() as session:
        return session.scalar(select(func.count()).select_from(Vacancy)) or 0


def write_nhs_feed(path: Path, jobs: list[dict[str, str]], total_pages: int = 1) -> Path:
    """Write an NHS Jobs search_xml file of the given jobs (field name -> text)."""
    from xml.sax.saxutils import escape

    parts = ['<?xml version="1.0" encoding="UTF-8"?>', "<nhsJobs>",
             f"<totalPages>{total_pages}</totalPages>",
             f"<totalResults>{len(jobs)}</totalResults>"]
    for job in jobs:
        parts.append("<vacancyDetails>")
        for name, value in job.items():
            if name == "locations":
                parts.append(f"<locations><locations>{escape(value)}</locations></locations>")
            else:
                parts.append(f"<{name}>{escape(value)}</{name}>")
        parts.append("</vacancyDetails>")
    parts.append("</nhsJobs>")
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


def nhs_job(number: int, **fields: str) -> dict[str, str]:
    """A plausible NHS Jobs entry; keyword arguments replace fields."""
    job = {
        "id": f"job-{number:04d}",
        "reference": f"C9333-26-{number:04d}",
        "title": "Healthcare Support Worker",
        "employer": "University Hospitals of North Midlands NHS Trust",
        "description": f"Ward {number} needs you.",
        "locations": "Royal Stoke University Hospital, Stoke-on-Trent, ST4 6QG",
        "salary": "£24,465 a year",
        "type": "Permanent",
        "postDate": "2026-11-20",
        "closeDate": "2027-01-31",
        "url": f"https://www.jobs.nhs.uk/candidate/jobadvert/C9333-26-{number:04d}",
    }
    job.update(fields)
    return job
