"""Start, watch and stop the product's processes (used by `make run` and the e2e tests)."""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from carecareers.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

RASA_BIN = PROJECT_ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_PYTHON = RASA_BIN.with_name("python")
VENV_PYTHON = PROJECT_ROOT / ".venv" / "bin" / "python"
MODEL_PATH = PROJECT_ROOT / "models" / "current.tar.gz"
# Quiet, offline Rasa: no telemetry (there is no network for it) and no noise.
RASA_QUIET_ENV = {
    "RASA_TELEMETRY_ENABLED": "false",
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore",
}


class StartupError(Exception):
    """A process could not be started; the message says what to do."""


@dataclass
class ProcessSpec:
    name: str
    argv: Sequence[str]
    port: int
    ready_url: str
    env: Mapping[str, str] = field(default_factory=dict)
    ready_timeout: float = 60.0


@dataclass
class Running:
    spec: ProcessSpec
    popen: subprocess.Popen[bytes]


def port_is_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Return the variables endpoints.yml and credentials.yml expand."""
    env = {
        # Our REST channel (rasa_plugins/channel.py) answers only callers with it.
        "RASA_CHANNEL_TOKEN": settings.rasa_token,
        "ACTION_SERVER_URL": settings.action_server_url,
        # The action server (actions/server.py) refuses calls without it.
        "ACTION_SERVER_TOKEN": settings.actions_token,
        "TRACKER_STORE_URL": settings.tracker_store_url,
        "TRACKER_STORE_DIALECT": make_url(settings.tracker_store_url).get_backend_name(),
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "1",
    }
    sqlite_path = make_url(settings.tracker_store_url).database
    if env["TRACKER_STORE_DIALECT"] == "sqlite" and sqlite_path:
        Path(sqlite_path).parent.mkdir(parents=True, exist_ok=True)
    if settings.redis_url:
        redis = make_url(settings.redis_url.replace("redis://", "redis+x://", 1))
        env.update(
            LOCK_STORE_TYPE="redis",
            LOCK_STORE_HOST=redis.host or "127.0.0.1",
            LOCK_STORE_PORT=str(redis.port or 6379),
            LOCK_STORE_DB=str(redis.database or "1"),
        )
    return env


def rasa_spec(settings: Settings, port: int, model: Path = MODEL_PATH,
              log_dir: Path | None = None) -> ProcessSpec:
    # rasa_plugins.serve reads the API token from RASA_AUTH_TOKEN: off the command line.
    argv = [
        str(RASA_PYTHON), "-m", "rasa_plugins.serve", "run", "--enable-api",
        "--interface", "127.0.0.1", "--port", str(port), "--model", str(model),
        "--endpoints", str(PROJECT_ROOT / "endpoints.yml"),
        "--credentials", str(PROJECT_ROOT / "credentials.yml"),
    ]
    if log_dir is not None:
        argv += ["--log-file", str(log_dir / f"rasa-{port}.log")]
    return ProcessSpec(
        name="rasa", argv=argv, port=port, ready_timeout=240.0,
        ready_url=f"http://127.0.0.1:{port}/status?token={settings.rasa_token}",
        env=rasa_environment(settings) | RASA_QUIET_ENV | {
            "RASA_AUTH_TOKEN": settings.rasa_token, "PYTHONPATH": str(PROJECT_ROOT)},
    )


def action_server_spec(port: int) -> ProcessSpec:
    """The action server on 127.0.0.1, taking calls only with the token (RASA_TOKEN)."""
    return ProcessSpec(
        name="actions",
        argv=[str(VENV_PYTHON), "-m", "actions.server", "--host", "127.0.0.1",
              "--port", str(port)],
        port=port, ready_url=f"http://127.0.0.1:{port}/health",
    )


def web_spec(settings: Settings) -> ProcessSpec:
    port = settings.web_port
    return ProcessSpec(
        name="web",
        argv=[str(VENV_PYTHON), "-m", "uvicorn", "web.app:create_app", "--factory",
              "--host", settings.web_host, "--port", str(port), "--no-access-log"],
        port=port, ready_url=f"http://127.0.0.1:{port}/livez",
    )


def bot_spec() -> ProcessSpec:
    return ProcessSpec(name="bot", argv=[str(VENV_PYTHON), "-m", "bot"], port=0, ready_url="")


def start(spec: ProcessSpec, base_env: Mapping[str, str], stdout: IO[bytes] | None = None,
          ) -> Running:
    """Start one process in its own process group, so it can be stopped with its children."""
    if spec.port and not port_is_free("127.0.0.1", spec.port):
        raise StartupError(
            f"port {spec.port} for the {spec.name} server is already taken: "
            f"stop whatever uses it, or choose another port in the environment"
        )
    env = {**base_env, **spec.env, "PYTHONUNBUFFERED": "1"}
    popen = subprocess.Popen(  # noqa: S603 - argv built from our own settings
        list(spec.argv), cwd=PROJECT_ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return Running(spec, popen)


def wait_ready(running: Running, deadline: float | None = None) -> None:
    """Block until the process answers on its ready URL; fail fast if it exits."""
    if not running.spec.ready_url:
        return
    deadline = deadline or time.monotonic() + running.spec.ready_timeout
    while time.monotonic() < deadline:
        code = running.popen.poll()
        if code is not None:
            raise StartupError(f"the {running.spec.name} server exited with code {code}")
        try:
            with urllib.request.urlopen(running.spec.ready_url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise StartupError(f"the {running.spec.name} server did not answer in time")


def stop(running: Running, timeout: float = 15.0) -> None:
    """Stop a process group: SIGTERM, then SIGKILL if it lingers."""
    if running.popen.poll() is None:
        _signal_group(running.popen.pid, signal.SIGTERM)
        try:
            running.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(running.popen.pid, signal.SIGKILL)
            running.popen.wait(timeout=timeout)
    _signal_group(running.popen.pid, signal.SIGKILL)  # stray children of the group


def _signal_group(pid: int, sig: signal.Signals) -> None:
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
