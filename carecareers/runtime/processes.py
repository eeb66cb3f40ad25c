"""Start, watch and stop the product's processes (used by `make run` and the e2e tests)."""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from carecareers.channels import Process
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
# The web app closes open connections this long after SIGTERM, so that it stops promptly.
WEB_GRACEFUL_SECONDS = 3
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


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


# Rasa's own Redis lock store loses turns when two servers change one lock at once
# (rasa_plugins/lock_store.py); endpoints.yml names this one instead.
ATOMIC_REDIS_LOCK_STORE = "rasa_plugins.lock_store.AtomicRedisLockStore"


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Return the variables endpoints.yml and credentials.yml expand, and where Rasa finds ours.

    PYTHONPATH is the project root, where Rasa finds the tracker store class endpoints.yml
    names (rasa_plugins/).
    """
    env = {
        "PYTHONPATH": str(PROJECT_ROOT),
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
            LOCK_STORE_TYPE=ATOMIC_REDIS_LOCK_STORE,
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
            "RASA_AUTH_TOKEN": settings.rasa_token},
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
              "--host", settings.web_host, "--port", str(port), "--no-access-log",
              "--timeout-graceful-shutdown", str(WEB_GRACEFUL_SECONDS)],
        port=port, ready_url=f"http://127.0.0.1:{port}/livez",
    )


def front_end_spec(process: Process, status_file: Path | None = None) -> ProcessSpec:
    """A channel's front end process (content/channels.yml); with `status_file` it reports
    its link to its service there."""
    argv = [str(VENV_PYTHON), "-m", process.module]
    if status_file is not None:
        argv += ["--status-file", str(status_file)]
    return ProcessSpec(name=process.part, argv=argv, port=0, ready_url="")


def die_with_parent() -> Callable[[], None] | None:
    """Return a pre-exec hook that has the kernel kill the child when this process dies.

    Linux's PR_SET_PDEATHSIG: even a SIGKILLed launcher leaves no child behind holding a
    port. Elsewhere, None (the launcher's own stop still ends its children).
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded here, not in the forked child
    parent = os.getpid()

    def set_death_signal() -> None:
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before prctl took effect
            os._exit(1)

    return set_death_signal


def start(spec: ProcessSpec, base_env: Mapping[str, str], stdout: IO[bytes] | None = None,
          ) -> Running:
    """Start one process in its own process group, so it can be stopped with its children.

    The child is killed when the process that started it dies (see `die_with_parent`), so
    call this from the main thread, whose exit is the process's.
    """
    if spec.port and not port_is_free("127.0.0.1", spec.port):
        raise StartupError(
            f"port {spec.port} for the {spec.name} server is already taken: "
            f"stop whatever uses it, or choose another port in the environment"
        )
    env = {**base_env, **spec.env, "PYTHONUNBUFFERED": "1"}
    popen = subprocess.Popen(  # noqa: S603 - argv built from our own settings
        list(spec.argv), cwd=PROJECT_ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT,
        start_new_session=True, preexec_fn=die_with_parent(),  # noqa: PLW1509 - it only calls prctl
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
        signal_group(running.popen.pid, signal.SIGTERM)
        try:
            running.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            signal_group(running.popen.pid, signal.SIGKILL)
            running.popen.wait(timeout=timeout)
    signal_group(running.popen.pid, signal.SIGKILL)  # stray children of the group


def signal_group(pid: int, sig: signal.Signals) -> None:
    """Send `sig` to the process group `pid` leads, if it is still there."""
    try:
        os.killpg(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass
