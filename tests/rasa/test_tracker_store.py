"""Rasa loads our tracker store from endpoints.yml, and it survives dropped connections.

Runs in Rasa's own environment (.venv-rasa) with the variables `make run` gives Rasa,
against a PostgreSQL tracker database. Ending every connection to that database (what a
PostgreSQL restart does to a pool) must not cost the next read; Rasa's own SQL tracker
store, checked the same way, shows what the test would catch.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from carecareers.runtime.processes import RASA_BIN, RASA_QUIET_ENV, rasa_environment
from carecareers.settings import PROJECT_ROOT
from tests.conftest import create_postgres_database, drop_postgres_database, make_settings

RASA_PYTHON = RASA_BIN.parent / "python"
CHECK = """
import asyncio, sys
import psycopg2
from rasa.core.tracker_store import TrackerStore
from rasa.core.utils import AvailableEndpoints
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

async def main():
    store = TrackerStore.create(AvailableEndpoints.read_endpoints(sys.argv[1]).tracker_store)
    print("class", type(store).__module__ + "." + type(store).__name__)
    tracker = DialogueStateTracker("dropped-connections", slots=[])
    tracker.update(UserUttered("hello"))
    await store.save(tracker)
    admin = psycopg2.connect(host="127.0.0.1", user="postgres", dbname="postgres")
    admin.autocommit = True
    admin.cursor().execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = %s AND pid <> pg_backend_pid()", (store.engine.url.database,))
    try:
        found = await store.retrieve("dropped-connections")
        print("read", len(found.events), "events")
    except Exception as exc:
        print("failed", type(exc).__name__)

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def tracker_database() -> Iterator[str]:
    url = create_postgres_database()
    yield url
    drop_postgres_database(url)


def check_store(endpoints: Path, tracker_url: str, tmp_path: Path) -> list[str]:
    settings = make_settings(tmp_path, tracker_store_url=tracker_url)
    env = {**os.environ, **rasa_environment(settings), **RASA_QUIET_ENV}
    done = subprocess.run([str(RASA_PYTHON), "-c", CHECK, str(endpoints)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    return done.stdout.strip().splitlines()


def test_our_store_loads_from_endpoints_and_reads_after_connections_drop(
        tracker_database: str, tmp_path: Path) -> None:
    lines = check_store(PROJECT_ROOT / "endpoints.yml", tracker_database, tmp_path)
    assert lines == ["class rasa_plugins.tracker_store.PrePingSQLTrackerStore",
                     "read 1 events"]


def test_rasas_own_store_fails_the_same_check(tracker_database: str, tmp_path: Path) -> None:
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text((PROJECT_ROOT / "endpoints.yml").read_text().replace(
        "type: rasa_plugins.tracker_store.PrePingSQLTrackerStore", "type: SQL"))
    lines = check_store(endpoints, tracker_database, tmp_path)
    assert lines[0] == "class rasa.core.tracker_store.SQLTrackerStore"
    assert lines[1].startswith("failed")
