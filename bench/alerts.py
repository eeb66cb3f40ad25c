"""Benchmark job alert matching and queuing, on SQLite and PostgreSQL.

    .venv/bin/python bench/alerts.py [--rows 110000] [--new 5000] [--alerts 10000]
                                     [--backends sqlite,postgres]

Per database: imports an NHS Jobs feed of --rows minus --new vacancies across England,
sets up --alerts active alerts (half email, half Telegram; a role, words or anything; a
place and a 5 to 20 mile radius; a fifth apprenticeships only), imports --new more
vacancies, then times `queue_alerts` (matching the new vacancies to every alert and
queuing one bundled message per person) with its commit. Target: <= 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.vacancies import (  # noqa: E402
    CONTENT,
    _outcodes,
    _vacancy,
    postgres_database,
    sqlite_database,
)
from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.geo import gazetteer_for  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.models.base import utcnow  # noqa: E402
from carecareers.vacancies.roles import role_index_for  # noqa: E402

TARGET_SECONDS = 30.0
ROLES = ["healthcare_assistant", "care_worker", "registered_nurse", "senior_care_worker",
         "nursing_associate", "occupational_therapist", "paramedic", "social_worker"]
WORDS = ["phlebotomist", "mental health", "domiciliary", "hospice", "physiotherapy"]


def write_feed(path: Path, first: int, count: int, seed: int) -> None:
    """An NHS Jobs feed of `count` vacancies numbered from `first`, across England."""
    rng = random.Random(seed)
    england = [o for o in _outcodes(gazetteer_for(CONTENT)) if o.country == "England"]
    today = date.today()
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<nhsJobs>\n'
                  f"<totalPages>1</totalPages>\n<totalResults>{count}</totalResults>\n")
        for number in range(first, first + count):
            out.write(_vacancy(number, rng, rng.choice(england), today))
        out.write("</nhsJobs>\n")


def import_feed(url: str, feed: Path) -> int:
    from carecareers.clock import SYSTEM_CLOCK
    from carecareers.vacancies.importing import import_source

    engine = make_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            summary = import_source(session, "nhs_jobs", str(feed), complete=False,
                                    clock=SYSTEM_CLOCK, gazetteer=gazetteer_for(CONTENT),
                                    roles=role_index_for(CONTENT))
        return summary.created
    finally:
        engine.dispose()


def add_alerts(url: str, count: int, seed: int = 3) -> None:
    """Insert `count` confirmed, active alerts, one person each, watching from now."""
    from sqlalchemy import insert

    from carecareers.models import AlertConsent, AlertRecipient, JobAlert, PersonAddress

    rng = random.Random(seed)
    england = [o for o in _outcodes(gazetteer_for(CONTENT)) if o.country == "England"]
    now = utcnow()
    recipients, alerts, consents, chats = [], [], [], []
    for number in range(1, count + 1):
        telegram = number % 2 == 0
        recipients.append({
            "id": number, "channel": "telegram" if telegram else "email",
            "address": None if telegram else f"person{number}@example.org",
            "sender_id": f"bench-{number}", "status": "active",
            "unsubscribe_token": f"unsub-{number:06d}", "confirmed_at": now,
            "created_at": now, "last_activity_at": now})
        if telegram:  # a chat recipient's address is its person's
            chats.append({"sender_id": f"bench-{number}", "channel": "telegram",
                          "address": str(10_000_000 + number), "first_seen_at": now,
                          "last_seen_at": now})
        place = rng.choice(england)
        kind = rng.random()
        alerts.append({
            "recipient_id": number, "sender_id": f"bench-{number}",
            "role_code": rng.choice(ROLES) if kind < 0.7 else None,
            "keywords": rng.choice(WORDS) if 0.7 <= kind < 0.85 else "",
            "place": place.code, "outcode": place.code, "latitude": place.latitude,
            "longitude": place.longitude, "radius_miles": float(rng.choice([5, 10, 15, 20])),
            "apprenticeships_only": rng.random() < 0.2, "status": "active",
            "matched_until": now, "created_at": now, "last_activity_at": now})
        consents.append({"recipient_id": number, "channel": recipients[-1]["channel"],
                         "wording_version": "bench", "wording": "bench", "given_at": now})
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(AlertRecipient), recipients)
            connection.execute(insert(JobAlert), alerts)
            connection.execute(insert(AlertConsent), consents)
            connection.execute(insert(PersonAddress), chats)
    finally:
        engine.dispose()


def time_queueing(url: str) -> dict[str, Any]:
    from carecareers.alerts import queue_alerts
    from carecareers.clock import SYSTEM_CLOCK

    engine = make_engine(url)
    try:
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        with session_factory(engine)() as session, session.begin():
            report = queue_alerts(session, base_url="https://care.example.org",
                                  min_interval=timedelta(hours=24), now=SYSTEM_CLOCK.now(),
                                  today=SYSTEM_CLOCK.today())
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        return {"seconds": seconds, "cpu_s": cpu, **report.as_dict()}
    finally:
        engine.dispose()


def bench_backend(name: str, old_feed: Path, new_feed: Path, alerts: int,
                  workdir: Path) -> dict[str, Any]:
    url, cleanup = sqlite_database(workdir) if name == "sqlite" else postgres_database()
    try:
        upgrade(url)
        started = time.perf_counter()
        old = import_feed(url, old_feed)
        print(f"  {name}: imported {old:,} vacancies in {time.perf_counter() - started:.0f} s",
              flush=True)
        add_alerts(url, alerts)
        time.sleep(0.01)  # the new import's first_seen_at comes after the alerts' watermark
        new = import_feed(url, new_feed)
        return {"backend": name, "old": old, "new": new, **time_queueing(url)}
    finally:
        cleanup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=110_000)
    parser.add_argument("--new", type=int, default=5_000)
    parser.add_argument("--alerts", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/carecareers-bench-alerts"))
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    old_count = args.rows - args.new
    old_feed = args.workdir / f"nhs_jobs_old_{old_count}.xml"
    new_feed = args.workdir / f"nhs_jobs_new_{args.new}.xml"
    if not old_feed.exists():
        write_feed(old_feed, 0, old_count, seed=7)
    if not new_feed.exists():
        write_feed(new_feed, old_count, args.new, seed=8)
    results = []
    for backend in args.backends.split(","):
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"benchmarking {backend} (load average {load}) ...", flush=True)
        results.append(bench_backend(backend, old_feed, new_feed, args.alerts, args.workdir))
    print(f"\n{args.alerts:,} alerts; an import of {args.new:,} new vacancies among "
          f"{args.rows:,}; {os.cpu_count()} CPUs")
    print(f"{'backend':10} {'matching and queuing':>22} {'CPU':>8} {'matches':>9} "
          f"{'messages':>9}  target")
    for r in results:
        print(f"{r['backend']:10} {r['seconds']:>20.1f} s {r['cpu_s']:>6.1f} s "
              f"{r['new_matches']:>9,} {r['messages_queued']:>9,}  <= {TARGET_SECONDS:.0f} s")


if __name__ == "__main__":
    main()
