"""Migration 0005 (dashboard sessions, a status per lead route) up and down, on both databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import inspect, text

from carecareers.db import make_engine
from carecareers.migrate import alembic_config, upgrade
from tests.conftest import create_postgres_database, drop_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    url = create_postgres_database()
    try:
        yield url
    finally:
        drop_postgres_database(url)


def downgrade(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            config = alembic_config(url)
            config.attributes["connection"] = connection
            command.downgrade(config, revision)
    finally:
        engine.dispose()


def test_existing_routes_start_as_new_and_the_migration_goes_down_and_up(fresh_url: str,
                                                                         ) -> None:
    upgrade(fresh_url, "0003")
    engine = make_engine(fresh_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO providers (code, name, kind, areas, programmes, roles, active) "
                "VALUES ('P1', 'P', 'care_home', '[]', '[]', '[]', true)"))
            connection.execute(text(
                "INSERT INTO leads (sender_id, first_name, contact_method, interests, "
                "wants_callback, shown_vacancy_ids, channel, status, created_at, updated_at, "
                "last_activity_at) VALUES ('s', 'Sam', 'phone', '[]', false, '[]', 'web', "
                "'new', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            connection.execute(text(
                "INSERT INTO lead_routes (lead_id, provider_id, routed_at) "
                "SELECT leads.id, providers.id, CURRENT_TIMESTAMP FROM leads, providers"))
        upgrade(fresh_url, "0005")
        with engine.connect() as connection:
            assert connection.scalar(text("SELECT status FROM lead_routes")) == "new"
        assert "adviser_sessions" in inspect(engine).get_table_names()
        downgrade(fresh_url, "0004")
        engine.dispose()
        assert "adviser_sessions" not in inspect(engine).get_table_names()
        assert "status" not in {c["name"] for c in inspect(engine).get_columns("lead_routes")}
        upgrade(fresh_url, "0005")
    finally:
        engine.dispose()
