"""Real processes for end-to-end tests: the action server, Rasa and the web app."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from carecareers.clock import clock_for
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.runtime.demo import seed_demo
from carecareers.runtime.processes import (
    MODEL_PATH,
    Running,
    StartupError,
    action_server_spec,
    free_port,
    rasa_spec,
    start,
    stop,
    wait_ready,
    web_spec,
)
from carecareers.settings import Settings
from tests.conftest import make_settings


@dataclass
class Stack:
    settings: Settings
    env: dict[str, str]
    rasa_url: str
    web_url: str
    logs: Path
    processes: dict[str, Running]

    def log_tail(self, lines: int = 40) -> str:
        out = []
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(out)


def stack_environment(settings: Settings) -> dict[str, str]:
    """The environment the processes read their settings from."""
    names = ("database_url", "tracker_store_url", "rasa_url", "rasa_token",
             "action_server_url", "secret_key", "web_port", "web_host", "public_base_url")
    env = {k.upper(): str(getattr(settings, k)) for k in names}
    return {**os.environ, **env, "ENVIRONMENT": "development"}


def start_logged(spec, env: dict[str, str], logs: Path) -> Running:
    handle = open(logs / f"{spec.name}.log", "ab")  # noqa: SIM115 - closed with the process
    return start(spec, env, stdout=handle)


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """Start the action server, Rasa and the web app once for all e2e tests."""
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does)")
    root = tmp_path_factory.mktemp("stack")
    logs = root / "logs"
    logs.mkdir()
    rasa_port, action_port, web_port = free_port(), free_port(), free_port()
    settings = make_settings(
        root, rasa_url=f"http://127.0.0.1:{rasa_port}",
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        web_port=web_port, public_base_url=f"http://127.0.0.1:{web_port}",
        # As behind the production proxy: a test that plays many people gives each their own
        # address (bench.webchat.visitor_headers), so they are not one address's traffic.
        trust_proxy_headers=True,
    )
    upgrade(settings.database_url)
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session, session.begin():
        seed_demo(session, settings, clock_for(settings))
    env = stack_environment(settings)
    processes: dict[str, Running] = {}
    stack = Stack(settings, env, settings.rasa_url, f"http://127.0.0.1:{web_port}", logs,
                  processes)
    try:
        for spec in (action_server_spec(action_port), rasa_spec(settings, rasa_port),
                     web_spec(settings)):
            processes[spec.name] = start_logged(spec, env, logs)
        for running in processes.values():
            wait_ready(running)
    except StartupError as exc:
        for running in processes.values():
            stop(running)
        pytest.fail(f"{exc}\n{stack.log_tail()}")
    yield stack
    for running in reversed(list(processes.values())):
        stop(running)
