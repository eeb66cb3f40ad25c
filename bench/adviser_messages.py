"""Time adviser messages: from an adviser pressing Send in the dashboard to the Bot API.

Starts the web app (uvicorn, in this process) and the real bot process (`python -m bot`,
long polling tests/e2e/fake_telegram.py) on a temporary SQLite database with Telegram
leads who agreed to be contacted there. A logged-in adviser posts the dashboard's form,
one message at a time; each is timed from the POST until the fake Bot API receives the
sendMessage carrying it. The bot claims adviser messages every POLL_SECONDS.

    .venv/bin/python bench/adviser_messages.py [--messages 40]
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.adviser_messages import POLL_SECONDS  # noqa: E402
from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.runtime.processes import free_port  # noqa: E402
from carecareers.settings import Settings  # noqa: E402
from carecareers.threads.rules import PER_LEAD_PER_HOUR  # noqa: E402
from tests.e2e.fake_telegram import FakeTelegram  # noqa: E402
from tests.factories import PASSWORD, make_adviser, make_lead  # noqa: E402
from tests.support import postgres  # noqa: E402
from web.app import create_app  # noqa: E402

ADVISER = "bench.adviser@example.org"
TARGET_P95_SECONDS = 2.0
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/adviser_messages.py", description=__doc__)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--postgres", action="store_true",
                        help="use a temporary PostgreSQL database (127.0.0.1:5432), as in "
                             "production, instead of SQLite")
    return parser.parse_args(argv)


def seed(settings: Settings, leads: int) -> dict[int, int]:
    """An adviser and `leads` Telegram leads; return {lead id: chat id}."""
    upgrade(settings.database_url)
    sessions = session_factory(make_engine(settings.database_url))
    chats: dict[int, int] = {}
    with sessions() as session, session.begin():
        make_adviser(session, ADVISER)
        for n in range(leads):
            chat = 880000 + n
            lead = make_lead(session, f"Bench{n}", sender_id=f"tg-bench{n}", channel="telegram",
                             contact_method="telegram", phone=None,
                             chat_account=f"@bench{n}", chat=str(chat))
            chats[lead.id] = chat
    return chats


def serve_web(settings: Settings) -> uvicorn.Server:
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1",
                                           port=settings.web_port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.05)
    return server


def start_bot(settings: Settings, telegram: FakeTelegram, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "TRACKER_STORE_URL": settings.tracker_store_url, "SECRET_KEY": settings.secret_key,
           "RASA_URL": f"http://127.0.0.1:{free_port()}", "ENVIRONMENT": "development",
           "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url,
           "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "", "LOG_LEVEL": "WARNING"}
    with log.open("wb") as out:
        process = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "bot"], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    telegram.wait_for("deleteWebhook", timeout=30)
    return process


def log_in(client: httpx.Client) -> None:
    page = client.get("/advisers/login")
    answer = client.post("/advisers/login", data={
        "email": ADVISER, "password": PASSWORD, "next": "/advisers/leads",
        "csrf_token": _CSRF.search(page.text).group(1)})  # type: ignore[union-attr]
    if answer.status_code != 303:
        raise RuntimeError(f"could not log in: {answer.status_code}")


def time_one(client: httpx.Client, telegram: FakeTelegram, lead_id: int, chat_id: int,
             number: int) -> float:
    """Post one message as the dashboard's form does; seconds until the Bot API has it."""
    page = client.get(f"/advisers/leads/{lead_id}")
    found = _CSRF.search(page.text)
    if found is None:
        raise RuntimeError(f"the lead page answered {page.status_code} with no form")
    token = found.group(1)
    marker = f"bench message {number}"
    mark = telegram.mark()
    started = time.perf_counter()
    answer = client.post(f"/advisers/leads/{lead_id}/messages",
                         data={"csrf_token": token, "text": f"Hello, {marker}."})
    if answer.status_code != 303:
        raise RuntimeError(f"Send answered {answer.status_code}")
    telegram.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat_id
                      and marker in str(c.params.get("text")), timeout=30, after=mark)
    return time.perf_counter() - started


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    database_url = postgres.create_database("cc_bench") if args.postgres else ""
    try:
        times = measure(args.messages, database_url)
    finally:
        if database_url:
            postgres.drop_database(database_url)
    report(times, "PostgreSQL" if database_url else "SQLite")


def measure(messages: int, database_url: str) -> list[float]:
    with tempfile.TemporaryDirectory(prefix="bench-adviser-") as root:
        port = free_port()
        settings = Settings(_env_file=None, environment="development",  # type: ignore[call-arg]
                            database_url=database_url or f"sqlite:///{root}/app.db",
                            tracker_store_url=f"sqlite:///{root}/tracker.db",
                            secret_key=secrets.token_urlsafe(32),
                            rasa_token=secrets.token_urlsafe(32),
                            web_port=port, public_base_url=f"http://127.0.0.1:{port}")
        chats = seed(settings, -(-messages // PER_LEAD_PER_HOUR))
        server = serve_web(settings)
        with FakeTelegram() as telegram:
            bot = start_bot(settings, telegram, Path(root) / "bot.log")
            try:
                with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30,
                                  follow_redirects=False) as client:
                    log_in(client)
                    leads = list(chats.items())
                    times = [time_one(client, telegram, *leads[n % len(leads)], n)
                             for n in range(messages)]
            finally:
                bot.send_signal(signal.SIGTERM)
                bot.wait(timeout=20)
        server.should_exit = True
    return times


def report(times: list[float], database: str) -> None:
    ordered = sorted(times)
    p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
    print(f"adviser Send -> Bot API sendMessage, polling mode, {database}, bot claims every "
          f"{POLL_SECONDS:g} s, {len(times)} messages:")
    verdict = "met" if p95 <= TARGET_P95_SECONDS else "NOT met"
    print(f"  p50 {statistics.median(times):.3f} s   p95 {p95:.3f} s   max {ordered[-1]:.3f} s"
          f"   (target p95 <= {TARGET_P95_SECONDS:g} s: {verdict})")


if __name__ == "__main__":
    main(sys.argv[1:])
