"""The weekly vacancy history (carecareers/vacancies/history.py) over 1,000,000 vacancies.

Seeds a throwaway database (SQLite in a temporary folder; PostgreSQL through
tests/support/postgres.py) with vacancies spread over 60 weeks before a fixed day: 35
postcode districts of the area and 25 outside it, 15 roles (and some not known), 2,000
employers, job boards' feeds and 50 providers' own (each in two postcode districts), some
closed by leaving their feed, some by their closing date, some still open, 5% copies of
another, 70% with pay. The rows go in with one bulk statement a batch (SQLite
executemany; PostgreSQL COPY), not through the import, which bench/vacancies.py measures.

Then times, each in its own transaction as the CLI runs it (commit included):
- backfill: every week, from the earliest vacancy's start to the day (61 weeks);
- refresh: the current and the previous week (what each import does after it);
- backfill again: only what is missing (weeks without rows) and the last two weeks.
The target: each under 60 s.

    .venv/bin/python -m bench.history [--rows 1000000] [--backends sqlite,postgres]
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import resource
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Engine, func, select, text  # noqa: E402

from carecareers.clock import FixedClock  # noqa: E402
from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.geo import districts_for  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.models import VacancyWeek  # noqa: E402
from carecareers.vacancies.history import (  # noqa: E402
    Built,
    backfill,
    legal_floor,
    refresh_recent,
)
from carecareers.vacancies.salary import pay_rates_for  # noqa: E402
from tests.support import postgres  # noqa: E402

CONTENT = ROOT / "content"
TARGET_SECONDS = 60.0
ROWS = 1_000_000
TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
WEEKS = 60
ROLES = ("care_worker", "senior_care_worker", "healthcare_assistant",
         "senior_healthcare_assistant", "assistant_practitioner", "nursing_associate",
         "registered_nurse", "occupational_therapist", "physiotherapist", "paramedic",
         "social_worker", "registered_manager", "support_worker", "domestic", "cook")
OUTSIDE = ("CW1", "CW2", "CW3", "CW5", "CW12", "SK10", "SK11", "SK17", "DE4", "DE6", "DE11",
           "DE12", "DE65", "DE22", "WS1", "WS2", "WS3", "WS4", "WV1", "WV2", "WV6", "TF9",
           "TF10", "B78", "SY13")
BOARDS = ("nhs_jobs", "adzuna", "dwp_find_a_job", "find_apprenticeship")
PROVIDERS = 50
EMPLOYERS = 2000
BATCH = 20_000
COLUMNS = ("id", "source", "source_id", "title", "employer", "description", "location_text",
           "outcode", "salary_text", "salary_min", "salary_period", "role_code",
           "is_apprenticeship", "contract_type", "url", "posted_on", "closes_on", "status",
           "content_hash", "dedupe_key", "duplicate_of_id", "first_seen_at", "last_seen_at")


def vacancies(rows: int, seed: int = 29) -> Iterator[tuple[Any, ...]]:
    """The seeded vacancies, as tuples of COLUMNS."""
    rng = random.Random(seed)
    area = sorted(districts_for(CONTENT).of_outcode)
    places = area + list(OUTSIDE)
    homes = {p: rng.sample(area, 2) for p in range(PROVIDERS)}
    first_day = TODAY - timedelta(weeks=WEEKS)
    span = (TODAY - first_day).days
    for number in range(1, rows + 1):
        start = first_day + timedelta(days=rng.randrange(span))
        if rng.random() < 0.3:
            provider = rng.randrange(PROVIDERS)
            source = f"{'provider_csv' if provider % 2 else 'jsonld'}:p{provider:02d}"
            outcode = rng.choice(homes[provider])
            employer = f"Provider {provider:02d} Care"
        else:
            source = rng.choice(BOARDS)
            outcode = rng.choice(places) if rng.random() < 0.98 else None
            employer = f"Employer {rng.randrange(EMPLOYERS):04d}"
        role = rng.choice(ROLES) if rng.random() < 0.95 else None
        title = (role or f"Night support {rng.randrange(20)}").replace("_", " ").title()
        days_open = int(rng.expovariate(1 / 35)) + 3
        ends = start + timedelta(days=days_open)
        closes = start + timedelta(days=rng.choice((28, 42, 56, 90))) if rng.random() < 0.8 \
            else None
        if ends >= TODAY:
            status, last_seen = "open", NOW
            if closes is not None and closes < TODAY:
                closes = TODAY + timedelta(days=14)
        else:
            status = "expired"
            last_seen = datetime.combine(ends, datetime.min.time(), timezone.utc) \
                + timedelta(hours=rng.randrange(24))
        posted = start if rng.random() < 0.9 else None
        first_seen = datetime.combine(start, datetime.min.time(), timezone.utc) \
            + timedelta(hours=rng.randrange(24))
        salary, period = _pay(rng)
        duplicate_of = rng.randrange(1, number) if number > 1 and rng.random() < 0.05 else None
        yield (number, source, f"b{number}", title, employer, "", "", outcode, "",
               salary, period, role, False, "", "", posted, closes, status, "", "",
               duplicate_of, first_seen, last_seen)


def _pay(rng: random.Random) -> tuple[float | None, str | None]:
    kind = rng.random()
    if kind < 0.35:
        return round(rng.uniform(10.5, 15.5), 2), "hour"
    if kind < 0.6:
        return float(rng.randrange(21000, 34000, 250)), "year"
    if kind < 0.65:
        return float(rng.randrange(1800, 2600, 50)), "month"
    if kind < 0.7:
        return float(rng.randrange(420, 600, 10)), "week"
    return None, None


def _batches(rows: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in vacancies(rows):
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def seed_sqlite(engine: Engine, rows: int) -> None:
    marks = ", ".join("?" for _ in COLUMNS)
    statement = f"INSERT INTO vacancies ({', '.join(COLUMNS)}) VALUES ({marks})"
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        for batch in _batches(rows):
            cursor.executemany(statement, [_sqlite_row(row) for row in batch])


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Dates and times as SQLAlchemy stores them in SQLite (ISO text, UTC, no zone)."""
    return tuple(value.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(value, datetime)
                 else value.isoformat() if isinstance(value, date) else value
                 for value in row)


def seed_postgres(engine: Engine, rows: int) -> None:
    with engine.begin() as connection:
        cursor = connection.connection.cursor()
        for batch in _batches(rows):
            buffer = io.StringIO()
            writer = csv.writer(buffer)
            for row in batch:
                writer.writerow([r"\N" if value is None else value for value in row])
            buffer.seek(0)
            cursor.copy_expert(f"COPY vacancies ({', '.join(COLUMNS)}) FROM STDIN "
                               r"WITH (FORMAT csv, NULL '\N')", buffer)
        connection.execute(text(f"SELECT setval('vacancies_id_seq', {rows})"))
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("ANALYZE vacancies"))


def timed(engine: Engine, job: Callable[..., Built],
          clock: FixedClock) -> tuple[float, float, Built]:
    """One job in its own transaction, as `carecareers vacancies history` runs it: its
    seconds, the CPU seconds of this process (not PostgreSQL's), and what it made."""
    districts = districts_for(CONTENT)
    floor = legal_floor(pay_rates_for(CONTENT))
    started, cpu = time.perf_counter(), time.process_time()
    with session_factory(engine)() as session, session.begin():
        built = job(session, clock=clock, districts=districts, floor=floor)
    return time.perf_counter() - started, time.process_time() - cpu, built


def database(name: str, workdir: Path) -> tuple[str, Callable[[], None]]:
    """A new database of this kind, and how to remove it."""
    if name == "sqlite":
        path = workdir / "history.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    url = postgres.create_database("cc_bench_history")
    return url, lambda: postgres.drop_database(url)


def bench_backend(name: str, rows: int, workdir: Path) -> dict[str, Any]:
    url, cleanup = database(name, workdir)
    engine = make_engine(url)
    try:
        upgrade(url)
        started = time.perf_counter()
        (seed_sqlite if name == "sqlite" else seed_postgres)(engine, rows)
        seeded = time.perf_counter() - started
        clock = FixedClock(NOW)
        result: dict[str, Any] = {"backend": name, "seed_s": seeded}
        for step, job in (("backfill", backfill), ("refresh", refresh_recent),
                          ("backfill_again", backfill)):
            seconds, cpu, built = timed(engine, job, clock)
            result[step] = {"seconds": seconds, "cpu": cpu, "weeks": len(built.weeks),
                            "rows": built.rows, "vacancies": built.vacancies}
        with session_factory(engine)() as session:
            result["stored_rows"] = session.scalar(select(func.count()).select_from(VacancyWeek))
        return result
    finally:
        engine.dispose()
        cleanup()


def print_result(rows: int, result: dict[str, Any]) -> None:
    print(f"  {result['backend']}: {rows:,} vacancies seeded in {result['seed_s']:.0f} s; "
          f"{result['stored_rows']:,} weekly rows kept", flush=True)
    for step, label in (("backfill", "backfill, every week"),
                        ("refresh", "refresh, this week and last"),
                        ("backfill_again", "backfill again (missing weeks only)")):
        figures = result[step]
        verdict = "met" if figures["seconds"] < TARGET_SECONDS else "NOT met"
        print(f"    {label:38} {figures['seconds']:6.1f} s (CPU {figures['cpu']:5.1f} s)  "
              f"{figures['weeks']:3} weeks  "
              f"{figures['rows']:>8,} rows  {figures['vacancies']:>9,} vacancies read  "
              f"(target < {TARGET_SECONDS:.0f} s: {verdict})", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=ROWS, help="vacancies to seed")
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="carecareers-history-") as folder:
        for backend in args.backends.split(","):
            print(f"benchmarking {backend} with {args.rows:,} vacancies ...", flush=True)
            result = bench_backend(backend, args.rows, Path(folder))
            print_result(args.rows, result)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  (one process; CPU: this process's, not PostgreSQL's; peak memory of this process "
          f"{peak:.0f} MB, seeding included)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
