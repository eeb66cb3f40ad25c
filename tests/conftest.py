"""Shared fixtures: settings, databases (SQLite and PostgreSQL) and sessions."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from carecareers.db import make_engine
from carecareers.migrate import upgrade
from carecareers.settings import Settings
from tests.support import postgres
from tests.support.sessions import rolled_back

# `make test-lite` sets it: tests needing PostgreSQL, Redis or Chromium skip when these
# are missing, instead of failing. Ignored on CI, where a green run must prove everything.
LITE_RUN = os.environ.get("TEST_LITE") == "1" and not os.environ.get("CI")


def service_missing(message: str) -> NoReturn:
    """Fail the test: one that needs a missing service proves nothing without it.

    `make test-lite` (TEST_LITE=1) skips it instead, saying why.
    """
    if LITE_RUN:
        pytest.skip(f"{message} (skipped by make test-lite)")
    pytest.fail(f"{message}; `make test-lite` runs the tests that need no services",
                pytrace=False)


# Tests that need the trained model are marked `model` (`make test` runs the others while the
# model trains): Rasa's own checks, every user of the shared stack, and the modules that start
# Rasa themselves. (`make test` runs each module whole on one worker, --dist loadscope, so a
# module's processes start once.)
STARTS_RASA = {"test_faults", "test_replicated", "test_supervisor"}


def needs_model(item: pytest.Item) -> bool:
    path = Path(str(item.path))
    return ("rasa_stack" in getattr(item, "fixturenames", ()) or path.parent.name == "rasa"
            or (path.parent.name == "e2e" and path.stem in STARTS_RASA))


# The modules that take longest (per module, from `--durations`), longest first. `make test`
# hands out whole modules to its two workers in collection order, one at a time as each
# finishes: the longest go first, so that the workers end together rather than one waiting
# on the other's last long module.
LONGEST_FIRST = ("tests/e2e/test_conversations.py", "tests/e2e/test_faults.py",
                 "tests/e2e/test_replicated.py", "tests/rasa/test_serve.py",
                 "tests/e2e/test_accessibility.py",
                 "tests/e2e/test_facts.py", "tests/e2e/test_values_check_e2e.py",
                 "tests/e2e/test_supervisor.py", "tests/rasa/test_model.py")


def longest_first(item: pytest.Item) -> int:
    module = Path(str(item.path)).relative_to(item.config.rootpath).as_posix()
    return LONGEST_FIRST.index(module) if module in LONGEST_FIRST else len(LONGEST_FIRST)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if needs_model(item):
            item.add_marker(pytest.mark.model)
    items.sort(key=longest_first)  # stable: every other module keeps its place


# Modules that share processes started once per worker: `make test` hands each group to one
# worker as a whole, so the processes start once (test_faults uses test_replicated's stack of
# two Rasa servers, the action server and the web app on PostgreSQL and Redis).
SAME_WORKER = {"tests/e2e/test_faults.py": "tests/e2e/test_replicated.py"}


def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """--dist loadscope, with the modules of SAME_WORKER as one unit, handed out in collection
    order (LONGEST_FIRST), not by their number of tests; None: xdist's own."""
    if config.getoption("dist", None) != "loadscope":
        return None
    config.option.loadscopereorder = False
    from xdist.scheduler import LoadScopeScheduling

    class SharedProcessesScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = super()._split_scope(nodeid).split("::", 1)[0]
            return SAME_WORKER.get(module, super()._split_scope(nodeid))

    return SharedProcessesScheduling(config, log)  # type: ignore[arg-type]


# Test secrets long enough for any configuration (a bot token, a public base URL, a proxy).
TEST_SECRET_KEY = "test-secret-key-0123456789-abcdef"
TEST_RASA_TOKEN = "test-rasa-token-0123456789-abcdef"


def use_test_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """Put the test secrets in the environment, for settings read with `get_settings()`."""
    monkeypatch.setenv("SECRET_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("RASA_TOKEN", TEST_RASA_TOKEN)


def make_settings(tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": f"sqlite:///{tmp_path / 'app.db'}",
        "tracker_store_url": f"sqlite:///{tmp_path / 'tracker.db'}",
        "secret_key": TEST_SECRET_KEY,
        "rasa_token": TEST_RASA_TOKEN,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


def create_postgres_database() -> str:
    """Create an empty, uniquely named database and return its URL (or fail, saying why)."""
    reason = postgres.unavailable()
    if reason is not None:
        service_missing(f"PostgreSQL is not running on 127.0.0.1:5432 ({reason})")
    return postgres.create_database()


drop_postgres_database = postgres.drop_database


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
                 ) -> Iterator[str]:
    """A migrated database of each kind, shared by the session's tests."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'app.db'}"
        upgrade(url)
        yield url
        return
    url = create_postgres_database()
    try:
        upgrade(url)
        yield url
    finally:
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose work is rolled back after the test, whatever it commits."""
    with rolled_back(engine) as (_, db_session):
        yield db_session
