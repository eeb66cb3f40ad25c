"""Migration 0009 (events, bookings, check-ins) up and down, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect

from carecareers.db import make_engine
from carecareers.migrate import upgrade
from tests.integration.test_migration_0005 import downgrade, fresh_url  # noqa: F401

TABLES = {"events", "event_providers", "event_bookings", "event_checkins"}


def tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_the_event_tables_come_and_go_with_the_migration(fresh_url: str) -> None:  # noqa: F811
    upgrade(fresh_url)
    assert TABLES <= tables(fresh_url)
    downgrade(fresh_url, "0008")
    assert not TABLES & tables(fresh_url)
    assert "outbox_messages" in tables(fresh_url)
    upgrade(fresh_url)
    assert TABLES <= tables(fresh_url)
