"""Rasa's replicated mode: two Rasa servers share a PostgreSQL tracker store and a Redis lock store.

One action server, and the web app with RASA_URL listing both Rasa servers, so that its
RasaPool sends the messages of each conversation to either server in turn. Conversations
must stay coherent (the interest form records exactly one correct lead), and every turn
must reach the tracker store whichever server took it. The stack is shared with
tests/e2e/test_faults.py (`replicated_stack`): it starts once per test session.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from carecareers.clock import clock_for
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import Lead
from carecareers.runtime.demo import seed_demo
from carecareers.runtime.processes import (
    MODEL_PATH,
    ProcessSpec,
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
from tests.conftest import make_settings, service_missing
from tests.e2e.conftest import stack_environment
from tests.e2e.test_web_conversation import press, say, text_of
from tests.support.pg_server import PostgresServer, ServerError

pytestmark = pytest.mark.e2e

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
RASA_NAMES = ("rasa-a", "rasa-b")


# -- the stack -------------------------------------------------------------------------------


@dataclasses.dataclass
class ReplicatedStack:
    """Two Rasa servers, one action server and the web app, on PostgreSQL and Redis."""

    settings: Settings  # the web app's: RASA_URL lists both Rasa servers
    env: dict[str, str]
    logs: Path
    specs: dict[str, ProcessSpec]
    database: PostgresServer  # the stack's own: app and tracker databases
    processes: dict[str, Running] = dataclasses.field(default_factory=dict)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def rasa_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.specs[name].port}"

    def start(self, *names: str) -> None:
        """Start the named processes (all by default) and wait until each answers."""
        for name in names or tuple(self.specs):
            with (self.logs / f"{name}.log").open("ab") as log:
                self.processes[name] = start(self.specs[name], self.env, stdout=log)
        for name in names or tuple(self.specs):
            try:
                wait_ready(self.processes[name])
            except StartupError as exc:
                raise StartupError(f"{exc}\n{self.log_tail()}") from exc

    def kill(self, name: str) -> None:
        """Kill a process the hard way (SIGKILL), as a crash or an OOM kill would."""
        running = self.processes[name]
        try:
            os.killpg(running.popen.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        running.popen.wait(timeout=30)

    def add(self, name: str, spec: ProcessSpec) -> None:
        """Start one more process (for example a second web app) and wait until it answers."""
        self.specs[name] = spec
        self.start(name)

    def remove(self, name: str) -> None:
        self.kill(name)
        del self.specs[name], self.processes[name]

    def is_running(self, name: str) -> bool:
        return name in self.processes and self.processes[name].popen.poll() is None

    def heal(self) -> None:
        """Restart whatever a test left stopped, so that each test starts from a full stack."""
        dead = [name for name in self.specs if not self.is_running(name)]
        if dead:
            self.start(*dead)

    def stop_all(self) -> None:
        for running in reversed(list(self.processes.values())):
            stop(running)

    def log_tail(self, lines: int = 30) -> str:
        out = []
        for path in sorted(self.logs.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(out)


def redis_unavailable() -> str | None:
    try:
        with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            answer = sock.recv(64)
    except OSError as exc:
        return str(exc)
    return None if answer.startswith(b"+PONG") else f"unexpected answer {answer[:20]!r}"


def require_redis() -> None:
    reason = redis_unavailable()
    if reason is None:
        return
    service_missing(f"Redis is not running on {REDIS_HOST}:{REDIS_PORT} ({reason})")


_shared: dict[str, ReplicatedStack] = {}


def replicated_stack_for(config: pytest.Config,
                         tmp_path_factory: pytest.TempPathFactory) -> ReplicatedStack:
    """Start the replicated stack on first use, and stop it when the test session ends."""
    if "stack" in _shared:
        _shared["stack"].heal()
        return _shared["stack"]
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does)")
    require_redis()
    # A PostgreSQL server of the stack's own: test_faults restarts it, and may, while the
    # other worker's tests use the machine's.
    try:
        database = PostgresServer()
        database.start()
    except ServerError as exc:
        service_missing(f"a PostgreSQL server for the replicated stack: {exc}")
    app_db = database.create_database("app")
    tracker_db = database.create_database("tracker")

    root = tmp_path_factory.mktemp("replicated")
    logs = root / "logs"
    logs.mkdir()
    rasa_ports = [free_port() for _ in RASA_NAMES]
    action_port, web_port = free_port(), free_port()
    settings = make_settings(
        root, database_url=app_db, tracker_store_url=tracker_db,
        redis_url=f"redis://{REDIS_HOST}:{REDIS_PORT}/1",
        rasa_url=",".join(f"http://127.0.0.1:{port}" for port in rasa_ports),
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        web_port=web_port, public_base_url=f"http://127.0.0.1:{web_port}")
    upgrade(app_db)
    engine = make_engine(app_db)
    with session_factory(engine)() as session, session.begin():
        seed_demo(session, settings, clock_for(settings))
    engine.dispose()
    specs = {name: dataclasses.replace(rasa_spec(settings, port), name=name)
             for name, port in zip(RASA_NAMES, rasa_ports, strict=True)}
    specs["actions"] = action_server_spec(action_port)
    specs["web"] = web_spec(settings)
    stack = ReplicatedStack(settings, stack_environment(settings), logs, specs, database)
    try:
        stack.start()
    except StartupError as exc:
        stack.stop_all()
        database.close()
        pytest.fail(str(exc))

    def finish() -> None:
        # The server first: a worker may be ended while the Rasa servers take their time to
        # stop, and its data is the one thing left behind on disk.
        database.close()
        stack.stop_all()

    config.add_cleanup(finish)
    _shared["stack"] = stack
    return stack


@pytest.fixture(scope="module")
def replicated_stack(request: pytest.FixtureRequest,
                     tmp_path_factory: pytest.TempPathFactory) -> ReplicatedStack:
    return replicated_stack_for(request.config, tmp_path_factory)


@pytest.fixture
def web(replicated_stack: ReplicatedStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=replicated_stack.web_url, timeout=60) as client:
        yield client


# -- what the stores hold --------------------------------------------------------------------


def sender_of(stack: ReplicatedStack, client: httpx.Client) -> str:
    """The Rasa sender id behind the web chat's session cookie."""
    cookie = client.cookies.get("cc_chat")
    assert cookie, "the web app set no chat session cookie"
    serializer = URLSafeSerializer(stack.settings.secret_key, salt="web-chat-session")
    return str(serializer.loads(cookie)["s"])


def tracker_events(stack: ReplicatedStack, sender: str) -> list[tuple[str, str | None]]:
    """(type_name, action_name) of each stored event of the conversation, in order."""
    engine = create_engine(stack.settings.tracker_store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT type_name, action_name FROM events WHERE sender_id = :s ORDER BY id"),
                {"s": sender}).all()
    finally:
        engine.dispose()
    return [(row.type_name, row.action_name) for row in rows]


def turns_stored(events: list[tuple[str, str | None]]) -> int:
    """Count the user turns, checking each was answered and ended listening for the next."""
    turns = 0
    for index, (kind, _) in enumerate(events):
        if kind != "user":
            continue
        turns += 1
        rest = events[index + 1:]
        until_next = rest[:next((i for i, (k, _) in enumerate(rest) if k == "user"), len(rest))]
        assert ("action", "action_listen") in until_next, f"turn {turns} never finished: {events}"
    return turns


def leads_with_email(stack: ReplicatedStack, email: str) -> list[Lead]:
    engine = create_engine(stack.settings.database_url)
    try:
        with Session(engine) as session:
            found = list(session.scalars(select(Lead).where(Lead.email == email)))
            for lead in found:
                _ = lead.consents
    finally:
        engine.dispose()
    return found


class RedisMonitor:
    """Watch Redis's MONITOR feed for the commands that mention given text."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._sock = socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=5)
        self._sock.sendall(b"MONITOR\r\n")
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._sock.recv(65536)
            except OSError:
                return
            if not chunk:
                return
            buffer += chunk
            *complete, buffer = buffer.split(b"\r\n")
            self.lines += [line.decode(errors="replace") for line in complete]

    def close(self) -> None:
        self._sock.close()

    def clients_locking(self, conversation: str) -> list[int]:
        """The client ports of the commands on this conversation's lock, in order."""
        ports = []
        for line in list(self.lines):
            if f"lock:{conversation}" in line:
                found = re.search(r"\[\d+ [\d.]+:(\d+)\]", line)
                if found:
                    ports.append(int(found[1]))
        return ports


def redis_client_ports(pid: int) -> set[int]:
    """The local ports of process `pid`'s connections to Redis (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:["):-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for row in Path(table).read_text().splitlines()[1:]:
            fields = row.split()
            local, remote, inode = fields[1], fields[2], fields[9]
            if inode in inodes and int(remote.rsplit(":", 1)[1], 16) == REDIS_PORT:
                ports.add(int(local.rsplit(":", 1)[1], 16))
    return ports


def rasa_servers_taking(stack: ReplicatedStack, monitor: RedisMonitor, sender: str) -> list[str]:
    """Which Rasa server took each lock on the conversation, in order."""
    owner = {port: name for name in RASA_NAMES
             for port in redis_client_ports(stack.processes[name].popen.pid)}
    servers = [owner.get(port, "?") for port in monitor.clients_locking(sender)]
    return [name for i, name in enumerate(servers) if i == 0 or servers[i - 1] != name]


# -- the tests ------------------------------------------------------------------------------


def test_both_rasa_servers_serve_behind_the_web_app(replicated_stack: ReplicatedStack,
                                                    web: httpx.Client) -> None:
    assert web.get("/healthz").json() == {"status": "ok", "database": "ok", "rasa": "ok"}
    token = replicated_stack.settings.rasa_token
    for name in RASA_NAMES:
        url = replicated_stack.rasa_url(name)
        assert httpx.get(f"{url}/status", params={"token": token}).status_code == 200
        # Rasa's HTTP API refuses callers without its token (the REST channel needs none).
        assert httpx.get(f"{url}/status").status_code == 401
        assert httpx.get(f"{url}/status", params={"token": "wrong"}).status_code == 401
        assert httpx.get(f"{url}/conversations/x/tracker").status_code == 401


def test_the_interest_form_across_both_servers_records_one_correct_lead(
        replicated_stack: ReplicatedStack, web: httpx.Client) -> None:
    monitor = RedisMonitor()
    turns = 0

    def turn(messages: list[dict]) -> list[dict]:
        nonlocal turns
        turns += 1
        events = tracker_events(replicated_stack, sender_of(replicated_stack, web))
        assert turns_stored(events) == turns, f"turn {turns} is not in the tracker store"
        return messages

    try:
        assert "first name" in text_of(turn(say(web, "can someone contact me")))
        assert "old" in text_of(turn(say(web, "Riley")))
        method = turn(say(web, "19"))
        assert "contact you" in text_of(method)
        assert "email" in text_of(turn(press(web, method[-1], "Email"))).lower()
        assert "email address" in text_of(turn(say(web, "not an email"))).lower()
        assert "postcode" in text_of(turn(say(web, "riley.replicated@example.org"))).lower()
        interest = turn(say(web, "ST4 6QG"))
        summary = turn(press(web, interest[-1], "Apprenticeships"))
        assert "Riley" in text_of(summary)
        consent = turn(press(web, summary[-1], "Looks right"))
        assert "/privacy" in text_of(consent)
        assert "Thanks Riley" in text_of(turn(press(web, consent[-1], "Yes, I agree")))
        sender = sender_of(replicated_stack, web)
        servers = rasa_servers_taking(replicated_stack, monitor, sender)
    finally:
        monitor.close()

    (lead,) = leads_with_email(replicated_stack, "riley.replicated@example.org")
    assert (lead.first_name, lead.age, lead.outcode) == ("Riley", 19, "ST4")
    assert len(lead.consents) == 1
    # The two servers took the turns of this one conversation in turn (seen in Redis's locks).
    assert len(servers) == turns and set(servers) == set(RASA_NAMES), servers
    # Each server's own view of the conversation is the whole of it.
    token = replicated_stack.settings.rasa_token
    stored = len(tracker_events(replicated_stack, sender))
    for name in RASA_NAMES:
        tracker = httpx.get(f"{replicated_stack.rasa_url(name)}/conversations/{sender}/tracker",
                            params={"token": token, "include_events": "ALL"}, timeout=30).json()
        assert len(tracker["events"]) == stored


def test_context_carries_over_from_one_server_to_the_other(web: httpx.Client) -> None:
    info = say(web, "what does a healthcare assistant do")
    assert "Healthcare assistant" in text_of(info)
    pay = say(web, "and how much does that pay")  # on the other server: the role is remembered
    assert "band" in text_of(pay).lower()
    after = press(web, info[0], "What comes next")
    assert text_of(after).startswith("After healthcare assistant")


def test_messages_sent_at_once_in_one_conversation_are_all_kept(
        replicated_stack: ReplicatedStack, web: httpx.Client) -> None:
    say(web, "hello")
    sender = sender_of(replicated_stack, web)
    before = turns_stored(tracker_events(replicated_stack, sender))
    questions = ["what is an apprenticeship", "what jobs are there in care",
                 "what is the graduate pathway", "how do I become a nurse"]

    def ask(question: str) -> int:
        response = web.post("/api/chat", json={"message": question})
        return response.status_code

    with ThreadPoolExecutor(max_workers=len(questions)) as pool:
        statuses = list(pool.map(ask, questions))
    assert statuses == [200] * len(questions)
    # The Redis lock store lets one server at a time run a turn: none overwrites another's.
    # A turn that outlived the web app's wait is still stored when it ends: wait generously
    # (this checks that nothing is lost, not how fast a loaded machine is).
    deadline = time.monotonic() + 90
    while turns_stored(tracker_events(replicated_stack, sender)) < before + len(questions):
        assert time.monotonic() < deadline, tracker_events(replicated_stack, sender)
        time.sleep(0.2)
    assert turns_stored(tracker_events(replicated_stack, sender)) == before + len(questions)
