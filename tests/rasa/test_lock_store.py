"""Rasa loads our Redis lock store from endpoints.yml, and two servers sharing it never run
one conversation's turns at once nor lose one.

Runs in Rasa's own environment (.venv-rasa) with the variables `make run` gives Rasa in
replicated mode (a Redis lock store). Two lock store objects stand for two Rasa servers,
each used from its own thread: many messages of one conversation arrive at once on both.
Every message must get the lock (no "Could not acquire lock"), and only one may hold it at
any moment.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from pathlib import Path

from carecareers.runtime.processes import RASA_BIN, RASA_QUIET_ENV, rasa_environment
from carecareers.settings import PROJECT_ROOT
from tests.conftest import make_settings
from tests.e2e.test_replicated import require_redis

RASA_PYTHON = RASA_BIN.parent / "python"
CHECK = """
import asyncio, sys, threading
from rasa.core.lock_store import LockStore, LockError
from rasa.core.utils import AvailableEndpoints

endpoints = AvailableEndpoints.read_endpoints(sys.argv[1]).lock_store
servers = [LockStore.create(endpoints) for _ in range(2)]
print("class", type(servers[0]).__module__ + "." + type(servers[0]).__name__)
conversation, per_server = sys.argv[2], int(sys.argv[3])
holding, overlaps, served, failed = [], [], [], []
guard = threading.Lock()

async def turn(store, n):
    try:
        async with store.lock(conversation, wait_time_in_seconds=0.01):
            with guard:
                if holding:
                    overlaps.append(n)
                holding.append(n)
            await asyncio.sleep(0.02)
            with guard:
                holding.remove(n)
                served.append(n)
    except LockError:
        failed.append(n)

def server(index):
    store = servers[index]
    async def run():
        await asyncio.gather(*(turn(store, (index, n)) for n in range(per_server)))
    asyncio.run(run())

threads = [threading.Thread(target=server, args=(i,)) for i in range(2)]
for t in threads: t.start()
for t in threads: t.join()
print("served", len(served), "failed", len(failed), "overlaps", len(overlaps))
"""


def test_two_servers_take_every_message_of_one_conversation_in_turn(tmp_path: Path) -> None:
    require_redis()
    settings = make_settings(tmp_path, redis_url="redis://127.0.0.1:6379/5",
                             tracker_store_url=f"sqlite:///{tmp_path / 'tracker.db'}")
    env = {**os.environ, **rasa_environment(settings), **RASA_QUIET_ENV}
    done = subprocess.run(
        [str(RASA_PYTHON), "-c", CHECK, str(PROJECT_ROOT / "endpoints.yml"),
         f"lock-check-{secrets.token_hex(6)}", "40"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    assert done.stdout.strip().splitlines() == [
        "class rasa_plugins.lock_store.AtomicRedisLockStore",
        "served 80 failed 0 overlaps 0"]
