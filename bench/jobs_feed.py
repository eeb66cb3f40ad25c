"""The vacancy feed for other websites (`/jobs.json`), under load from one web process.

Seeds a temporary SQLite database with 2,000 open vacancies of 20 providers, starts the web
app as `make run` does (one uvicorn process, carecareers/runtime/processes.py web_spec),
warms its cache, then sends GET requests at a steady RATE a second for SECONDS across a few
providers' and areas' feeds, with the ETag a browser or a site's cache would send for half
of them.

Open loop: request n is due at start + n / RATE and its latency is counted from that moment,
whether the server or this client was late, so any queueing counts. The requests go over a
fixed set of keep-alive connections (as a busy site's HTTP client would hold); a request
due while every connection is busy waits for one, and that wait counts too. The client is
raw asyncio (uvloop where installed) speaking HTTP/1.1 itself: a full HTTP client library
on the same 2-core machine costs more CPU than the server and was what the old figures
measured. The client's own CPU per request is printed, so that a too-slow client shows.

    .venv/bin/python bench/jobs_feed.py [--rate 500] [--seconds 10] [--connections 64]
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import resource
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.runtime.processes import (  # noqa: E402
    Running,
    free_port,
    start,
    stop,
    wait_ready,
    web_spec,
)
from carecareers.settings import Settings  # noqa: E402
from tests.factories import make_provider, make_vacancy  # noqa: E402

TARGET_RATE = 500
TARGET_P95_MS = 20.0
PROVIDERS = 20
VACANCIES = 2000
AREAS = ("ST", "ST4", "ST13", "WS", "DE")
CONNECTIONS = 64
ANSWER_TIMEOUT = 10.0  # seconds after the last request was due
HOST = "127.0.0.1"


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/jobs_feed.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=TARGET_RATE, help="requests a second")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--connections", type=int, default=CONNECTIONS,
                        help="keep-alive connections the client holds")
    return parser.parse_args(argv)


def seed(database_url: str) -> None:
    upgrade(database_url)
    sessions = session_factory(make_engine(database_url))
    today = date.today()
    with sessions() as session, session.begin():
        for p in range(PROVIDERS):
            make_provider(session, f"bench{p}", f"Bench Care {p}")
        for n in range(VACANCIES):
            make_vacancy(session, f"Care worker {n}", source=f"provider_csv:bench{n % PROVIDERS}",
                         source_id=f"b{n}", outcode=f"{AREAS[n % len(AREAS)]}{n % 9 + 1}",
                         role_code="care_worker", posted_on=today - timedelta(days=n % 30),
                         closes_on=today + timedelta(days=30), salary_min=12.71,
                         salary_period="hour", url=f"https://example.org/apply/{n}")


def start_web(folder: Path, port: int, database_url: str) -> tuple[Running, Path]:
    """The web process exactly as `make run` starts it (same argv, its log in a file)."""
    run_dir = folder / "run"
    run_dir.mkdir(exist_ok=True)
    env = {**os.environ, "DATABASE_URL": database_url, "WEB_PORT": str(port),
           "RUN_DIR": str(run_dir)}
    spec = web_spec(Settings(database_url=database_url, web_port=port, run_dir=run_dir))
    log_path = run_dir / "web.log"
    with log_path.open("wb") as log:
        web = start(spec, env, stdout=log)
    try:
        wait_ready(web)
    except Exception:
        stop(web)
        print(log_path.read_text(errors="replace")[-3000:], file=sys.stderr)
        raise
    return web, log_path


def paths() -> list[str]:
    found = [f"/jobs.json?provider=bench{p}" for p in range(0, PROVIDERS, 4)]
    return found + [f"/jobs.json?area={a}" for a in AREAS] + ["/jobs.json?role=care_worker"]


class BadAnswer(Exception):
    pass


@dataclass(frozen=True)
class Answer:
    status: int
    etag: bytes | None
    body: bytes


async def read_answer(reader: asyncio.StreamReader) -> Answer:
    """One HTTP/1.1 response with a Content-Length (or none, for a 304)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise BadAnswer(lines[0][:80])
    length, etag, chunked = 0, None, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"etag":
            etag = value.strip()
        elif name == b"transfer-encoding":
            chunked = True
    if chunked:
        raise BadAnswer(b"chunked answer")
    body = await reader.readexactly(length) if length else b""
    return Answer(int(parts[1]), etag, body)


def request_bytes(path: str, port: int, etag: bytes | None = None) -> bytes:
    lines = [f"GET {path} HTTP/1.1".encode(), f"Host: {HOST}:{port}".encode(),
             b"User-Agent: bench/jobs_feed.py", b"Accept: application/json"]
    if etag is not None:
        lines.append(b"If-None-Match: " + etag)
    return b"\r\n".join(lines) + b"\r\n\r\n"


async def warm(port: int, urls: Sequence[str]) -> dict[str, Answer]:
    """Ask each feed once (which fills the cache); their answers, to check the load's by."""
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        found = {}
        for url in urls:
            writer.write(request_bytes(url, port))
            answer = await read_answer(reader)
            if answer.status != 200 or answer.etag is None:
                raise RuntimeError(f"{url} answered {answer.status} without an ETag")
            found[url] = answer
        return found
    finally:
        writer.close()


@dataclass
class Results:
    latencies_ms: list[float] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    sent: int = 0
    started: float = 0.0
    last_answer: float = 0.0
    client_cpu: float = 0.0
    server_cpu: float | None = None


def cpu_seconds(pid: int) -> float | None:
    """User and system CPU time of a process so far (Linux's /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def own_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def load(port: int, server_pid: int, rate: int, seconds: float,
               connections: int) -> Results:
    urls = paths()
    expected = await warm(port, urls)
    # Half the requests are a browser's or a site cache's, with the ETag it was given.
    requests = [(request_bytes(url, port), expected[url], 200) for url in urls] + \
               [(request_bytes(url, port, expected[url].etag), expected[url], 304)
                for url in urls]
    plan = [requests[(n % len(urls)) + (len(urls) if n % 2 else 0)]
            for n in range(int(rate * seconds))]
    results = Results()
    queue: asyncio.Queue[tuple[float, bytes, Answer, int]] = asyncio.Queue()

    async def connect() -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        return await asyncio.open_connection(HOST, port)

    async def worker(link: tuple[asyncio.StreamReader, asyncio.StreamWriter]) -> None:
        reader, writer = link
        while True:
            due, raw, fresh, status = await queue.get()
            try:
                if reader.at_eof() or writer.is_closing():  # the server closed it while idle
                    writer.close()
                    reader, writer = await connect()
                writer.write(raw)
                answer = await read_answer(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                    BadAnswer, ValueError):
                results.counts["errors: connection or unreadable answer"] += 1
                writer.close()
                try:
                    reader, writer = await connect()
                except OSError:
                    pass
                queue.task_done()
                continue
            now = time.perf_counter()
            results.latencies_ms.append((now - due) * 1000)
            results.last_answer = now
            if answer.status != status:
                results.counts[f"errors: {answer.status} instead of {status}"] += 1
            elif answer.etag != fresh.etag or (status == 200 and answer.body != fresh.body):
                results.counts["errors: another answer than the warm one"] += 1
            else:
                results.counts[str(status)] += 1
            queue.task_done()

    links = await asyncio.gather(*[connect() for _ in range(connections)])
    workers = [asyncio.create_task(worker(link)) for link in links]
    server_cpu_before = cpu_seconds(server_pid)
    client_cpu_before = own_cpu_seconds()
    results.started = started = time.perf_counter()
    for n, (raw, fresh, status) in enumerate(plan):
        due = started + n / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        queue.put_nowait((due, raw, fresh, status))
        results.sent += 1
    try:
        await asyncio.wait_for(queue.join(), ANSWER_TIMEOUT)
    except asyncio.TimeoutError:
        pass
    results.client_cpu = own_cpu_seconds() - client_cpu_before
    server_cpu_after = cpu_seconds(server_pid)
    if server_cpu_before is not None and server_cpu_after is not None:
        results.server_cpu = server_cpu_after - server_cpu_before
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    for _, writer in links:
        writer.close()
    unanswered = results.sent - sum(results.counts.values())
    if unanswered:
        results.counts[f"errors: no answer {ANSWER_TIMEOUT:.0f} s after the last was due"] += \
            unanswered
    return results


def percentile(ordered: Sequence[float], share: float) -> float:
    """The nearest-rank percentile of sorted values."""
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def report(results: Results, rate: int, seconds: float, connections: int) -> bool:
    errors = sum(n for name, n in results.counts.items() if name.startswith("errors"))
    answered = len(results.latencies_ms)
    good = results.counts["200"] + results.counts["304"]
    span = max(results.last_answer - results.started, seconds)
    achieved = good / span if span > 0 else 0.0
    print(f"asked {results.sent} requests at {rate} a second for {seconds:g} s over "
          f"{connections} keep-alive connections; answered well {good} in {span:.2f} s "
          f"({achieved:.0f} a second); "
          + ", ".join(f"{name}: {n}" for name, n in sorted(results.counts.items())))
    if results.server_cpu is not None and results.sent:
        print(f"web process CPU: {1000 * results.server_cpu / results.sent:.2f} ms a request "
              f"({100 * results.server_cpu / span:.0f}% of one core); this client: "
              f"{1000 * results.client_cpu / results.sent:.2f} ms a request "
              f"({100 * results.client_cpu / span:.0f}% of one core)")
    if not answered:
        print("/jobs.json: no answers: NOT met")
        return False
    ordered = sorted(results.latencies_ms)
    p50, p95, p99 = (percentile(ordered, s) for s in (0.50, 0.95, 0.99))
    met = (rate >= TARGET_RATE and not errors and answered == results.sent
           and achieved >= 0.99 * TARGET_RATE and p95 <= TARGET_P95_MS)
    print(f"/jobs.json at {rate} a second, cache warm: p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
          f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms, {errors} errors "
          f"(target: {TARGET_RATE} a second with p95 <= {TARGET_P95_MS:.0f} ms and no errors): "
          f"{'met' if met else 'NOT met'}")
    return met


def run(coroutine: Coroutine[Any, Any, Results]) -> Results:
    """Run the load on uvloop where installed (uvicorn[standard] brings it): a cheaper client."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          f"({os.cpu_count()} CPUs)")
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database_url = f"sqlite:///{folder / 'bench.db'}"
        seed(database_url)
        port = free_port()
        web, _ = start_web(folder, port, database_url)
        try:
            results = run(load(port, web.popen.pid, args.rate, args.seconds,
                                       args.connections))
        finally:
            stop(web)
    report(results, args.rate, args.seconds, args.connections)


if __name__ == "__main__":
    main(sys.argv[1:])
