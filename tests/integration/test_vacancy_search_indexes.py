"""The search indexes stay current through imports, updates, expiry and de-duplication;
migration 0004 builds them for a database that already holds vacancies; and a search
never reads every match (each statement has a LIMIT), on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from vacancy_helpers import (
    FEEDS,
    TODAY,
    factory_for,
    gazetteer,
    import_feed,
    nhs_job,
    roles,
    write_nhs_feed,
)

from carecareers.db import make_engine
from carecareers.migrate import upgrade
from carecareers.models import Vacancy
from carecareers.vacancies import ranking
from carecareers.vacancies.search import SearchResult, search_vacancies
from tests.conftest import create_postgres_database, drop_postgres_database

pytest_plugins = ["vacancy_fixtures"]


def search(engine: Engine, **options: Any) -> SearchResult:
    options.setdefault("today", TODAY)
    with factory_for(engine)() as session:
        return search_vacancies(session, gazetteer=gazetteer(), roles=roles(), **options)


def found(engine: Engine, **options: Any) -> set[str]:
    return {hit.apply_url.rsplit("-", 1)[-1] for hit in search(engine, **options).vacancies}


def assert_sqlite_indexes_hold_the_open_vacancies(engine: Engine) -> None:
    """On SQLite: the FTS5 and R*Tree rows are exactly the open vacancies (with a place)."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        open_ids = set(connection.scalars(select(Vacancy.id).where(Vacancy.status == "open")))
        placed = set(connection.scalars(select(Vacancy.id).where(
            Vacancy.status == "open", Vacancy.latitude.is_not(None))))
        assert set(connection.scalars(text("SELECT rowid FROM vacancy_text"))) == open_ids
        assert set(connection.scalars(text("SELECT id FROM vacancy_places"))) == placed
        words = set(connection.scalars(text(
            "SELECT rowid FROM vacancy_text WHERE vacancy_text MATCH '\"worker\"'")))
        assert words == set(connection.scalars(select(Vacancy.id).where(
            Vacancy.status == "open", Vacancy.title.ilike("%worker%")
            | Vacancy.employer.ilike("%worker%"))))


def test_an_imported_vacancy_is_found_by_word_and_place(vacancy_engine: Engine,
                                                        tmp_path: Path) -> None:
    feed = write_nhs_feed(tmp_path / "feed.xml", [
        nhs_job(1, title="Phlebotomist", locations="Stafford, ST16 3SA"),
        nhs_job(2, title="Ward Clerk", locations="Birmingham, B1 1AA")])
    import_feed(vacancy_engine, "nhs_jobs", feed)

    assert found(vacancy_engine, q="phlebotomist") == {"0001"}
    assert found(vacancy_engine, q="LEBOTO") == {"0001"}  # any part of a word, any case
    assert found(vacancy_engine, near="ST16", radius_miles=3) == {"0001"}
    assert found(vacancy_engine, q="clerk", near="B1", radius_miles=3) == {"0002"}
    assert_sqlite_indexes_hold_the_open_vacancies(vacancy_engine)


def test_an_updated_vacancy_is_found_by_its_new_title_and_place(vacancy_engine: Engine,
                                                                tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [
        nhs_job(1, title="Phlebotomist", locations="Stafford, ST16 3SA"), nhs_job(2)]))
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [
        nhs_job(1, title="Ward Clerk", employer="Leek Moorlands Hospital",
                locations="Leek, ST13 5AA"), nhs_job(2)]))

    assert found(vacancy_engine, q="phlebotomist") == set()
    assert found(vacancy_engine, q="ward clerk") == {"0001"}
    assert found(vacancy_engine, q="moorlands") == {"0001"}
    assert found(vacancy_engine, near="ST16", radius_miles=2) == set()
    assert found(vacancy_engine, near="ST13", radius_miles=2) == {"0001"}
    assert_sqlite_indexes_hold_the_open_vacancies(vacancy_engine)


def test_expired_vacancies_leave_the_indexes_and_come_back_when_listed_again(
    vacancy_engine: Engine, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    jobs = [nhs_job(1, title="Phlebotomist", closeDate="2026-12-05"),
            nhs_job(2, title="Phlebotomy Assistant"), nhs_job(3)]
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, jobs))
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, jobs[:2]), complete=True,
                today=date(2026, 12, 6))  # 1 closed, 3 no longer listed

    assert found(vacancy_engine, q="phlebotom", today=date(2026, 12, 6)) == {"0002"}
    assert found(vacancy_engine, near="ST4", today=date(2026, 12, 6)) == {"0002"}
    assert_sqlite_indexes_hold_the_open_vacancies(vacancy_engine)

    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, jobs[1:]),
                today=date(2026, 12, 6))
    assert found(vacancy_engine, near="ST4", today=date(2026, 12, 6)) == {"0002", "0003"}
    assert_sqlite_indexes_hold_the_open_vacancies(vacancy_engine)


def test_a_duplicate_is_found_once_its_original_expires(vacancy_engine: Engine,
                                                        tmp_path: Path) -> None:
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
    import_feed(vacancy_engine, "find_apprenticeship", FEEDS / "find_apprenticeship.json")
    query = {"q": "apprentice healthcare support worker", "near": "ST16", "radius_miles": 2}
    before = search(vacancy_engine, **query)
    assert [hit.source for hit in before.vacancies
            if hit.title.startswith("Apprentice Healthcare")] == ["nhs_jobs"]

    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "empty.xml", []),
                complete=True)

    after = search(vacancy_engine, **query)
    assert [hit.source for hit in after.vacancies
            if hit.title.startswith("Apprentice Healthcare")] == ["find_apprenticeship"]
    assert_sqlite_indexes_hold_the_open_vacancies(vacancy_engine)


def test_deleted_vacancies_leave_the_indexes(vacancy_engine: Engine) -> None:
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
    with factory_for(vacancy_engine)() as session, session.begin():
        session.execute(Vacancy.__table__.delete().where(Vacancy.title.ilike("%nurse%")))

    assert search(vacancy_engine, q="nurse").total == 0
    assert_sqlite_indexes_hold_the_open_vacancies(vacancy_engine)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_at_0003(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database migrated to revision 0003, before the search indexes."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.db'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def test_the_migration_indexes_the_vacancies_already_stored(database_at_0003: str) -> None:
    upgrade(database_at_0003, "0003")
    engine = make_engine(database_at_0003)
    try:
        import_feed(engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
        import_feed(engine, "adzuna", FEEDS / "adzuna.json")
        upgrade(database_at_0003)

        assert found(engine, q="registered nurse", near="ST4") >= {"1003"}
        assert search(engine, near="ST4", radius_miles=30).total > 3
        assert search(engine, q="registered manager").vacancies[0].source == "adzuna"
        assert_sqlite_indexes_hold_the_open_vacancies(engine)
    finally:
        engine.dispose()


# -- a search reads a page, not every match -------------------------------------------------

@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def crowded(vacancy_engine: Engine, tmp_path: Path) -> Engine:
    """1,200 open care jobs around Stoke-on-Trent: more than the total's cap."""
    places = ["Stoke-on-Trent, ST4 6QG", "Hanley, ST1 3EE", "Newcastle-under-Lyme, ST5 1LZ",
              "Stafford, ST16 3SA", "Leek, ST13 5AA"]
    jobs = [nhs_job(n, title=("Healthcare Assistant", "Healthcare Support Worker")[n % 2],
                    locations=places[n % len(places)],
                    closeDate=(TODAY + timedelta(days=1 + n % 90)).isoformat())
            for n in range(1, 1201)]
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "crowded.xml", jobs))
    with factory_for(vacancy_engine)() as session:
        assert session.scalar(select(func.count()).select_from(Vacancy)) == 1200
    return vacancy_engine


@pytest.mark.parametrize("query", [
    {"q": "care"}, {"q": "healthcare assistant"}, {"near": "ST4", "radius_miles": 25},
    {"q": "care", "near": "ST4", "radius_miles": 25},
    {"q": "health", "near": "ST5", "radius_miles": 30},
    {}, {"apprenticeship": False},
])
def test_every_statement_reads_a_limited_number_of_rows(crowded: Engine,
                                                        query: dict[str, Any]) -> None:
    with statements(crowded) as seen:
        result = search(crowded, **query, limit=10)

    assert (result.total, result.total_exact) == (ranking.TOTAL_CAP, False)
    assert result.total_text == f"more than {ranking.TOTAL_CAP:,}"
    assert len(result.vacancies) == 10
    selects = [s for s in seen if s.upper().startswith("SELECT")]
    page = [s for s in selects if re.search(r"WHERE vacancies\.id IN \(", s)
            and "LIMIT" not in s]
    assert len(page) == 1 and page[0].count("?") + page[0].count("%(") <= 10
    for statement in selects:
        if statement not in page:
            assert re.search(r"\bLIMIT\b", statement), statement


@pytest.mark.postgres
@pytest.mark.parametrize("threshold, analysed", [(1, True), (10_000, False)])
def test_a_large_import_refreshes_postgresql_statistics(
    threshold: int, analysed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    from carecareers.vacancies import importing

    monkeypatch.setattr(importing, "ANALYZE_AFTER_ROWS", threshold)
    url = create_postgres_database()
    engine = make_engine(url)
    try:
        upgrade(url)
        import_feed(engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
        with engine.connect() as connection:
            stats = connection.scalar(text(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'vacancies'"))
        assert (stats > 0) is analysed
    finally:
        engine.dispose()
        drop_postgres_database(url)


def test_the_triggers_that_keep_sqlite_indexes_current_survive_every_migration(
    sqlite_template: Path,
) -> None:
    """A later migration that rebuilds `vacancies` (Alembic's batch mode on SQLite) drops its
    triggers: it must create them again, as in migration 0004."""
    engine = make_engine(f"sqlite:///{sqlite_template}")
    try:
        with engine.connect() as connection:
            triggers = set(connection.scalars(text(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'vacancies'")))
    finally:
        engine.dispose()
    assert triggers == {"vacancies_search_insert", "vacancies_search_update",
                        "vacancies_search_delete"}
