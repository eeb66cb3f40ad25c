"""Benchmark the vacancy import and search at national scale, on SQLite and PostgreSQL.

    .venv/bin/python bench/vacancies.py [--rows 110000] [--backends sqlite,postgres]

Builds an NHS Jobs search_xml feed of --rows vacancies spread over England's postcode
districts, then per database: imports it in a child process (time, peak memory from
ru_maxrss), imports it again (nothing changes), and times near-me searches through
`search_vacancies` and through GET /api/vacancies (FastAPI TestClient). Targets: import
<= 60 s, peak memory <= 500 MB, /api/vacancies near-me p95 <= 100 ms.
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
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.geo import Gazetteer, gazetteer_for  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.vacancies.roles import role_index_for  # noqa: E402

CONTENT = ROOT / "content"
POSTGRES_ADMIN = {"host": "127.0.0.1", "port": 5432, "user": "postgres", "dbname": "test"}
TARGETS = {"import_s": 60.0, "memory_mb": 500.0, "api_p95_ms": 100.0}

TITLES = [
    "Healthcare Support Worker", "Apprentice Healthcare Support Worker (Level 2)",
    "Senior Healthcare Support Worker", "Care Assistant", "Senior Carer", "Support Worker",
    "Registered Nurse", "Staff Nurse - Acute Medicine", "Trainee Nursing Associate",
    "Nursing Associate", "Assistant Practitioner", "Mental Health Support Worker",
    "Occupational Therapist", "Physiotherapy Assistant", "Paramedic", "Social Worker",
    "Registered Manager", "Domiciliary Carer", "Phlebotomist", "Clinical Support Worker",
]
EMPLOYERS = [
    "University Hospitals NHS Trust", "Community Healthcare NHS Trust", "Mental Health NHS "
    "Foundation Trust", "Ambulance Service NHS Trust", "Primary Care Network",
    "Hospice Care", "Home Care Ltd", "Care Homes Group",
]
SALARIES = ["£24,465 a year", "£24,937 to £26,598 a year", "Band 3", "£12.21 an hour",
            "£27,485 to £30,162 a year", "£31,049 to £37,796 a year", "Competitive"]
PARAGRAPH = ("We are looking for kind, reliable people to join our team. You will help "
             "people with personal care, eating and drinking, moving safely and keeping "
             "active, and you will work closely with nurses and therapists. No experience "
             "is needed: full induction, the Care Certificate and ongoing training are "
             "provided. Shifts include days, nights and weekends. ")
NEAR = ["ST4 6QG", "ST16 3SA", "Stoke-on-Trent", "Stafford", "Leek", "ST5", "WS11", "B1 1AA",
        "Birmingham", "Manchester", "Leeds", "LS1 4AP", "Bristol", "NG1", "Derby", "Tamworth",
        "Newcastle-under-Lyme", "M1 1AE", "CV1", "Sheffield"]


def build_feed(path: Path, rows: int, seed: int = 7) -> None:
    """Write an NHS Jobs search_xml feed of `rows` vacancies across England."""
    rng = random.Random(seed)
    gazetteer = gazetteer_for(CONTENT)
    england = [o for o in _outcodes(gazetteer) if o.country == "England"]
    today = date.today()
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<nhsJobs>\n'
                  f"<totalPages>1</totalPages>\n<totalResults>{rows}</totalResults>\n")
        for number in range(rows):
            out.write(_vacancy(number, rng, england, today))
        out.write("</nhsJobs>\n")


def _outcodes(gazetteer: Gazetteer) -> list[Any]:
    return list(gazetteer._outcodes.values())  # noqa: SLF001 - a benchmark may peek


def _vacancy(number: int, rng: random.Random, outcodes: list[Any], today: date) -> str:
    outcode = rng.choice(outcodes)
    town = outcode.town or outcode.county
    postcode = f"{outcode.code} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}" \
               f"{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    reference = f"B{number // 10000:04d}-26-{number:06d}"
    description = escape(f"<p>{PARAGRAPH}</p><p>{PARAGRAPH[: rng.randint(80, 300)]}</p>")
    closes = today + timedelta(days=rng.randint(14, 200))
    return (
        "<vacancyDetails>"
        f"<id>{uuid.UUID(int=rng.getrandbits(128))}</id>"
        f"<reference>{reference}</reference>"
        f"<title>{escape(rng.choice(TITLES))}</title>"
        f"<employer>{escape(town)} {rng.choice(EMPLOYERS)}</employer>"
        f"<description>{description}</description>"
        f"<locations><locations>{escape(town)}, {postcode}</locations></locations>"
        f"<salary>{escape(rng.choice(SALARIES))}</salary>"
        "<type>Permanent</type>"
        f"<postDate>{(today - timedelta(days=rng.randint(0, 30))).isoformat()}</postDate>"
        f"<closeDate>{closes.isoformat()}</closeDate>"
        f"<url>https://www.jobs.nhs.uk/candidate/jobadvert/{reference}</url>"
        "</vacancyDetails>\n"
    )


def child_import(url: str, feed: str) -> None:
    """Run in a child process: import the feed, print seconds, counts and peak memory."""
    from carecareers.vacancies.importing import import_source

    engine = make_engine(url)
    started = time.perf_counter()
    with session_factory(engine)() as session, session.begin():
        summary = import_source(session, "nhs_jobs", feed, complete=True,
                                gazetteer=gazetteer_for(CONTENT), roles=role_index_for(CONTENT))
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": seconds, "cpu_s": usage.ru_utime + usage.ru_stime,
                      "peak_mb": usage.ru_maxrss / 1024, "created": summary.created,
                      "unchanged": summary.unchanged, "skipped": summary.skipped}))


def run_child_import(url: str, feed: Path) -> dict[str, Any]:
    result = subprocess.run([sys.executable, __file__, "_import", url, str(feed)],
                            capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(result.stdout.strip().splitlines()[-1])


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]
    return statistics.median(ordered), p95


def time_calls(call: Callable[[str], int], count: int, seed: int = 11) -> dict[str, float]:
    rng = random.Random(seed)
    for place in NEAR[:3]:
        call(place)  # warm up caches and connections
    samples, totals = [], []
    for _ in range(count):
        place = rng.choice(NEAR)
        started = time.perf_counter()
        totals.append(call(place))
        samples.append((time.perf_counter() - started) * 1000)
    p50, p95 = percentiles(samples)
    return {"p50_ms": p50, "p95_ms": p95, "mean_hits": statistics.mean(totals)}


def bench_searches(url: str, count: int) -> dict[str, dict[str, float]]:
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from carecareers.settings import Settings
    from carecareers.vacancies.search import search_vacancies
    from web.routes.vacancies import router

    engine = make_engine(url)
    factory = session_factory(engine)
    gazetteer, roles = gazetteer_for(CONTENT), role_index_for(CONTENT)

    def direct(place: str) -> int:
        with factory() as session:
            return search_vacancies(session, near=place, radius_miles=10, limit=10,
                                    gazetteer=gazetteer, roles=roles).total

    def direct_words(place: str) -> int:
        with factory() as session:
            return search_vacancies(session, q="healthcare support worker", near=place,
                                    radius_miles=15, gazetteer=gazetteer, roles=roles).total

    app = FastAPI()
    app.state.session_factory = factory
    app.state.settings = Settings(database_url=url, content_dir=CONTENT)
    app.include_router(router)
    client = TestClient(app)

    def api(place: str) -> int:
        response = client.get("/api/vacancies", params={"near": place, "radius_miles": 10})
        response.raise_for_status()
        return int(response.json()["total"])

    results = {"search near": time_calls(direct, count),
               "search q+near": time_calls(direct_words, count),
               "api near": time_calls(api, count)}
    engine.dispose()
    return results


def sqlite_database(workdir: Path) -> tuple[str, Callable[[], None]]:
    path = workdir / "bench.db"
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)


def postgres_database() -> tuple[str, Callable[[], None]]:
    import psycopg2

    name = f"cc_bench_{uuid.uuid4().hex[:10]}"
    admin = psycopg2.connect(**POSTGRES_ADMIN)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()

    return f"postgresql+psycopg2://postgres@127.0.0.1:5432/{name}", drop


def bench_backend(name: str, feed: Path, workdir: Path, searches: int) -> dict[str, Any]:
    url, cleanup = sqlite_database(workdir) if name == "sqlite" else postgres_database()
    try:
        upgrade(url)
        first = run_child_import(url, feed)
        again = run_child_import(url, feed)
        return {"backend": name, "import": first, "reimport": again,
                "search": bench_searches(url, searches)}
    finally:
        cleanup()


def print_table(rows: int, feed: Path, results: list[dict[str, Any]]) -> None:
    size_mb = feed.stat().st_size / 1_000_000
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nfeed: {rows:,} NHS Jobs vacancies, {size_mb:.1f} MB ({feed})")
    print(f"machine: {os.cpu_count()} CPUs, load average now {load}")
    print(f"{'backend':10} {'measure':24} {'value':>12}  target")
    for result in results:
        imp, again, search = result["import"], result["reimport"], result["search"]
        lines = [
            ("import (created)", f"{imp['seconds']:.1f} s", f"<= {TARGETS['import_s']:.0f} s"),
            ("import CPU (importer)", f"{imp['cpu_s']:.1f} s", ""),
            ("import peak memory", f"{imp['peak_mb']:.0f} MB",
             f"<= {TARGETS['memory_mb']:.0f} MB"),
            ("re-import (unchanged)", f"{again['seconds']:.1f} s", ""),
            ("re-import CPU", f"{again['cpu_s']:.1f} s", ""),
            ("re-import peak memory", f"{again['peak_mb']:.0f} MB", ""),
        ]
        for label, stats in search.items():
            target = f"p95 <= {TARGETS['api_p95_ms']:.0f} ms" if label == "api near" else ""
            lines.append((f"{label} p50", f"{stats['p50_ms']:.1f} ms", ""))
            lines.append((f"{label} p95", f"{stats['p95_ms']:.1f} ms", target))
            lines.append((f"{label} mean hits", f"{stats['mean_hits']:.0f}", ""))
        for label, value, target in lines:
            print(f"{result['backend']:10} {label:24} {value:>12}  {target}")
        print(f"{'':10} counts: created {imp['created']:,}, unchanged on re-import "
              f"{again['unchanged']:,}, skipped {imp['skipped']:,}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=110_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--searches", type=int, default=300)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/carecareers-bench"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    feed = args.workdir / f"nhs_jobs_{args.rows}.xml"
    if not feed.exists():
        started = time.perf_counter()
        build_feed(feed, args.rows)
        print(f"built {feed} in {time.perf_counter() - started:.1f} s", flush=True)
    results = []
    for backend in args.backends.split(","):
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"benchmarking {backend} (load average {load}) ...", flush=True)
        results.append(bench_backend(backend, feed, args.workdir, args.searches))
    print_table(args.rows, feed, results)
    (args.workdir / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "_import":
        child_import(sys.argv[2], sys.argv[3])
    else:
        main()
