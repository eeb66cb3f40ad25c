"""`python -m bot`: startup checks, polling or webhook, per-chat ordering of updates."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot import __main__ as entry
from bot.app import LinkStatus
from bot.ordering import PerChatUpdateProcessor
from carecareers.runtime.processes import free_port
from carecareers.settings import Settings
from tests.conftest import TEST_RASA_TOKEN, TEST_SECRET_KEY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    chosen = Settings(_env_file=None,  # type: ignore[call-arg]
                      telegram_bot_token="123:TEST", secret_key=TEST_SECRET_KEY,
                      rasa_token=TEST_RASA_TOKEN)
    monkeypatch.setattr(entry, "get_settings", lambda: chosen)
    monkeypatch.setattr(entry, "configure_logging", lambda level: None)

    async def reachable(settings: Settings) -> None:
        return None

    monkeypatch.setattr(entry, "check_bot_api", reachable)
    yield chosen


def test_missing_token_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "TELEGRAM_BOT_TOKEN": "", "HOME": str(tmp_path),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "bot"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [entry.NO_TOKEN]
    assert "Traceback" not in done.stdout + done.stderr


class FakeUpdater:
    def __init__(self) -> None:
        self.started: dict[str, Any] = {}
        self.running = False

    async def start_polling(self, **kwargs: Any) -> None:
        self.started, self.running = {"mode": "polling", **kwargs}, True

    async def start_webhook(self, **kwargs: Any) -> None:
        self.started, self.running = {"mode": "webhook", **kwargs}, True

    async def stop(self) -> None:
        self.running = False


class FakeApplication:
    """Just enough of PTB's Application for `serve`: records what it was asked to do."""

    def __init__(self, stopping: asyncio.Event) -> None:
        self.updater = FakeUpdater()
        self.stopping = stopping
        self.calls: list[str] = []
        self.running = False
        self.post_init = self.post_shutdown = None

    async def initialize(self) -> None:
        self.calls.append("initialize")

    async def start(self) -> None:
        self.calls.append("start")
        self.running = True
        self.stopping.set()  # as if SIGTERM came as soon as the bot is up

    async def stop(self) -> None:
        self.calls.append("stop")
        self.running = False

    async def shutdown(self) -> None:
        self.calls.append("shutdown")


async def serve_once(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                     *argv: str) -> FakeApplication:
    stopping = asyncio.Event()
    application = FakeApplication(stopping)
    monkeypatch.setattr(entry, "build_application", lambda settings, link: application)
    link = LinkStatus(tmp_path / "telegram.json")
    await entry.serve(settings, entry.parse_args(list(argv)), link, stopping)
    assert json.loads((tmp_path / "telegram.json").read_text())["state"] == "ok"
    return application


async def test_polling_by_default(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                  tmp_path: Path) -> None:
    application = await serve_once(settings, monkeypatch, tmp_path)
    assert application.updater.started["mode"] == "polling"
    assert application.updater.started["allowed_updates"] == ["message", "callback_query"]
    assert application.calls == ["initialize", "start", "stop", "shutdown"]
    assert not application.updater.running


async def test_webhook_mode_checks_the_secret(settings: Settings,
                                              monkeypatch: pytest.MonkeyPatch,
                                              tmp_path: Path) -> None:
    settings.telegram_webhook_url = "https://bot.example.org/telegram/hook"
    settings.telegram_webhook_secret = "s3cret-token"
    seen = (await serve_once(settings, monkeypatch, tmp_path, "--port", "9000")).updater.started
    assert seen["mode"] == "webhook"
    assert seen["secret_token"] == "s3cret-token"
    assert seen["webhook_url"] == "https://bot.example.org/telegram/hook"
    assert seen["url_path"] == "telegram/hook"
    assert (seen["listen"], seen["port"]) == ("127.0.0.1", 9000)


def test_a_refused_token_is_one_line_and_exit_2(settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    async def refuse(settings: Settings) -> None:
        raise InvalidToken("Unauthorized")

    monkeypatch.setattr(entry, "check_bot_api", refuse)
    assert entry.main([]) == 2
    assert "refused TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


def test_pauses_double_up_to_a_longest() -> None:
    assert list(itertools.islice(entry.pauses(1, 8), 6)) == [1, 2, 4, 8, 8, 8]


async def test_an_unreachable_bot_api_is_retried_until_it_answers(
        settings: Settings, tmp_path: Path) -> None:
    attempts: list[str] = []

    async def flaky(settings: Settings) -> None:
        attempts.append("try")
        if len(attempts) < 4:
            raise NetworkError("connection refused")

    link = LinkStatus(tmp_path / "telegram.json")
    reached = await entry.wait_for_bot_api(settings, link, asyncio.Event(), flaky,
                                           iter([0.01] * 10))
    assert reached and len(attempts) == 4
    assert json.loads((tmp_path / "telegram.json").read_text()) == {
        "pid": os.getpid(), "state": "retrying"}


async def test_a_stop_while_retrying_ends_the_wait_at_once(settings: Settings) -> None:
    async def unreachable(settings: Settings) -> None:
        raise NetworkError("connection refused")

    stopping = asyncio.Event()
    asyncio.get_running_loop().call_later(0.2, stopping.set)
    began = time.monotonic()
    assert not await entry.wait_for_bot_api(settings, LinkStatus(), stopping, unreachable,
                                            iter([60.0] * 3))
    assert time.monotonic() - began < 5


def test_the_bot_retries_an_unreachable_api_says_so_and_stops_at_once_on_sigterm(
        tmp_path: Path) -> None:
    port = free_port()  # nothing listens there
    env = {**os.environ, "TELEGRAM_BOT_TOKEN": "123:TEST",
           "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{port}/bot",
           "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "", "SECRET_KEY": TEST_SECRET_KEY,
           "RASA_TOKEN": TEST_RASA_TOKEN,
           "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}", "PYTHONUNBUFFERED": "1"}
    status_file = tmp_path / "telegram.json"
    with (tmp_path / "bot.log").open("wb") as log:
        bot = subprocess.Popen([sys.executable, "-m", "bot", "--status-file", str(status_file)],
                               cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not (status_file.exists() and "retrying" in status_file.read_text()):
            assert bot.poll() is None and time.monotonic() < deadline, (
                (tmp_path / "bot.log").read_text())
            time.sleep(0.1)
        time.sleep(2)  # a second attempt: it keeps trying rather than exiting
        assert bot.poll() is None
        began = time.monotonic()
        bot.send_signal(signal.SIGTERM)
        assert bot.wait(timeout=10) == 0
        assert time.monotonic() - began < 3
    finally:
        if bot.poll() is None:
            bot.kill()
            bot.wait()
    log_text = (tmp_path / "bot.log").read_text()
    assert "cannot reach the Bot API" in log_text and "123:TEST" not in log_text
    assert "Traceback" not in log_text


def _update(update_id: int, chat_id: int) -> Update:
    return Update.de_json({"update_id": update_id, "message": {
        "message_id": update_id, "date": 0, "text": "hi",
        "chat": {"id": chat_id, "type": "private"}}}, None)


async def test_updates_of_one_chat_run_in_order_and_chats_run_concurrently() -> None:
    processor = PerChatUpdateProcessor(8)
    events: list[str] = []

    async def work(name: str, delay: float) -> None:
        events.append(f"{name} start")
        await asyncio.sleep(delay)
        events.append(f"{name} end")

    await asyncio.gather(
        processor.process_update(_update(1, 10), work("a1", 0.05)),
        processor.process_update(_update(2, 10), work("a2", 0.0)),
        processor.process_update(_update(3, 20), work("b1", 0.0)),
    )
    assert events.index("a1 end") < events.index("a2 start")
    assert events.index("b1 end") < events.index("a1 end")
    assert processor._locks == {}
