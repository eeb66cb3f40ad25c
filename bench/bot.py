"""Time the Telegram bot: from an update queued in the fake Bot API to the bot's sendMessage.

Runs the real bot process (`python -m bot`) against tests/e2e/fake_telegram.py and compares
it with Rasa's own time: the same messages posted straight to Rasa's REST channel as
another sender, one message at a time, interleaved with the bot's.

Rasa is, in order of preference:
  --rasa-url URL   a Rasa server already running (its replies are only counted, not checked)
  --real           the real stack started here: the action server and Rasa with the trained
                   model (models/current.tar.gz), a temporary SQLite database migrated and
                   seeded with the demo data, free ports. The default when the model exists.
  --fake           the fake Rasa of tests/e2e/fake_telegram.py (`--rasa-delay` thinking time)

    .venv/bin/python bench/bot.py [--messages 50] [--real | --fake] [--rasa-url URL]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from carecareers.conversation.rasa_client import (  # noqa: E402
    CHANNEL_TOKEN_HEADER,
    WEBHOOK_PATH,
)
from carecareers.runtime.processes import (  # noqa: E402
    MODEL_PATH,
    Running,
    StartupError,
    action_server_spec,
    free_port,
    rasa_spec,
    start,
    stop,
    wait_ready,
)
from tests.e2e.fake_telegram import FakeTelegram, canned_fake_rasa  # noqa: E402
from tests.support.fake_rasa import FakeRasa  # noqa: E402

QUESTIONS = [
    "what jobs are there in care",
    "how much do care workers earn",
    "what is an apprenticeship",
    "how do I become a nurse",
    "any care jobs near ST4",
]
CHAT_ID = 777
DIRECT_SENDER = "bench-direct"
REPLY_TIMEOUT = 60.0
BOT_START_TIMEOUT = 30.0


@dataclass
class RasaTarget:
    """Where the bot and the direct client send messages, and what the bot needs to know."""

    url: str
    label: str
    token: str = ""
    env: dict[str, str] | None = None  # settings the bot shares with the stack
    fake: FakeRasa | None = None


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/bot.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.1,
                        help="seconds between messages (Telegram allows ~30 calls a second)")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--real", action="store_true",
                       help="start the real action server and Rasa (default if a model exists)")
    which.add_argument("--fake", action="store_true", help="use the fake Rasa")
    which.add_argument("--rasa-url", default="", help="a Rasa server that is already running")
    parser.add_argument("--rasa-delay", type=float, default=0.0,
                        help="the fake Rasa's thinking time in seconds")
    parser.add_argument("--keep-logs", action="store_true",
                        help="keep the real stack's temporary folder (its path is printed)")
    return parser.parse_args(argv)


# -- the real stack -------------------------------------------------------------------------


@contextlib.contextmanager
def real_stack(keep_logs: bool = False) -> Iterator[RasaTarget]:
    """Start the action server and Rasa on free ports with a fresh, seeded SQLite database."""
    from carecareers.clock import clock_for
    from carecareers.db import make_engine, session_factory
    from carecareers.migrate import upgrade
    from carecareers.runtime.demo import seed_demo
    from carecareers.settings import Settings

    if not MODEL_PATH.exists():
        raise SystemExit(f"no trained model at {MODEL_PATH}: run `make train`")
    root = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    rasa_port, action_port = free_port(), free_port()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, environment="development",
        database_url=f"sqlite:///{root / 'app.db'}",
        tracker_store_url=f"sqlite:///{root / 'tracker.db'}",
        rasa_url=f"http://127.0.0.1:{rasa_port}", rasa_token=secrets.token_hex(16),
        action_server_url=f"http://127.0.0.1:{action_port}/webhook",
        secret_key=secrets.token_hex(16), public_base_url="https://care.example.org",
    )
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session, session.begin():
        seed_demo(session, settings, clock_for(settings))
    engine.dispose()
    env = {"DATABASE_URL": settings.database_url, "TRACKER_STORE_URL": settings.tracker_store_url,
           "RASA_URL": settings.rasa_url, "RASA_TOKEN": settings.rasa_token,
           "ACTION_SERVER_URL": settings.action_server_url, "SECRET_KEY": settings.secret_key,
           "PUBLIC_BASE_URL": settings.public_base_url, "ENVIRONMENT": "development"}
    processes: list[Running] = []
    try:
        for spec in (action_server_spec(action_port), rasa_spec(settings, rasa_port)):
            with (root / f"{spec.name}.log").open("ab") as log:
                processes.append(start(spec, {**os.environ, **env}, stdout=log))
        print(f"starting the action server and Rasa (logs in {root}) ...", flush=True)
        started = time.monotonic()
        for running in processes:
            wait_ready(running)
        print(f"ready after {time.monotonic() - started:.0f} s", flush=True)
        yield RasaTarget(settings.rasa_url, f"real ({MODEL_PATH.name}, started here)",
                         settings.rasa_token, env)
    except StartupError as exc:
        raise SystemExit(f"{exc}\n{_log_tail(root)}") from exc
    finally:
        for running in reversed(processes):
            stop(running)
        if keep_logs:
            print(f"logs kept in {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)


def _log_tail(root: Path, lines: int = 30) -> str:
    return "\n".join(f"--- {p.name}\n" + "\n".join(p.read_text(errors="replace")
                                                 .splitlines()[-lines:])
                     for p in sorted(root.glob("*.log")))


@contextlib.contextmanager
def rasa_target(args: argparse.Namespace) -> Iterator[RasaTarget]:
    if args.rasa_url:
        yield RasaTarget(args.rasa_url, args.rasa_url, os.environ.get("RASA_TOKEN", ""))
    elif args.real or (not args.fake and MODEL_PATH.exists()):
        with real_stack(args.keep_logs) as target:
            yield target
    else:
        with canned_fake_rasa(delay=args.rasa_delay) as fake:
            yield RasaTarget(fake.url, f"fake (delay {args.rasa_delay:.3f} s)", "fake-token",
                         fake=fake)


# -- measuring -----------------------------------------------------------------------------


def start_bot(telegram: FakeTelegram, target: RasaTarget, log: Any) -> subprocess.Popen[bytes]:
    env = {**os.environ, **(target.env or {}), "TELEGRAM_BOT_TOKEN": telegram.token,
           "TELEGRAM_API_BASE_URL": telegram.base_url, "RASA_URL": target.url,
           "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "bot"], cwd=ROOT,
                               env=env, stdout=log, stderr=subprocess.STDOUT)
    telegram.wait_for("deleteWebhook", timeout=BOT_START_TIMEOUT)
    return process


def stop_bot(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def rendered_messages(replies: list[dict[str, Any]]) -> int:
    """How many sendMessage calls the bot makes for these Rasa replies (see bot/conversation)."""
    count = 0
    for reply in replies:
        custom = reply.get("custom")
        if isinstance(custom, dict) and custom.get("type") == "vacancy":
            count += 1
        if reply.get("text") or reply.get("buttons"):
            count += 1
    return count


@dataclass
class Timings:
    direct: list[float]
    first: list[float]  # update queued -> the bot's first sendMessage of the turn
    last: list[float]  # update queued -> the bot's last sendMessage of the turn


def measure(telegram: FakeTelegram, target: RasaTarget, messages: int,
            interval: float) -> Timings:
    """Send each message straight to Rasa, then through the bot; the first warms up."""
    timings = Timings([], [], [])
    params = {"token": target.token} if target.token else {}
    with httpx.Client(base_url=target.url, timeout=REPLY_TIMEOUT) as client:
        for i in range(messages + 1):
            text = QUESTIONS[i % len(QUESTIONS)]
            started = time.perf_counter()
            response = client.post(WEBHOOK_PATH, params=params,
                                   headers={CHANNEL_TOKEN_HEADER: target.token},
                                   json={"sender": DIRECT_SENDER, "message": text,
                                         "metadata": {"channel": "telegram"}})
            response.raise_for_status()
            direct = time.perf_counter() - started
            expected = max(1, rendered_messages(response.json()))
            time.sleep(interval)

            first, last = through_bot(telegram, text, expected)
            if i:
                timings.direct.append(direct)
                timings.first.append(first)
                timings.last.append(last)
            time.sleep(interval)
    return timings


def through_bot(telegram: FakeTelegram, text: str, expected: int) -> tuple[float, float]:
    """Return seconds from queueing `text` to the first and to the `expected`-th reply."""
    mark = telegram.mark()
    update_id = telegram.send_text(CHAT_ID, text)
    queued = telegram.queued_at[update_id]
    sent = []
    after = mark
    for _ in range(expected):
        call = telegram.wait_for("sendMessage", lambda c: c.params.get("chat_id") == CHAT_ID,
                                 timeout=REPLY_TIMEOUT, after=after)
        sent.append(call.at - queued)
        after = telegram.calls.index(call) + 1  # wait only for later calls
    return sent[0], sent[-1]


def row(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]
    return f"{name:<38}{statistics.median(ms):>9.1f}{p95:>9.1f}{ms[-1]:>9.1f}"


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    with rasa_target(args) as target, FakeTelegram() as telegram, \
            tempfile.TemporaryFile() as bot_log:
        bot = start_bot(telegram, target, bot_log)
        try:
            timings = measure(telegram, target, args.messages, args.interval)
        finally:
            stop_bot(bot)
        bot_log.seek(0)
        errors = [line for line in bot_log.read().decode(errors="replace").splitlines()
                  if "ERROR" in line or "Traceback" in line]
        handled = target.fake.handling_seconds[2:] if target.fake else []  # after warm-up
    print(f"\n{args.messages} messages, one chat, {args.interval:.2f} s apart, "
          f"Rasa: {target.label}\n")
    print(f"{'':<38}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    print(row("update queued -> first sendMessage", timings.first))
    print(row("update queued -> last sendMessage", timings.last))
    print(row("Rasa REST round trip (direct)", timings.direct))
    if handled:
        print(row("fake Rasa's own handling", handled))
    overhead = statistics.median(timings.first) - statistics.median(timings.direct)
    overhead_last = statistics.median(timings.last) - statistics.median(timings.direct)
    print(f"\nbot + Bot API overhead at p50: {overhead * 1000:.1f} ms to the first reply, "
          f"{overhead_last * 1000:.1f} ms to the last")
    if errors:
        print(f"the bot logged {len(errors)} error line(s), the first: {errors[0]}")


if __name__ == "__main__":
    main(sys.argv[1:])
