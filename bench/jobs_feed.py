"""The vacancy feed for other websites (`/jobs.json`), under load from one web process.

Seeds a temporary SQLite database with 2,000 open vacancies of 20 providers, starts the web
app as `make run` does (one uvicorn process), warms its cache, then sends GET requests at a
steady RATE a second for SECONDS (open loop: each request is timed from the moment it was due,
so any queueing counts) across a few providers' and areas' feeds, with the ETag a browser or
a site's cache would send for half of them.

    .venv/bin/python bench/jobs_feed.py [--rate 500] [--seconds 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.runtime.processes import free_port  # noqa: E402
from tests.factories import make_provider, make_vacancy  # noqa: E402

TARGET_RATE = 500
TARGET_P95_MS = 20.0
PROVIDERS = 20
VACANCIES = 2000
AREAS = ("ST", "ST4", "ST13", "WS", "DE")


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/jobs_feed.py", description=__doc__)
    parser.add_argument("--rate", type=int, default=TARGET_RATE)
    parser.add_argument("--seconds", type=float, default=10.0)
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


def start_web(folder: Path, port: int, database_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": database_url, "WEB_PORT": str(port),
           "RUN_DIR": str(folder / "run"), "LOG_LEVEL": "WARNING"}
    web = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "web.app:create_app", "--factory", "--host",
         "127.0.0.1", "--port", str(port), "--no-access-log", "--log-level", "warning"],
        cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/livez", timeout=1).status_code == 200:
                return web
        except httpx.HTTPError:
            time.sleep(0.2)
    web.terminate()
    raise RuntimeError("the web app did not start")


def paths() -> list[str]:
    found = [f"/jobs.json?provider=bench{p}" for p in range(0, PROVIDERS, 4)]
    return found + [f"/jobs.json?area={a}" for a in AREAS] + ["/jobs.json?role=care_worker"]


async def load(base: str, rate: int, seconds: float) -> tuple[list[float], int, int]:
    urls = paths()
    async with httpx.AsyncClient(base_url=base, timeout=10,
                                 limits=httpx.Limits(max_connections=64)) as client:
        etags = {u: (await client.get(u)).headers["etag"] for u in urls}  # warm the cache
        latencies: list[float] = []
        statuses = {"fresh": 0, "not_modified": 0, "errors": 0}

        async def one(n: int, due: float) -> None:
            url = urls[n % len(urls)]
            headers = {"If-None-Match": etags[url]} if n % 2 else {}
            try:
                response = await client.get(url, headers=headers)
            except httpx.HTTPError:
                statuses["errors"] += 1
                return
            latencies.append((time.perf_counter() - due) * 1000)
            if response.status_code == 304:
                statuses["not_modified"] += 1
            elif response.status_code == 200:
                statuses["fresh"] += 1
            else:
                statuses["errors"] += 1

        started = time.perf_counter()
        tasks = []
        for n in range(int(rate * seconds)):
            due = started + n / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(n, due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    print(f"sent {len(tasks)} requests in {elapsed:.1f} s ({len(tasks) / elapsed:.0f} a second); "
          f"200: {statuses['fresh']}, 304: {statuses['not_modified']}, "
          f"errors: {statuses['errors']}")
    return latencies, statuses["errors"], len(tasks)


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        database_url = f"sqlite:///{folder / 'bench.db'}"
        seed(database_url)
        port = free_port()
        web = start_web(folder, port, database_url)
        try:
            latencies, errors, sent = asyncio.run(
                load(f"http://127.0.0.1:{port}", args.rate, args.seconds))
        finally:
            web.terminate()
            web.wait(timeout=15)
    latencies.sort()
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(f"/jobs.json at {args.rate} a second, cache warm: p50 "
          f"{statistics.median(latencies):.1f} ms, p95 {p95:.1f} ms, "
          f"p99 {latencies[int(len(latencies) * 0.99) - 1]:.1f} ms "
          f"(target p95 <= {TARGET_P95_MS:.0f} ms): "
          f"{'met' if p95 <= TARGET_P95_MS and not errors else 'NOT met'}")


if __name__ == "__main__":
    main(sys.argv[1:])
