"""A PostgreSQL server of a test's own, for tests that restart it.

Restarting the machine's PostgreSQL would cut every other test using it at the same time
(`make test` runs two workers); a server of its own can be restarted with nothing else
touched. It is a child of the test process (`postgres` itself, not a daemon), killed if that
process dies, with its data in a temporary folder removed at the end, fsync off.

PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user.
"""

from __future__ import annotations

import ctypes
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import psycopg2

from carecareers.runtime.processes import PR_SET_PDEATHSIG, free_port

SERVER_USER = "postgres"
READY_SECONDS = 60


class ServerError(Exception):
    """The server could not be set up or started; the message says why."""


def _binaries() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise ServerError("PostgreSQL's initdb is not installed here (Debian: postgresql)")
    return Path(initdb).parent


def _as_server_user() -> tuple[int, int] | None:
    """The uid and gid to run as (root cannot run PostgreSQL), or None to run as we are."""
    if os.geteuid() != 0:
        return None
    try:
        user = pwd.getpwnam(SERVER_USER)
    except KeyError as exc:
        raise ServerError(f"running as root and there is no {SERVER_USER!r} user") from exc
    return user.pw_uid, user.pw_gid


def _child_setup(ids: tuple[int, int] | None) -> Callable[[], None]:
    """In the child: become the server's user, then die with the parent (the death signal is
    cleared when the user changes, so it is set after)."""
    libc = ctypes.CDLL(None, use_errno=True)
    parent = os.getpid()

    def setup() -> None:
        os.setsid()
        if ids is not None:
            os.setgroups([])
            os.setgid(ids[1])
            os.setuid(ids[0])
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:
            os._exit(1)

    return setup


class PostgresServer:
    """One private server on 127.0.0.1 (a free port), user `postgres`, trust auth."""

    def __init__(self) -> None:
        self.bin = _binaries()
        self.ids = _as_server_user()
        self.root = Path(tempfile.mkdtemp(prefix="cc-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        if self.ids is not None:
            os.chown(self.root, *self.ids)
        self._run(["initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust",
                   "--no-sync", "-E", "UTF8", "--locale=C"])

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(  # noqa: S603
            [str(self.bin / command[0]), *command[1:]], capture_output=True, text=True,
            timeout=120, check=False, cwd=self.root, preexec_fn=_child_setup(self.ids))  # noqa: PLW1509
        if result.returncode != 0:
            raise ServerError(f"{command[0]} failed: {result.stderr[-2000:]}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg2://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603
                [str(self.bin / "postgres"), "-D", str(self.data), "-p", str(self.port),
                 "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                 "-c", "fsync=off", "-c", "full_page_writes=off"],
                stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=self.root,
                preexec_fn=_child_setup(self.ids))  # noqa: PLW1509
        deadline = time.monotonic() + READY_SECONDS
        while not self.takes_connections():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise ServerError(f"PostgreSQL did not start: {self.log_tail()}")
            time.sleep(0.2)

    def stop(self, fast: bool = True) -> None:
        """Stop the server: fast (SIGINT: sessions are cut, nothing is lost) or, if it
        lingers, SIGKILL."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGINT if fast else signal.SIGKILL)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: str) -> str:
        connection = psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                                      dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        return self.url(name)

    def takes_connections(self) -> bool:
        try:
            psycopg2.connect(host="127.0.0.1", port=self.port, user="postgres",
                             dbname="postgres", connect_timeout=2).close()
        except psycopg2.OperationalError:
            return False
        return True

    def log_tail(self, lines: int = 20) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])

    def close(self) -> None:
        """Stop the server and remove its data."""
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)
