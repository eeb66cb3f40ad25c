"""`python -m bot`: startup checks, polling or webhook, per-chat ordering of updates."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.error import InvalidToken
from telegram.ext import Application

from bot import __main__ as entry
from bot.ordering import PerChatUpdateProcessor
from carecareers.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    chosen = Settings(_env_file=None,  # type: ignore[call-arg]
                      telegram_bot_token="123:TEST", secret_key="k")
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


def test_polling_by_default(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    monkeypatch.setattr(Application, "run_polling", lambda self, **kw: seen.update(kw))
    assert entry.main([]) == 0
    assert seen["allowed_updates"] == ["message", "callback_query"]


def test_webhook_mode_checks_the_secret(settings: Settings,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    settings.telegram_webhook_url = "https://bot.example.org/telegram/hook"
    settings.telegram_webhook_secret = "s3cret-token"
    seen: dict[str, Any] = {}
    monkeypatch.setattr(Application, "run_webhook", lambda self, **kw: seen.update(kw))
    assert entry.main(["--port", "9000"]) == 0
    assert seen["secret_token"] == "s3cret-token"
    assert seen["webhook_url"] == "https://bot.example.org/telegram/hook"
    assert seen["url_path"] == "telegram/hook"
    assert (seen["listen"], seen["port"]) == ("127.0.0.1", 9000)


def test_a_refused_token_is_one_line_and_exit_2(settings: Settings,
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    def refuse(self: Application, **kw: Any) -> None:  # type: ignore[type-arg]
        raise InvalidToken("Unauthorized")

    monkeypatch.setattr(Application, "run_polling", refuse)
    assert entry.main([]) == 2
    assert "refused TELEGRAM_BOT_TOKEN" in capsys.readouterr().err


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
