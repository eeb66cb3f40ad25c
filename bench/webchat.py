"""The web chat against Rasa's own REST channel: reply time, throughput, one and two Rasa servers.

Starts its own stack on loopback ports (carecareers.runtime.processes): the action server, one Rasa
server, then a second, and the web app in front (RASA_URL listing the servers). With
PostgreSQL and Redis on this machine it runs the production set-up (PostgreSQL for the app
database and the tracker store, Redis locks); without them, one Rasa server on SQLite only.

1. Reply time: the same questions, one at a time, through POST /api/chat and straight to
   Rasa's REST channel, interleaved (target, issue 30: web p95 <= 1.1 x Rasa p95). In
   --rounds rounds, each path going first in every other round (the one after may find
   the machine busier); the verdict is on every round's messages together, and each
   round's ratio shows how much one round's p95 moves.
2. Throughput: N visitors (8, then 32), each asking a few questions back to back (a closed
   loop, no thinking time) then leaving for a new visitor, for --seconds each; messages a
   second, errors, and the CPU each process used.

    .venv/bin/python -m bench.webchat [--messages 150] [--rounds 4] [--seconds 30]
                                      [--visitors 8 32]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import itertools
import json
import os
import secrets
import shutil
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from carecareers.conversation.rasa_client import CHANNEL_TOKEN_HEADER, WEBHOOK_PATH
from carecareers.runtime.processes import (
    MODEL_PATH,
    ProcessSpec,
    Running,
    action_server_spec,
    free_port,
    rasa_spec,
    start,
    stop,
    wait_ready,
    web_spec,
)
from carecareers.settings import Settings
from tests.support import postgres  # noqa: E402

QUESTIONS = [
    "what jobs are there in care",
    "how much do care workers earn",
    "what is an apprenticeship",
    "how do I become a nurse",
    "what does a healthcare assistant do",
    "do i need a dbs check",
    "what is the rotational apprenticeship",
    "what qualifications do I need to be a nurse",
]
TARGET_RATIO = 1.1  # web p95 over Rasa p95 (issue 30)
QUESTIONS_PER_VISITOR = 6  # then the visitor leaves and a new one arrives (own session, address)
REDIS = ("127.0.0.1", 6379)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=150,
                        help="per path and round, for reply time")
    parser.add_argument("--rounds", type=int, default=4, help="of reply time")
    parser.add_argument("--seconds", type=float, default=30.0, help="per load run")
    parser.add_argument("--visitors", type=int, nargs="+", default=[8, 32])
    parser.add_argument("--keep-logs", action="store_true")
    return parser.parse_args(argv)


# -- the stack -------------------------------------------------------------------------------


@dataclass
class BenchStack:
    root: Path
    settings: Settings
    env: dict[str, str]
    production: bool
    processes: dict[str, Running] = field(default_factory=dict)
    rasa_ports: list[int] = field(default_factory=list)

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.settings.web_port}"

    def run(self, name: str, spec: ProcessSpec) -> None:
        started = time.monotonic()
        with (self.root / f"{name}.log").open("ab") as log:
            self.processes[name] = start(spec, self.env, stdout=log)
        wait_ready(self.processes[name])  # polled every half second
        if name.startswith("rasa"):
            print(f"{name} loaded its model and answered in {time.monotonic() - started:.1f} s",
                  flush=True)

    def add_rasa(self) -> None:
        port = free_port()
        self.rasa_ports.append(port)
        self.run(f"rasa-{len(self.rasa_ports)}", rasa_spec(self.settings, port))

    def restart_web(self) -> None:
        """(Re)start the web app with RASA_URL listing every Rasa server started so far."""
        if "web" in self.processes:
            stop(self.processes.pop("web"))
        self.env["RASA_URL"] = ",".join(f"http://127.0.0.1:{p}" for p in self.rasa_ports)
        self.run("web", web_spec(self.settings))

    def pids(self) -> dict[str, int]:
        return {name: running.popen.pid for name, running in self.processes.items()}


def postgres_database() -> str | None:
    """Create an empty PostgreSQL database and return its URL, or None without PostgreSQL."""
    return None if postgres.unavailable() else postgres.create_database("cc_bench")


drop_database = postgres.drop_database


def redis_running() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=3) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@contextlib.contextmanager
def bench_stack(keep_logs: bool) -> Iterator[BenchStack]:
    """Seeded databases, the action server and one Rasa server; the caller adds the rest."""
    from carecareers.clock import clock_for
    from carecareers.db import make_engine, session_factory
    from carecareers.migrate import upgrade
    from carecareers.runtime.demo import seed_demo

    if not MODEL_PATH.exists():
        raise SystemExit(f"no trained model at {MODEL_PATH}: run `make train`")
    root = Path(tempfile.mkdtemp(prefix="bench-webchat-"))
    databases = [url for url in (postgres_database(), postgres_database()) if url]
    production = len(databases) == 2 and redis_running()
    app_db, tracker_db = databases if production else (
        f"sqlite:///{root / 'app.db'}", f"sqlite:///{root / 'tracker.db'}")
    action_port, web_port = free_port(), free_port()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, environment="development", database_url=app_db,
        tracker_store_url=tracker_db, redis_url=f"redis://{REDIS[0]}:{REDIS[1]}/1"
        if production else "", rasa_token=secrets.token_hex(16),
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        secret_key=secrets.token_hex(16), web_port=web_port, trust_proxy_headers=True,
        public_base_url=f"http://127.0.0.1:{web_port}")
    upgrade(app_db)
    engine = make_engine(app_db)
    with session_factory(engine)() as session, session.begin():
        seed_demo(session, settings, clock_for(settings))
    engine.dispose()
    env = {**os.environ, "ENVIRONMENT": "development", "DATABASE_URL": app_db,
           "TRACKER_STORE_URL": tracker_db, "RASA_TOKEN": settings.rasa_token,
           "ACTION_SERVER_URL": settings.action_server_url, "SECRET_KEY": settings.secret_key,
           "WEB_HOST": "127.0.0.1", "WEB_PORT": str(web_port), "LOG_LEVEL": "WARNING",
           "PUBLIC_BASE_URL": settings.public_base_url, "TRUST_PROXY_HEADERS": "true",
           "REDIS_URL": settings.redis_url}  # the rate limits in Redis, as in production
    stack = BenchStack(root, settings, env, production)
    print(f"starting the action server and Rasa (logs in {root}) ...", flush=True)
    try:
        stack.run("actions", action_server_spec(action_port))
        stack.add_rasa()
        stack.restart_web()
        yield stack
    finally:
        for running in reversed(list(stack.processes.values())):
            stop(running)
        for url in databases:
            drop_database(url)
        if keep_logs:
            print(f"logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


# -- measuring -------------------------------------------------------------------------------


def percentiles(seconds: list[float]) -> tuple[float, float, float]:
    """p50, p95 and max, in milliseconds."""
    ms = sorted(s * 1000 for s in seconds)
    if not ms:
        return (float("nan"),) * 3  # type: ignore[return-value]
    p95 = statistics.quantiles(ms, n=20, method="inclusive")[-1] if len(ms) > 1 else ms[0]
    return statistics.median(ms), p95, ms[-1]


_visitor_numbers = itertools.count(1)


def visitor_headers() -> dict[str, str]:
    """A new person's address, as the trusted proxy in front of the web app would pass it."""
    n = next(_visitor_numbers)
    return {"X-Forwarded-For": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}


def reply_times(stack: BenchStack, messages: int, direct_first: bool = False,
                ) -> tuple[list[float], list[float], int]:
    """Ask the same questions through the web chat and straight to Rasa, interleaved.

    Each visitor (own cookie, own address) asks QUESTIONS_PER_VISITOR questions; the direct
    path uses a new Rasa sender at the same points, so both hold conversations of one length.
    `direct_first`: each question goes straight to Rasa first, then through the web chat.
    Both paths are asked by the same small client (`Browser`), each on its own connection.
    """
    web_seconds: list[float] = []
    rasa_seconds: list[float] = []
    errors = 0
    rasa = Browser(stack.rasa_ports[0], {CHANNEL_TOKEN_HEADER: stack.settings.rasa_token})
    web = Browser(stack.settings.web_port)
    sender = ""
    for i in range(messages + len(QUESTIONS)):  # the first round warms everything up
        if i % QUESTIONS_PER_VISITOR == 0:
            web.close()
            web = Browser(stack.settings.web_port, visitor_headers())
            sender = f"bench-direct-{secrets.token_hex(8)}"
        question = QUESTIONS[i % len(QUESTIONS)]
        if direct_first:
            direct, direct_took = rasa.post(WEBHOOK_PATH, {"sender": sender, "message": question})
        answer, took = web.post("/api/chat", {"message": question})
        if not direct_first:
            direct, direct_took = rasa.post(WEBHOOK_PATH, {"sender": sender, "message": question})
        errors += (answer != 200) + (direct != 200)
        if i >= len(QUESTIONS):
            web_seconds.append(took)
            rasa_seconds.append(direct_took)
    web.close()
    rasa.close()
    return web_seconds, rasa_seconds, errors


class Browser:
    """One visitor's connection, keeping the cookies it is given, as a phone's browser does.

    The standard library's HTTP client, so that the time measured is the servers' and the
    network's. Against a local server on the test machine, httpx's client took 1.3 ms a
    request of its own, and 0.45 ms more when the answer sets a cookie, as the web chat's
    do (its cookie jar is Python): time no browser spends, counted against the web chat
    alone. This one took 0.3 ms either way.
    """

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self._headers = {"Content-Type": "application/json", **(headers or {})}
        self._cookies: dict[str, str] = {}

    def post(self, path: str, body: dict[str, str]) -> tuple[int, float]:
        """POST `body` as JSON; the status, and the seconds until the whole answer was read."""
        headers = dict(self._headers)
        if self._cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self._cookies.items())
        started = time.perf_counter()
        self._connection.request("POST", path, json.dumps(body), headers)
        response = self._connection.getresponse()
        response.read()
        took = time.perf_counter() - started
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, value = cookie.split(";", 1)[0].partition("=")
            self._cookies[name.strip()] = value.strip()
        return response.status, took

    def close(self) -> None:
        self._connection.close()


@dataclass
class LoadResult:
    visitors: int
    seconds: float
    ok: int = 0
    errors: int = 0
    limited: int = 0
    unanswered: int = 0  # 200 with the kind "something went wrong" text
    latencies: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)
    busy: float = 0.0  # the share of all cores in use

    @property
    def throughput(self) -> float:
        return self.ok / self.seconds


async def _visitor_loop(base_url: str, deadline: float, result: LoadResult,
                        no_reply: str) -> None:
    """One visitor after another, each with its own connection, cookie and address."""
    while time.monotonic() < deadline:
        async with httpx.AsyncClient(base_url=base_url, timeout=60,
                                     headers=visitor_headers()) as client:
            for i in range(QUESTIONS_PER_VISITOR):
                if time.monotonic() >= deadline:
                    return
                await _ask(client, QUESTIONS[i % len(QUESTIONS)], result, no_reply)


async def _ask(client: httpx.AsyncClient, question: str, result: LoadResult,
               no_reply: str) -> None:
    started = time.perf_counter()
    try:
        response = await client.post("/api/chat", json={"message": question})
    except httpx.HTTPError:
        result.errors += 1
        return
    if response.status_code == 429:
        result.limited += 1
    elif response.status_code != 200:
        result.errors += 1
    else:
        result.ok += 1
        result.latencies.append(time.perf_counter() - started)
        result.unanswered += no_reply in response.text


SHARED_SERVICES = {"postgres": "postgres", "redis-server": "redis"}


def _stat(pid: str | int) -> tuple[str, int] | None:
    """The command name and the CPU ticks (own and reaped children's) of a process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    name = text[text.index("(") + 1:text.rindex(")")]
    fields = text.rsplit(")", 1)[1].split()
    return name, sum(int(v) for v in fields[11:15])  # utime stime cutime cstime


def cpu_ticks(pids: dict[str, int]) -> dict[str, int]:
    """CPU ticks so far of our processes, and of all PostgreSQL and Redis processes."""
    ticks = {}
    for name, pid in pids.items():
        found = _stat(pid)
        if found:
            ticks[name] = found[1]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (found := _stat(entry.name)):
            service = SHARED_SERVICES.get(found[0])
            if service:
                ticks[service] = ticks.get(service, 0) + found[1]
    return ticks


def busy_ticks() -> tuple[int, int]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


async def load(stack: BenchStack, visitors: int, seconds: float) -> LoadResult:
    from carecareers.catalogue import text
    from carecareers.conversation.relay import NO_REPLY

    result = LoadResult(visitors, seconds)
    pids = {**stack.pids(), "load generator": os.getpid()}
    ticks_before, busy_before = cpu_ticks(pids), busy_ticks()
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_visitor_loop(stack.web_url, deadline, result, text(NO_REPLY))
                           for _ in range(visitors)))
    ticks_after, busy_after = cpu_ticks(pids), busy_ticks()
    hz = os.sysconf("SC_CLK_TCK")
    result.cpu = {name: (ticks_after[name] - ticks_before.get(name, 0)) / hz / seconds
                  for name in ticks_after}
    result.busy = (busy_after[0] - busy_before[0]) / max(busy_after[1] - busy_before[1], 1)
    return result


# -- reporting -------------------------------------------------------------------------------


def report_reply_times(stack: BenchStack, messages: int, rounds: int) -> float:
    """Each round's figures, then all rounds' together; return the p95 ratio of them all."""
    print(f"  reply time, {messages} questions one at a time in each of {rounds} rounds"
          f"\n    {'round':<8}{'first':<8}{'web p50':>9}{'p95':>7}{'Rasa p50':>10}{'p95':>7}"
          f"{'p95 ratio':>11}{'added p95 ms':>14}")
    web_all: list[float] = []
    rasa_all: list[float] = []
    errors = 0
    for number in range(1, rounds + 1):
        direct_first = number % 2 == 0
        web_seconds, rasa_seconds, failed = reply_times(stack, messages, direct_first)
        web_all += web_seconds
        rasa_all += rasa_seconds
        errors += failed
        print(f"    {number:<8}{'Rasa' if direct_first else 'web':<8}"
              + _ratio_columns(web_seconds, rasa_seconds))
    print(f"    {'all':<16}" + _ratio_columns(web_all, rasa_all))
    ratio = percentiles(web_all)[1] / percentiles(rasa_all)[1]
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"    p95 ratio web / Rasa over {len(web_all)} questions: {ratio:.3f} "
          f"(target <= {TARGET_RATIO}: {verdict}); errors: {errors}")
    return ratio


def _ratio_columns(web_seconds: list[float], rasa_seconds: list[float]) -> str:
    web_p50, web_p95, _ = percentiles(web_seconds)
    rasa_p50, rasa_p95, _ = percentiles(rasa_seconds)
    return (f"{web_p50:>9.1f}{web_p95:>7.1f}{rasa_p50:>10.1f}{rasa_p95:>7.1f}"
            f"{web_p95 / rasa_p95:>11.3f}{web_p95 - rasa_p95:>14.1f}")


def report_load(stack: BenchStack, visitors_list: list[int], seconds: float) -> None:
    print(f"  load, {seconds:.0f} s each{'visitors':>17}{'msg/s':>8}{'ok':>7}{'errors':>8}"
          f"{'429':>6}{'no reply':>10}{'p50 ms':>9}{'p95 ms':>9}{'cores busy':>12}")
    for visitors in visitors_list:
        result = asyncio.run(load(stack, visitors, seconds))
        p50, p95, _ = percentiles(result.latencies)
        cores = os.cpu_count() or 1
        print(f"    {'':<20}{visitors:>9}{result.throughput:>8.1f}{result.ok:>7}"
              f"{result.errors:>8}{result.limited:>6}{result.unanswered:>10}{p50:>9.0f}"
              f"{p95:>9.0f}{result.busy * cores:>8.2f}/{cores}")
        heavy = sorted(result.cpu.items(), key=lambda item: -item[1])
        other = result.busy * cores - sum(result.cpu.values())
        print("      CPU (cores) " + ", ".join(f"{name} {used:.2f}" for name, used in heavy)
              + f", the rest {max(other, 0.0):.2f}")


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    with bench_stack(args.keep_logs) as stack:
        setup = ("PostgreSQL app database and tracker store, Redis locks" if stack.production
                 else "SQLite (no PostgreSQL/Redis here: one Rasa server only)")
        print(f"\n{setup}; {os.cpu_count()} cores; loopback only\n")
        print("One Rasa server")
        report_reply_times(stack, args.messages, args.rounds)
        report_load(stack, args.visitors, args.seconds)
        if not stack.production:
            return
        print("starting a second Rasa server ...", flush=True)
        stack.add_rasa()
        stack.restart_web()
        print("\nTwo Rasa servers (RASA_URL lists both; reply time compared with the first)")
        report_reply_times(stack, args.messages, args.rounds)
        report_load(stack, args.visitors, args.seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
