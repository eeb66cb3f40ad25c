"""Time the Telegram bot: from an update queued in the fake Bot API to the bot's sendMessage.

Runs the real bot process (`python -m bot`) against tests/e2e/fake_telegram.py, with the
fake Rasa there or a real Rasa server (`--rasa-url`), and compares with Rasa's own time
(the same messages posted straight to the REST channel).

    .venv/bin/python bench/bot.py [--messages 50] [--rasa-url http://127.0.0.1:5005]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.fake_telegram import FakeRasa, FakeTelegram  # noqa: E402

QUESTIONS = [
    "what jobs are there in care",
    "how much do care workers earn",
    "what is an apprenticeship",
    "how do I become a nurse",
    "any care jobs near ST4",
]
CHAT_ID = 777


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=50)
    parser.add_argument("--interval", type=float, default=0.1,
                        help="seconds between messages (Telegram allows ~30 calls a second)")
    parser.add_argument("--rasa-url", default="", help="a real Rasa server (default: the fake)")
    parser.add_argument("--rasa-delay", type=float, default=0.0,
                        help="the fake Rasa's thinking time in seconds")
    return parser.parse_args()


def start_bot(telegram: FakeTelegram, rasa_url: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": telegram.token,
           "TELEGRAM_API_BASE_URL": telegram.base_url, "RASA_URL": rasa_url,
           "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "", "LOG_LEVEL": "WARNING"}
    process = subprocess.Popen([str(ROOT / ".venv/bin/python"), "-m", "bot"], cwd=ROOT, env=env)
    telegram.wait_for("deleteWebhook", timeout=30)
    return process


def through_bot(telegram: FakeTelegram, messages: int, interval: float) -> list[float]:
    """Return, per message, seconds from the update being queued to the first reply sent."""
    seconds = []
    for i in range(messages + 1):
        mark = telegram.mark()
        update_id = telegram.send_text(CHAT_ID, QUESTIONS[i % len(QUESTIONS)])
        reply = telegram.wait_for("sendMessage", lambda c: c.params.get("chat_id") == CHAT_ID,
                                  after=mark)
        if i:  # the first one warms up connections
            seconds.append(reply.at - telegram.queued_at[update_id])
        time.sleep(interval)
    return seconds


def straight_to_rasa(rasa_url: str, messages: int) -> list[float]:
    """Return, per message, the round trip of posting it straight to Rasa's REST channel."""
    seconds = []
    with httpx.Client(base_url=rasa_url, timeout=30) as client:
        for i in range(messages + 1):
            body = {"sender": "bench-direct", "message": QUESTIONS[i % len(QUESTIONS)]}
            started = time.perf_counter()
            client.post("/webhooks/rest/webhook", json=body).raise_for_status()
            if i:
                seconds.append(time.perf_counter() - started)
    return seconds


def row(name: str, seconds: list[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = statistics.quantiles(ms, n=20)[-1] if len(ms) > 1 else ms[0]
    return f"{name:<34}{statistics.median(ms):>9.1f}{p95:>9.1f}{ms[-1]:>9.1f}"


def main() -> int:
    args = parse_args()
    fake_rasa = None if args.rasa_url else FakeRasa(delay=args.rasa_delay).start()
    rasa_url = args.rasa_url or (fake_rasa.url if fake_rasa else "")
    with FakeTelegram() as telegram:
        bot = start_bot(telegram, rasa_url)
        try:
            bot_seconds = through_bot(telegram, args.messages, args.interval)
        finally:
            bot.send_signal(signal.SIGTERM)
            bot.wait(timeout=20)
    direct_seconds = straight_to_rasa(rasa_url, args.messages)
    print(f"\n{args.messages} messages, one chat, {args.interval:.2f} s apart, "
          f"Rasa: {args.rasa_url or f'fake (delay {args.rasa_delay:.3f} s)'}\n")
    print(f"{'':<34}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}")
    print(row("update queued -> sendMessage", bot_seconds))
    print(row("Rasa REST round trip (direct)", direct_seconds))
    if fake_rasa:
        print(row("fake Rasa's own handling", fake_rasa.handling_seconds[1:args.messages + 1]))
        fake_rasa.stop()
    overhead = statistics.median(bot_seconds) - statistics.median(direct_seconds)
    print(f"\nbot + Bot API overhead at p50: {overhead * 1000:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
