"""Failed logins counted atomically, before the password is checked, and never while a
database write lock is held: parallel guesses on PostgreSQL, and SQLite's one writer."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.advisers import accounts
from carecareers.advisers.accounts import (
    MAX_FAILED_LOGINS,
    AccountLocked,
    LoginRefused,
    authenticate,
    find_adviser,
)
from carecareers.clock import Clock
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import AuditEvent
from tests.conftest import create_postgres_database, drop_postgres_database, make_settings
from tests.factories import PASSWORD, log_in, make_adviser
from web.app import create_app
from web.ratelimit import LOGIN_ATTEMPTS_PER_ADDRESS

# The lock runs from the real time: the web app's login (tested here too) reads the clock.
NOW = Clock().now()

EMAIL = "jo@example.org"
GUESSES = 12


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database of its own: the tests commit, from many connections at once."""
    url = create_postgres_database()
    try:
        upgrade(url)
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(scope="module")
def postgres(postgres_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(postgres_url, pool_size=GUESSES, max_overflow=0)
    yield session_factory(engine)
    engine.dispose()


def guess_in_parallel(guess: object) -> list[str]:
    """Make GUESSES wrong guesses at once (released together); return how each ended."""
    ready = threading.Barrier(GUESSES)

    def one(_: int) -> str:
        ready.wait()
        try:
            guess()  # type: ignore[operator]
        except AccountLocked:
            return "locked"
        except LoginRefused:
            return "refused"
        return "logged in"

    with ThreadPoolExecutor(GUESSES) as pool:
        return list(pool.map(one, range(GUESSES)))


def wrong_reasons(factory: sessionmaker[Session]) -> list[str]:
    with factory() as session:
        return [str((e.detail or {}).get("reason")) for e in session.scalars(
            select(AuditEvent).where(AuditEvent.action == "login.failed"))]


def test_twelve_parallel_wrong_passwords_are_all_counted_and_lock_at_the_threshold(
        postgres: sessionmaker[Session]) -> None:
    with postgres() as session, session.begin():
        make_adviser(session, EMAIL)

    def guess() -> None:
        with postgres() as session, session.begin():
            try:  # a refusal is committed, as the login page does
                authenticate(session, EMAIL, "a wrong guess", NOW)
            except LoginRefused as refused:
                failed = refused
        raise failed

    assert "logged in" not in guess_in_parallel(guess)
    with postgres() as session:
        adviser = find_adviser(session, EMAIL)
        assert adviser is not None
        assert adviser.failed_logins == GUESSES
        assert adviser.locked_until is not None
    # The lock engaged at the threshold: only that many passwords were ever checked.
    assert wrong_reasons(postgres).count("wrong password") == MAX_FAILED_LOGINS
    with postgres() as session, session.begin(), pytest.raises(AccountLocked):
        authenticate(session, EMAIL, PASSWORD, NOW)


def test_parallel_guesses_through_the_login_form_are_all_counted(
        postgres: sessionmaker[Session], postgres_url: str, tmp_path: Path) -> None:
    with postgres() as session, session.begin():
        make_adviser(session, "sam@example.org")
    app = create_app(make_settings(tmp_path, database_url=postgres_url))
    clients = [TestClient(app) for _ in range(GUESSES)]
    pages = [client.get("/advisers/login") for client in clients]
    assert {page.status_code for page in pages} == {200}
    answers: list[int] = []

    def guess_with(client: TestClient) -> None:
        answers.append(log_in(client, "sam@example.org", "a wrong guess").status_code)

    ready = threading.Barrier(GUESSES)

    def one(client: TestClient) -> None:
        ready.wait()
        guess_with(client)

    with ThreadPoolExecutor(GUESSES) as pool:
        list(pool.map(one, clients))
    assert answers == [401] * GUESSES
    with postgres() as session:
        adviser = find_adviser(session, "sam@example.org")
        assert adviser is not None and adviser.failed_logins == GUESSES
        assert adviser.locked_until is not None
    assert log_in(clients[0], "sam@example.org", PASSWORD).status_code == 401  # locked


def test_a_failed_login_on_sqlite_leaves_the_database_writable_while_argon2_runs(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session, session.begin():
        make_adviser(session, EMAIL)
    path = settings.database_url.removeprefix("sqlite:///")
    writes: list[str] = []
    check = accounts._verify

    def verify_while_someone_writes(password_hash: str, password: str) -> bool:
        other = sqlite3.connect(path, timeout=0.1)  # another process's write, meanwhile
        try:
            other.execute("UPDATE advisers SET display_name = 'Jo' WHERE email = ?", (EMAIL,))
            other.commit()
            writes.append("written")
        except sqlite3.OperationalError as exc:
            writes.append(str(exc))
        finally:
            other.close()
        return check(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", verify_while_someone_writes)
    with TestClient(create_app(settings)) as client:
        assert log_in(client, EMAIL, "a wrong guess").status_code == 401
        assert log_in(client, EMAIL, PASSWORD).status_code == 303
    assert writes == ["written", "written"]


def test_parallel_guesses_from_one_address_stop_at_its_limit(
        postgres_url: str, tmp_path: Path) -> None:
    """The address's count goes up before the password is checked, in one atomic step."""
    app = create_app(make_settings(tmp_path, database_url=postgres_url))
    clients = [TestClient(app) for _ in range(LOGIN_ATTEMPTS_PER_ADDRESS.requests + 5)]
    for client in clients:
        client.get("/advisers/login")
    ready = threading.Barrier(len(clients))

    def one(pair: tuple[int, TestClient]) -> int:
        ready.wait()
        return log_in(pair[1], f"guess{pair[0]}@example.org", "a wrong guess").status_code

    with ThreadPoolExecutor(len(clients)) as pool:
        answers = list(pool.map(one, enumerate(clients)))
    assert answers.count(401) == LOGIN_ATTEMPTS_PER_ADDRESS.requests
    assert answers.count(429) == 5
