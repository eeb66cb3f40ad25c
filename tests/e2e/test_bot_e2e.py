"""The real bot process (`python -m bot`) against a fake Bot API server and a Rasa server.

Rasa comes from the `rasa` fixture: a FakeRasa here, with canned replies and a log of
requests. To run against the real stack, make `rasa` return an object with `url`,
`stop()` and `start()` backed by the lead's `rasa_stack` fixture; the checks that read
the fake's request log or its canned texts are skipped for anything but a FakeRasa.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Protocol

import pytest

from carecareers import catalogue
from carecareers.catalogue import text
from carecareers.conversation.relay import UNAVAILABLE
from tests.conftest import TEST_RASA_TOKEN, TEST_SECRET_KEY
from tests.e2e.fake_telegram import GREETING, Call, FakeTelegram, canned_fake_rasa
from tests.support.fake_rasa import FakeRasa

UNAVAILABLE_TEXT = catalogue.text(UNAVAILABLE)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
PUBLIC_BASE_URL = "https://care.example.org"
HOOK_SECRET = "hook-secret_0123456789-abcdefghij"  # 32 bytes or more: a webhook is public
START_TIMEOUT = 30.0


class RasaServer(Protocol):
    @property
    def url(self) -> str: ...

    def stop(self) -> None: ...

    def start(self) -> Any: ...


@pytest.fixture(scope="module")
def rasa() -> Iterator[RasaServer]:
    """The Rasa server the bot talks to: swap this one fixture for the real stack."""
    with canned_fake_rasa() as fake:
        yield fake


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def bot_env(telegram: FakeTelegram, rasa_url: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url, "RASA_URL": rasa_url,
            "RASA_TIMEOUT_SECONDS": "5", "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
            "SECRET_KEY": TEST_SECRET_KEY, "RASA_TOKEN": TEST_RASA_TOKEN, "LOG_LEVEL": "INFO",
            "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "",
            "PYTHONUNBUFFERED": "1", **extra}


def start_bot(env: dict[str, str], log: Path, *args: str) -> subprocess.Popen[bytes]:
    with log.open("wb") as out:
        return subprocess.Popen([str(PYTHON), "-m", "bot", *args], cwd=ROOT, env=env,
                                stdout=out, stderr=subprocess.STDOUT)


def stop_bot(process: subprocess.Popen[bytes]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@pytest.fixture(scope="module")
def bot_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bot") / "bot.log"


@pytest.fixture(scope="module")
def bot(telegram: FakeTelegram, rasa: RasaServer,
        bot_log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The real bot, long polling the fake Bot API."""
    process = start_bot(bot_env(telegram, rasa.url), bot_log)
    try:
        telegram.wait_for("deleteWebhook", timeout=START_TIMEOUT)  # polling is about to begin
        yield process
    finally:
        assert stop_bot(process) == 0, bot_log.read_text()


def replies_to(telegram: FakeTelegram, chat_id: int, after: int, count: int = 1) -> list[Call]:
    """Wait for `count` messages to `chat_id` sent after call number `after`."""
    found: list[Call] = []
    while len(found) < count:
        call = telegram.wait_for("sendMessage", lambda c: c.params.get("chat_id") == chat_id,
                                 after=after)
        found.append(call)
        after = telegram.calls.index(call) + 1
    return found


def callback_buttons(call: Call) -> list[dict[str, Any]]:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row if "callback_data" in b]


def test_start_with_a_campaign_code(telegram: FakeTelegram, rasa: RasaServer,
                                    bot: subprocess.Popen[bytes]) -> None:
    mark = telegram.mark()
    telegram.send_text(1001, "/start FOODBANK-STOKE")

    (reply,) = replies_to(telegram, 1001, mark)
    assert reply.params["parse_mode"] == "HTML"
    if isinstance(rasa, FakeRasa):
        assert reply.params["text"] == GREETING
        request = rasa.requests[-1]
        assert request["message"] == "/greet"
        assert request["metadata"] == {"channel": "telegram", "campaign": "FOODBANK-STOKE"}
        assert request["sender"].startswith("tg-") and "1001" not in json.dumps(request)


def test_a_question_is_answered_with_escaped_text(telegram: FakeTelegram, rasa: RasaServer,
                                                  bot: subprocess.Popen[bytes]) -> None:
    mark = telegram.mark()
    telegram.send_text(1002, "how much do <b>carers</b> earn?")

    (reply,) = replies_to(telegram, 1002, mark)
    assert reply.params["text"]
    if isinstance(rasa, FakeRasa):
        assert reply.params["text"] == "You asked: how much do &lt;b&gt;carers&lt;/b&gt; earn?"


def test_a_button_press(telegram: FakeTelegram, rasa: RasaServer,
                        bot: subprocess.Popen[bytes]) -> None:
    mark = telegram.mark()
    telegram.send_text(1003, "/start")
    (greeting,) = replies_to(telegram, 1003, mark)
    button = callback_buttons(greeting)[0]
    message_id = greeting.message_id

    mark = telegram.mark()
    telegram.press(1003, message_id, button["callback_data"])

    telegram.wait_for("answerCallbackQuery", after=mark)
    edit = telegram.wait_for("editMessageReplyMarkup", after=mark)
    assert edit.params["message_id"] == message_id
    assert telegram.buttons_of(message_id) == [{"text": f"✓ {button['text']}",
                                                "callback_data": "chosen"}]
    if isinstance(rasa, FakeRasa):
        _, card = replies_to(telegram, 1003, mark, count=2)
        assert rasa.requests[-1]["message"] == "/search_vacancies"
        assert card.params["text"].startswith("<b>Healthcare Assistant Apprentice</b>")
        assert card.params["reply_markup"]["inline_keyboard"][0][0]["url"].startswith("https://")


def test_privacy_links_to_the_notice(telegram: FakeTelegram,
                                     bot: subprocess.Popen[bytes]) -> None:
    mark = telegram.mark()
    telegram.send_text(1004, "/privacy")

    (reply,) = replies_to(telegram, 1004, mark)
    (link,) = reply.params["reply_markup"]["inline_keyboard"][0]
    assert link["url"] == PUBLIC_BASE_URL + "/privacy"


def test_forget_asks_then_deletes(telegram: FakeTelegram, rasa: RasaServer,
                                  bot: subprocess.Popen[bytes]) -> None:
    mark = telegram.mark()
    telegram.send_text(1005, "/forget")
    (question,) = replies_to(telegram, 1005, mark)
    assert [b["callback_data"] for b in callback_buttons(question)] == ["forget:yes", "forget:no"]

    mark = telegram.mark()
    telegram.press(1005, question.message_id, "forget:yes")

    (done,) = replies_to(telegram, 1005, mark)
    if isinstance(rasa, FakeRasa):
        assert rasa.requests[-1]["message"] == "/confirm_delete_my_data"
        assert done.params["text"] == "Done: I've deleted everything you told me."


def test_stickers_get_a_friendly_reply(telegram: FakeTelegram,
                                       bot: subprocess.Popen[bytes]) -> None:
    mark = telegram.mark()
    telegram.send_sticker(1006)

    (reply,) = replies_to(telegram, 1006, mark)
    assert reply.params["text"] == text("bot.text_only")


def test_rasa_going_down_and_coming_back(telegram: FakeTelegram, rasa: RasaServer,
                                         bot: subprocess.Popen[bytes]) -> None:
    rasa.stop()
    try:
        mark = telegram.mark()
        telegram.send_text(1007, "are there jobs in Leek?")
        (sorry,) = replies_to(telegram, 1007, mark)
        assert sorry.params["text"] == UNAVAILABLE_TEXT
        assert bot.poll() is None
    finally:
        rasa.start()

    mark = telegram.mark()
    telegram.send_text(1007, "are there jobs in Leek?")
    (answer,) = replies_to(telegram, 1007, mark)
    assert answer.params["text"] != UNAVAILABLE_TEXT


def test_the_log_holds_no_tracebacks_or_personal_data(bot_log: Path,
                                                      bot: subprocess.Popen[bytes]) -> None:
    log = bot_log.read_text()
    assert "starting in long-polling mode" in log
    for secret in ("Traceback", "carers", "Leek", "1001", "123:TEST"):
        assert secret not in log


# -- webhook mode ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def post_update(url: str, update: dict[str, Any], secret: str) -> int:
    request = urllib.request.Request(
        url, data=json.dumps(update).encode(), method="POST",
        headers={"Content-Type": "application/json",
                 "X-Telegram-Bot-Api-Secret-Token": secret})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def test_webhook_mode_checks_the_secret_token(rasa: RasaServer, tmp_path: Path) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    with FakeTelegram() as telegram:
        env = bot_env(telegram, rasa.url, TELEGRAM_WEBHOOK_URL=url,
                      TELEGRAM_WEBHOOK_SECRET=HOOK_SECRET)
        process = start_bot(env, tmp_path / "bot.log", "--port", str(port))
        try:
            registered = telegram.wait_for("setWebhook", timeout=START_TIMEOUT)
            assert registered.params["url"] == url
            assert registered.params["secret_token"] == HOOK_SECRET
            update = {"update_id": 1, "message": {
                "message_id": 1, "date": int(time.time()), "text": "hello",
                "from": {"id": 2001, "is_bot": False, "first_name": "Sam"},
                "chat": {"id": 2001, "type": "private"}}}

            assert _post_when_listening(url, update, "wrong-secret") == 403
            assert post_update(url, update, HOOK_SECRET) == 200
            assert replies_to(telegram, 2001, 0)[0].params["text"]
        finally:
            assert stop_bot(process) == 0, (tmp_path / "bot.log").read_text()


def _post_when_listening(url: str, update: dict[str, Any], secret: str) -> int:
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        try:
            return post_update(url, update, secret)
        except (urllib.error.URLError, ConnectionError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_a_wrong_token_is_one_line_without_the_token(rasa: RasaServer) -> None:
    with FakeTelegram() as telegram:
        env = bot_env(telegram, rasa.url, TELEGRAM_BOT_TOKEN="999:WRONG-TOKEN")
        done = subprocess.run([str(PYTHON), "-m", "bot"], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=START_TIMEOUT)
    assert done.returncode == 2
    assert "refused TELEGRAM_BOT_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "WRONG-TOKEN" not in done.stderr + done.stdout
