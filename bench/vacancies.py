"""Benchmark vacancy import and search at national scale, on SQLite and PostgreSQL.

    .venv/bin/python -m bench.vacancies                       # 110,000 and 1,000,000
    .venv/bin/python -m bench.vacancies --sizes 20000 --samples 10 --backends sqlite  # quick
    .venv/bin/python -m bench.vacancies --sizes 110000 --backends postgres --keep   # one size
    .venv/bin/python -m bench.vacancies --sizes 110000 --backends postgres --reuse \
        --queries "dense cluster"                         # searches only, on the kept database

`--keep` leaves the imported database in place (SQLite: WORKDIR/bench_SIZE.db; PostgreSQL:
database cc_bench_keep_SIZE); `--reuse` searches it again without importing.

Per size, builds an NHS Jobs search_xml feed: vacancies spread evenly over the UK postcode
districts in content/geo/, plus a dense cluster of 40,000 within 25 miles of Stoke-on-Trent.
Per database: imports it in a child process (time; peak memory from ru_maxrss), then times
a mix of searches through GET /api/vacancies (FastAPI TestClient, one at a time) and prints
query type, matches and p50/p95. Targets: p95 <= 50 ms at 110,000 and <= 100 ms at
1,000,000; import of 1,000,000 <= 10 minutes at <= 500 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.geo import Gazetteer, Outcode, gazetteer_for, haversine_miles  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.vacancies.roles import role_index_for  # noqa: E402
from tests.support import postgres  # noqa: E402

CONTENT = ROOT / "content"
SIZES = (110_000, 1_000_000)
CLUSTER_TOWN, CLUSTER_OUTCODE, CLUSTER_MILES, CLUSTER_SIZE = "Stoke-on-Trent", "ST4", 25, 40_000
P95_TARGET_MS = {110_000: 50.0, 1_000_000: 100.0}
IMPORT_TARGETS = {"seconds": 600.0, "peak_mb": 500.0}

TITLES = [
    "Healthcare Support Worker", "Apprentice Healthcare Support Worker (Level 2)",
    "Senior Healthcare Support Worker", "Care Assistant", "Senior Carer", "Support Worker",
    "Registered Nurse", "Staff Nurse - Acute Medicine", "Trainee Nursing Associate",
    "Nursing Associate", "Assistant Practitioner", "Mental Health Support Worker",
    "Occupational Therapist", "Physiotherapy Assistant", "Paramedic", "Social Worker",
    "Registered Manager", "Domiciliary Carer", "Phlebotomist", "Clinical Support Worker",
    "Night Care Assistant", "Lead Adult Care Worker Apprenticeship", "Activities Coordinator",
    "Ward Clerk", "Theatre Support Worker", "Community Nurse", "Deputy Care Home Manager",
]
EMPLOYERS = [
    "University Hospitals NHS Trust", "Community Healthcare NHS Trust",
    "Mental Health NHS Foundation Trust", "Ambulance Service NHS Trust",
    "Primary Care Network", "Hospice", "Home Care Ltd", "Care Homes Group", "Medical Practice",
]
SALARIES = ["£24,465 a year", "£24,937 to £26,598 a year", "Band 3", "£12.21 an hour",
            "£27,485 to £30,162 a year", "£31,049 to £37,796 a year", "Competitive"]
DESCRIPTION = ("<p>We are looking for kind, reliable people to join our team. Full induction "
               "and the Care Certificate are provided; days, nights and weekends.</p>")
KEYWORDS = ["care", "healthcare assistant", "nurse", "support worker", "apprenticeship",
            "mental health", "care home", "phlebotomist"]
NO_MATCH = ["astronaut", "zookeeper", "deep sea diver"]


# -- the feed ------------------------------------------------------------------------------

def build_feed(path: Path, rows: int, gazetteer: Gazetteer, seed: int = 7) -> None:
    """Write an NHS Jobs search_xml feed: `rows` vacancies, a dense cluster among them."""
    rng = random.Random(seed)
    everywhere = list(_outcodes(gazetteer))
    cluster = _cluster_outcodes(gazetteer)
    clustered = min(CLUSTER_SIZE, rows * 4 // 11)
    today = date.today()
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<nhsJobs>\n'
                  f"<totalPages>1</totalPages>\n<totalResults>{rows}</totalResults>\n")
        for number in range(rows):
            outcode = rng.choice(cluster if rng.random() < clustered / rows else everywhere)
            out.write(_vacancy(number, rng, outcode, today))
        out.write("</nhsJobs>\n")


def _outcodes(gazetteer: Gazetteer) -> Iterator[Outcode]:
    return iter(gazetteer._outcodes.values())  # noqa: SLF001 - a benchmark may peek


def _cluster_outcodes(gazetteer: Gazetteer) -> list[Outcode]:
    centre = gazetteer.locate(CLUSTER_TOWN)
    return [o for o in _outcodes(gazetteer)
            if haversine_miles(centre.latitude, centre.longitude, o.latitude, o.longitude)
            <= CLUSTER_MILES - 1]


def _vacancy(number: int, rng: random.Random, outcode: Outcode, today: date) -> str:
    town = outcode.town or outcode.county or outcode.code
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    postcode = f"{outcode.code} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"
    reference = f"B{number // 10000:04d}-26-{number:07d}"
    closes = today + timedelta(days=rng.randint(7, 200))
    return (
        "<vacancyDetails>"
        f"<id>{uuid.UUID(int=rng.getrandbits(128))}</id>"
        f"<reference>{reference}</reference>"
        f"<title>{escape(rng.choice(TITLES))}</title>"
        f"<employer>{escape(town)} {rng.choice(EMPLOYERS)}</employer>"
        f"<description>{escape(DESCRIPTION)}</description>"
        f"<locations><locations>{escape(town)}, {postcode}</locations></locations>"
        f"<salary>{escape(rng.choice(SALARIES))}</salary>"
        "<type>Permanent</type>"
        f"<postDate>{(today - timedelta(days=rng.randint(0, 30))).isoformat()}</postDate>"
        f"<closeDate>{closes.isoformat()}</closeDate>"
        f"<url>https://www.jobs.nhs.uk/candidate/jobadvert/{reference}</url>"
        "</vacancyDetails>\n"
    )


# -- the import, in a child process --------------------------------------------------------

def child_import(url: str, feed: str) -> None:
    """Run in a child process: import the feed, print seconds, counts and peak memory."""
    from carecareers.clock import SYSTEM_CLOCK
    from carecareers.vacancies.importing import import_source

    engine = make_engine(url)
    started = time.perf_counter()
    with session_factory(engine)() as session, session.begin():
        summary = import_source(session, "nhs_jobs", feed, complete=True, clock=SYSTEM_CLOCK,
                                gazetteer=gazetteer_for(CONTENT), roles=role_index_for(CONTENT))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024,
                      "cpu_seconds": usage.ru_utime + usage.ru_stime,
                      "created": summary.created, "skipped": summary.skipped}))


def run_child_import(url: str, feed: Path) -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "bench.vacancies", "_import", url, str(feed)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise RuntimeError(f"import failed: {result.stderr.strip()[-2000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- the searches --------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryType:
    name: str
    make: Callable[[random.Random], dict[str, Any]]


def query_types(gazetteer: Gazetteer) -> list[QueryType]:
    places = [o.code for o in _outcodes(gazetteer)]
    cluster = [o.code for o in _cluster_outcodes(gazetteer)]

    def near(rng: random.Random, radius: float, q: bool = True) -> dict[str, Any]:
        params: dict[str, Any] = {"near": rng.choice(places), "radius_miles": radius}
        return params | ({"q": rng.choice(KEYWORDS)} if q else {})

    return [
        QueryType("keyword only", lambda rng: {"q": rng.choice(KEYWORDS)}),
        QueryType("place only, 10 miles", lambda rng: near(rng, 10, q=False)),
        QueryType("keyword + place, 5 miles", lambda rng: near(rng, 5)),
        QueryType("keyword + place, 10 miles", lambda rng: near(rng, 10)),
        QueryType("keyword + place, 25 miles", lambda rng: near(rng, 25)),
        QueryType("dense cluster, place, 25 mi",
                  lambda rng: {"near": rng.choice([CLUSTER_TOWN, *cluster]),
                               "radius_miles": 25}),
        QueryType("dense cluster, keyword, 25 mi",
                  lambda rng: {"near": rng.choice([CLUSTER_TOWN, *cluster]),
                               "radius_miles": 25, "q": rng.choice(KEYWORDS)}),
        QueryType("no match", lambda rng: {"q": rng.choice(NO_MATCH)}
                  | ({"near": rng.choice(places), "radius_miles": 25} if rng.random() < .5
                     else {})),
    ]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, int(round(0.95 * len(ordered))) - 1))]
    return statistics.median(ordered), p95


def bench_searches(url: str, samples: int, gazetteer: Gazetteer,
                   only: str = "") -> list[dict[str, Any]]:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from carecareers.settings import Settings
    from web.routes.vacancies import router

    engine = make_engine(url)
    app = FastAPI()
    app.state.session_factory = session_factory(engine)
    app.state.settings = Settings(database_url=url, content_dir=CONTENT)
    app.include_router(router)
    # One event loop for every request, as a server has (without `with`, TestClient starts
    # a thread and an event loop per request: a few ms that no server spends).
    client = TestClient(app).__enter__()
    rng = random.Random(11)

    def call(params: dict[str, Any]) -> tuple[float, float, dict[str, Any]]:
        started, cpu = time.perf_counter(), time.process_time()
        response = client.get("/api/vacancies", params=params)
        elapsed = (time.perf_counter() - started) * 1000
        cpu_ms = (time.process_time() - cpu) * 1000
        response.raise_for_status()
        return elapsed, cpu_ms, response.json()

    types = [kind for kind in query_types(gazetteer)
             if not only or any(part in kind.name for part in only.split(","))]
    for kind in types:  # warm up caches and connections
        call(kind.make(rng))
    plan = [kind for kind in types for _ in range(samples)]
    rng.shuffle(plan)  # mixed, as people type them
    timings: dict[str, list[float]] = {kind.name: [] for kind in types}
    cpu: dict[str, list[float]] = {kind.name: [] for kind in types}
    matches: dict[str, list[tuple[int, bool]]] = {kind.name: [] for kind in types}
    for kind in plan:
        elapsed, cpu_ms, body = call(kind.make(rng))
        timings[kind.name].append(elapsed)
        cpu[kind.name].append(cpu_ms)
        matches[kind.name].append((body["total"], body["total_exact"]))
    client.__exit__(None, None, None)
    engine.dispose()
    rows = [_summary(name, timings[name], cpu[name], matches[name]) for name in timings]
    everything = [t for values in timings.values() for t in values]
    p50, p95 = percentiles(everything)
    cpu_p50, cpu_p95 = percentiles([t for values in cpu.values() for t in values])
    rows.append({"query": "all (mixed)", "matches": "", "p50_ms": p50, "p95_ms": p95,
                 "cpu_p50_ms": cpu_p50, "cpu_p95_ms": cpu_p95})
    return rows


def _summary(name: str, timings: list[float], cpu: list[float],
             totals: list[tuple[int, bool]]) -> dict[str, Any]:
    p50, p95 = percentiles(timings)
    cpu_p50, cpu_p95 = percentiles(cpu)
    counts = sorted(total for total, _ in totals)
    capped = sum(1 for _, exact in totals if not exact)
    shown = f"{counts[0]:,}-{counts[-1]:,}" + ("+" if capped else "")
    return {"query": name, "matches": shown, "capped": capped, "p50_ms": p50, "p95_ms": p95,
            "cpu_p50_ms": cpu_p50, "cpu_p95_ms": cpu_p95}


# -- the databases -------------------------------------------------------------------------

def sqlite_database(workdir: Path) -> tuple[str, Callable[[], None]]:
    path = workdir / "bench.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)


def postgres_database() -> tuple[str, Callable[[], None]]:
    url = postgres.create_database("cc_bench")
    return url, lambda: postgres.drop_database(url)


def kept_database(name: str, rows: int, workdir: Path, fresh: bool) -> str:
    """The database `--keep` leaves and `--reuse` searches again; emptied when `fresh`."""
    if name == "sqlite":
        path = workdir / f"bench_{rows}.db"
        if fresh:
            path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    url = postgres.URL.format(name=f"cc_bench_keep_{rows}")
    if fresh:
        postgres.drop_database(url)
        postgres.create_named_database(url.rsplit("/", 1)[1])
    return url


def bench_backend(name: str, feed: Path, workdir: Path, samples: int, gazetteer: Gazetteer,
                  rows: int = 0, keep: bool = False, reuse: bool = False,
                  only: str = "") -> dict[str, Any]:
    if keep or reuse:
        url, cleanup = kept_database(name, rows, workdir, fresh=not reuse), (lambda: None)
    else:
        url, cleanup = sqlite_database(workdir) if name == "sqlite" else postgres_database()
    try:
        if reuse:
            imported = json.loads((workdir / f"import_{rows}_{name}.json").read_text())
        else:
            upgrade(url)
            imported = run_child_import(url, feed)
            (workdir / f"import_{rows}_{name}.json").write_text(json.dumps(imported))
        return {"backend": name, "import": imported,
                "search": bench_searches(url, samples, gazetteer, only)}
    finally:
        cleanup()


def print_table(rows: int, feed: Path, results: list[dict[str, Any]]) -> None:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    target = P95_TARGET_MS.get(rows)
    print(f"\n{rows:,} vacancies ({feed.stat().st_size / 1e6:.0f} MB feed; "
          f"{min(CLUSTER_SIZE, rows * 4 // 11):,} within {CLUSTER_MILES} miles of "
          f"{CLUSTER_TOWN}); {os.cpu_count()} CPUs, load average now {load}", flush=True)
    for result in results:
        imp = result["import"]
        cpu = f" ({imp['cpu_seconds']:.0f} s of CPU here)" if "cpu_seconds" in imp else ""
        print(f"{result['backend']}: import {imp['created']:,} in {imp['seconds']:.0f} s{cpu}, "
              f"peak memory {imp['peak_mb']:.0f} MB"
              + (f" (targets {IMPORT_TARGETS['seconds']:.0f} s, "
                 f"{IMPORT_TARGETS['peak_mb']:.0f} MB)" if rows >= 1_000_000 else ""))
        print(f"  {'query':32} {'matches':>16} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'CPU p50':>8} {'CPU p95':>8}")
        for row in result["search"]:
            print(f"  {row['query']:32} {row['matches']:>16} {row['p50_ms']:8.1f} "
                  f"{row['p95_ms']:8.1f} {row['cpu_p50_ms']:8.1f} {row['cpu_p95_ms']:8.1f}")
        if target is not None:
            worst = result["search"][-1]["p95_ms"]
            verdict = "meets" if worst <= target else "misses"
            print(f"  mixed p95 {worst:.1f} ms {verdict} the target of {target:.0f} ms")
    from carecareers.vacancies.ranking import TOTAL_CAP

    print(f"  (matches: smallest-largest total seen, + when a total was capped at {TOTAL_CAP:,}; "
          "CPU: this process's CPU time per request, without PostgreSQL's server)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="vacancies per feed, comma-separated (e.g. 20000 for a quick run)")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--samples", type=int, default=40, help="searches per query type")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/carecareers-bench"))
    parser.add_argument("--keep", action="store_true",
                        help="keep the imported database for --reuse")
    parser.add_argument("--reuse", action="store_true",
                        help="search the database a --keep run left, without importing")
    parser.add_argument("--total-cap", type=int, default=0,
                        help="count totals exactly up to this many instead of "
                             "ranking.TOTAL_CAP (to weigh a lower cap)")
    parser.add_argument("--queries", default="",
                        help="only the query types whose names contain one of these "
                             "(comma-separated)")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.total_cap:
        from carecareers.vacancies import ranking

        print(f"totals exact up to {args.total_cap:,} (ranking.TOTAL_CAP is "
              f"{ranking.TOTAL_CAP:,} in the product)", flush=True)
        ranking.TOTAL_CAP = args.total_cap
    gazetteer = gazetteer_for(CONTENT)
    for rows in (int(size) for size in args.sizes.split(",")):
        feed = args.workdir / f"nhs_jobs_{rows}_v2.xml"
        if not feed.exists():
            started = time.perf_counter()
            build_feed(feed, rows, gazetteer)
            print(f"built {feed} in {time.perf_counter() - started:.0f} s", flush=True)
        for backend in args.backends.split(","):
            print(f"benchmarking {backend} with {rows:,} vacancies ...", flush=True)
            result = bench_backend(backend, feed, args.workdir, args.samples, gazetteer,
                                   rows, keep=args.keep, reuse=args.reuse, only=args.queries)
            print_table(rows, feed, [result])
            (args.workdir / f"results_{rows}_{backend}.json").write_text(
                json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_import":
        child_import(sys.argv[2], sys.argv[3])
    else:
        main(sys.argv[1:])
