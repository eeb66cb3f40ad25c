"""The schema from the migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import time
from datetime import datetime, timezone

import pytest
from sqlalchemy import Connection, delete, func, inspect, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from carecareers.campaigns.service import (
    CampaignError,
    create_campaign,
    find_campaign,
    record_landing,
    record_message,
)
from carecareers.cli.common import engine_for
from carecareers.db import (
    DatabaseUnavailable,
    check_database,
    make_engine,
    session_factory,
    single_statements,
)
from carecareers.migrate import upgrade
from carecareers.models import Base, CampaignVisit, Consent, Conversation, FollowUp, Lead
from tests.conftest import make_settings

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


def test_migrations_create_every_table_of_the_model(engine) -> None:
    tables = set(inspect(engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrating_twice_changes_nothing(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)


def test_deleting_a_lead_removes_its_consents_and_follow_ups(session: Session) -> None:
    lead = Lead(sender_id="web-1", first_name="Sam", contact_method="email",
                email="sam@example.org", channel="web")
    lead.consents.append(Consent(wording_version="1", wording="ok", channels=["email"]))
    lead.follow_ups.append(FollowUp(outcome="contacted", note=""))
    session.add(lead)
    session.flush()
    session.delete(lead)
    session.flush()
    assert session.scalars(select(Consent)).all() == []
    assert session.scalars(select(FollowUp)).all() == []


def test_one_lead_per_sender(session: Session) -> None:
    session.add(Lead(sender_id="web-2", first_name="A", contact_method="phone", channel="web"))
    session.flush()
    session.add(Lead(sender_id="web-2", first_name="B", contact_method="phone", channel="web"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_campaign_visits_and_conversations_are_attributed(session: Session) -> None:
    campaign = create_campaign(session, "stoke-fb", "Stoke food bank", kind="food_bank")
    assert campaign.code == "STOKE-FB"
    assert record_landing(session, "Stoke-FB", None, now=NOW) is campaign
    assert record_landing(session, "unknown-code", None, now=NOW) is None
    record_message(session, "web-3", "web", "stoke-fb", now=NOW)
    record_message(session, "web-3", "web", "stoke-fb", now=NOW)
    session.flush()
    visits = session.scalars(select(CampaignVisit)).all()
    assert [v.campaign_id for v in visits] == [campaign.id]
    stored = session.scalar(select(Conversation).where(Conversation.sender_id == "web-3"))
    assert stored is not None
    assert (stored.campaign_id, stored.message_count) == (campaign.id, 2)


@pytest.mark.parametrize("code, name, kind", [
    ("bad code!", "x", "online"), ("ok", " ", "online"), ("ok", "x", "rave"),
])
def test_invalid_campaigns_are_refused(session: Session, code: str, name: str, kind: str) -> None:
    with pytest.raises(CampaignError):
        create_campaign(session, code, name, kind=kind)
    assert find_campaign(session, code) is None


def test_an_unreachable_database_is_reported_in_one_line() -> None:
    engine = make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    with pytest.raises(DatabaseUnavailable) as error:
        check_database(engine)
    assert "127.0.0.1:1" in str(error.value)
    assert "\n" not in str(error.value)


def test_a_command_takes_the_sqlite_write_lock_as_its_transaction_begins(tmp_path) -> None:
    """Commands (cron jobs) run beside the web app, whose transactions begin IMMEDIATE. A
    command's read-then-write transaction begun the lazy way would deadlock against a
    writer and fail at once with "database is locked"; begun IMMEDIATE, it waits its turn."""
    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    command = engine_for(settings)
    other = sqlite3.connect(tmp_path / "app.db", timeout=0.05, isolation_level=None)
    try:
        with command.begin():  # no statement yet: the lock is taken by BEGIN itself
            with pytest.raises(sqlite3.OperationalError, match="database is locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # let go when the command's transaction ends
        other.execute("ROLLBACK")
    finally:
        other.close()



def outside_a_transaction(connection: Connection) -> bool:
    """Whether the driver's connection runs each statement alone (no BEGIN was sent)."""
    driver = connection.connection.dbapi_connection
    if connection.dialect.name == "sqlite":
        return not driver.in_transaction  # type: ignore[union-attr]
    return bool(driver.autocommit)  # type: ignore[union-attr]


def test_single_statements_run_outside_a_transaction_and_leave_the_sessions_connections_alone(
        database_url: str) -> None:
    """A read of one statement sees what another connection committed a moment before, takes
    no lock, and (on PostgreSQL, from a pool of its own) never switches the connections the
    sessions use in and out of autocommit."""
    engine = make_engine(database_url, immediate=True)
    reads = single_statements(session_factory(engine))
    try:
        with reads.connect() as connection:
            before = connection.scalar(select(func.count()).select_from(Conversation))
            assert outside_a_transaction(connection)
        with session_factory(engine)() as session, session.begin():
            record_message(session, "single-reads-person", "web", None, now=NOW)
        with reads.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Conversation)) == before + 1
        with engine.connect() as connection:
            connection.scalar(select(func.count()).select_from(Conversation))
            assert not outside_a_transaction(connection)  # the sessions' own: as they were
        own = reads.engine.pool  # type: ignore[attr-defined]
        if engine.dialect.name == "postgresql":
            assert own is not engine.pool
            assert reads.engine.dialect.name == "postgresql"  # type: ignore[attr-defined]
            assert own.checkedin() == 1
        reads.close()  # its own pool's connections end; the sessions' pool is untouched
        assert own.checkedin() == (0 if engine.dialect.name == "postgresql" else 1)
        with reads.connect() as connection:  # and a read after it still works
            connection.scalar(select(func.count()).select_from(Conversation))
    finally:
        with session_factory(engine)() as session, session.begin():
            session.execute(delete(Conversation).where(
                Conversation.sender_id == "single-reads-person"))
        reads.close()
        engine.dispose()


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_single_statements_fail_once_on_a_connection_the_server_ended_then_reconnect(
        database_url: str) -> None:
    """Their own pool does not check a connection before each use (that is a round trip):
    after the server ends its connections (a restart), one statement fails, its user goes on
    another way (the relay: in a transaction), and the next statement gets a new connection."""
    engine = make_engine(database_url)
    single = single_statements(session_factory(engine))
    try:
        with single.connect() as connection:
            pid = connection.scalar(text("SELECT pg_backend_pid()"))
        with engine.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            for _ in range(100):  # the server ends it a moment later
                if not other.scalar(text("SELECT count(*) FROM pg_stat_activity "
                                         "WHERE pid = :pid"), {"pid": pid}):
                    break
                time.sleep(0.05)
        with pytest.raises(DBAPIError) as failed, single.connect() as connection:
            connection.scalar(text("SELECT 1"))
        assert failed.value.connection_invalidated
        with single.connect() as connection:
            assert connection.scalar(text("SELECT pg_backend_pid()")) != pid
    finally:
        single.close()
        engine.dispose()
