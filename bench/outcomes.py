"""Benchmark the overdue check and its notices, and the follow-up figures, on SQLite and
PostgreSQL.

    .venv/bin/python bench/outcomes.py [--leads 100000] [--backends sqlite,postgres]

Per database: --leads leads, each passed to one or two of 20 providers over the last 60
days, a third of them followed up (contacted, interview, not taken forward, started); the
rest wait. Half of the leads gave an email address with consent, a quarter a Telegram chat,
the rest a phone number (never messaged); one in twenty is under 16. Times
`tell_overdue` (finding the overdue routes and queuing one message per person, with its
commit), a second run (nothing left to tell), and `follow_up_picture` (the dashboard's
figures per provider). Target: the overdue check with its notices <= 30 s on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.vacancies import postgres_database, sqlite_database  # noqa: E402
from carecareers.clock import uk_date  # noqa: E402
from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.models.base import utcnow  # noqa: E402

TARGET_SECONDS = 30.0
CONTACT_DAYS = 5
OUTCOMES = ("contacted", "interview", "not_taken_forward", "started")


def seed(url: str, leads: int, seed_number: int = 7) -> None:
    """Insert the providers, leads, consents, routes and chat addresses in bulk."""
    from sqlalchemy import insert

    from carecareers.models import Consent, Lead, LeadRoute, PersonAddress, Provider

    rng = random.Random(seed_number)
    now = utcnow()
    providers = [{"id": n, "code": f"BENCH{n}", "name": f"Bench Care {n:02d}",
                  "kind": "care_home", "areas": ["ST"], "programmes": [], "roles": [],
                  "active": True} for n in range(1, 21)]
    lead_rows, consents, routes, chats = [], [], [], []
    for number in range(1, leads + 1):
        created = now - timedelta(days=rng.uniform(0, 60))
        kind = rng.random()
        method = "email" if kind < 0.5 else "telegram" if kind < 0.75 else "phone"
        young = rng.random() < 0.05
        lead_rows.append({
            "id": number, "sender_id": f"bench-{number}", "first_name": "Sam",
            "age": 15 if young else 19, "age_band": "under_16" if young else "18_24",
            "contact_method": method, "email": f"p{number}@example.org"
            if method == "email" else None, "phone": "07700 900123" if method == "phone"
            else None, "chat_account": "@bench_person" if method == "telegram" else None,
            "postcode": "ST4 6QG", "outcode": "ST4", "interests": ["care_worker"],
            "wants_callback": False, "shown_vacancy_ids": [],
            "channel": "telegram" if method == "telegram" else "web", "status": "new",
            "created_at": created, "updated_at": created, "last_activity_at": created})
        consents.append({"lead_id": number, "wording_version": "bench", "wording": "bench",
                         "channels": [method], "given_at": created})
        if method == "telegram":
            chats.append({"sender_id": f"bench-{number}", "channel": "telegram",
                          "address": str(20_000_000 + number), "first_seen_at": created,
                          "last_seen_at": created})
        for provider in rng.sample(range(1, 21), rng.choice((1, 1, 2))):
            followed = rng.random() < 1 / 3
            outcome = rng.choice(OUTCOMES) if followed else "not_contacted"
            routes.append({
                "lead_id": number, "provider_id": provider, "routed_at": created,
                "status": "closed" if outcome in ("not_taken_forward", "started")
                else "contacted" if followed else "new",
                "outcome": outcome, "outcome_reason": "other"
                if outcome == "not_taken_forward" else None,
                "outcome_on": uk_date(created + timedelta(days=rng.uniform(0, 10)))
                if followed else None})
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(insert(Provider), providers)
            for table, rows in ((Lead, lead_rows), (Consent, consents),
                                (LeadRoute, routes), (PersonAddress, chats)):
                for start in range(0, len(rows), 10_000):
                    connection.execute(insert(table), rows[start:start + 10_000])
    finally:
        engine.dispose()


def timed(url: str, run: Any) -> tuple[float, Any]:
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        with session_factory(engine)() as session, session.begin():
            result = run(session)
        return time.perf_counter() - started, result
    finally:
        engine.dispose()


def bench_backend(name: str, url: str, leads: int) -> dict[str, Any]:
    from carecareers.outcomes.waiting import follow_up_picture, tell_overdue

    upgrade(url)
    started = time.perf_counter()
    seed(url, leads)
    seeded = time.perf_counter() - started
    now = utcnow()
    first, told = timed(url, lambda s: tell_overdue(s, now, CONTACT_DAYS))
    second, again = timed(url, lambda s: tell_overdue(s, now, CONTACT_DAYS))
    picture_s, picture = timed(url, lambda s: follow_up_picture(s, uk_date(now), CONTACT_DAYS))
    return {"backend": name, "leads": leads, "seed_s": seeded, "overdue_s": first,
            "told": told, "second_run_s": second, "told_again": again,
            "figures_s": picture_s, "providers": len(picture.figures),
            "overdue_listed": picture.overdue_total, "figures": picture.figures[:3]}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--leads", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgres")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as workdir:
        for name in args.backends.split(","):
            url, drop = (sqlite_database(Path(workdir)) if name == "sqlite"
                         else postgres_database())
            try:
                row = bench_backend(name, url, args.leads)
            finally:
                drop()
            verdict = "ok" if row["overdue_s"] <= TARGET_SECONDS else "OVER TARGET"
            print(f"{name:9} {row['leads']:,} leads: overdue check and notices "
                  f"{row['overdue_s']:.1f} s ({row['told']:,} people told; target <= "
                  f"{TARGET_SECONDS:.0f} s: {verdict}); again {row['second_run_s']:.1f} s "
                  f"({row['told_again']} told); follow-up figures {row['figures_s']:.1f} s "
                  f"({row['providers']} providers, {row['overdue_listed']:,} overdue); "
                  f"seeding {row['seed_s']:.0f} s", flush=True)
            for figures in row["figures"]:
                median = figures.median_days_to_contact
                print(f"          {figures.provider}: {figures.passed:,} passed on, "
                      f"{figures.share_with_outcome:.0%} with an outcome, median "
                      f"{median if median is not None else '-'} working days to first "
                      f"contact, {figures.contacted_in_time:,} contacted in time, "
                      f"{figures.interviews:,} interviews, {figures.starts:,} starts",
                      flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
