"""Databases for the vacancy integration tests (SQLite and PostgreSQL).

Load them with `pytest_plugins = ["vacancy_fixtures"]` (pytest only loads conftest.py
by itself); the helpers the tests call are in vacancy_helpers.py. Every test gets an
empty, migrated database: a copy of a migrated SQLite file, or the session's PostgreSQL
database (created with a unique name on the server's `postgres` database, dropped at the
end) with the vacancy tables emptied.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from vacancy_helpers import migrate

from carecareers.db import make_engine
from tests.conftest import create_postgres_database, drop_postgres_database


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file that each test copies."""
    path = tmp_path_factory.mktemp("vacancy-db") / "template.db"
    migrate(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A uniquely named, migrated PostgreSQL database for this test session."""
    url = create_postgres_database()  # fails without PostgreSQL (make test-lite skips)
    try:
        migrate(url)
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def vacancy_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An engine on an empty, migrated database: SQLite, then PostgreSQL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "vacancies.db"
        shutil.copy(template, path)
        engine = make_engine(f"sqlite:///{path}")
    else:
        engine = make_engine(request.getfixturevalue("postgres_url"))
        with engine.begin() as connection:
            connection.execute(
                text("TRUNCATE vacancies, feed_imports, vacancy_weeks RESTART IDENTITY"))
    yield engine
    engine.dispose()
