"""The real bot process (`python -m bot`) against a fake Bot API, with the real stack behind it.

The Bot API is tests/e2e/fake_telegram.py's FakeTelegram on localhost; Rasa, the action
server and the seeded demo database are the session's `rasa_stack`. Each test chats as
its own Telegram user, so the conversations do not mix.

Rasa going down is played by a TCP proxy in front of the shared Rasa, used by a second
bot process: stopping the proxy refuses new connections and cuts the open ones, and the
shared Rasa keeps running for the other tests.
"""

from __future__ import annotations

import contextlib
import json
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from bot import buttons
from bot.conversation import telegram_sender
from carecareers import catalogue
from carecareers.conversation.relay import UNAVAILABLE
from carecareers.models import Campaign, Lead
from carecareers.runtime.demo import DEMO_CAMPAIGN_CODE
from tests.e2e.conftest import Stack
from tests.e2e.fake_telegram import Call, FakeTelegram

UNAVAILABLE_TEXT = catalogue.text(UNAVAILABLE)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "bin" / "python"
START_TIMEOUT = 30.0
REPLY_TIMEOUT = 60.0  # the real Rasa and action server; the first turns can be slow
GREETING_BUTTONS = ["What jobs are there?", "Apprenticeships", "Jobs near me", "Is care for me?"]


# -- the bot process -------------------------------------------------------------------------


def real_bot_env(stack: Stack, telegram: FakeTelegram, rasa_url: str) -> dict[str, str]:
    """The stack's environment, with the fake Bot API and the given Rasa address."""
    return {**stack.env, "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_BASE_URL": telegram.base_url, "RASA_URL": rasa_url,
            "TRACKER_STORE_URL": stack.settings.tracker_store_url,
            "DATABASE_URL": stack.settings.database_url,
            "RASA_TIMEOUT_SECONDS": "30", "LOG_LEVEL": "INFO",
            "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "", "PYTHONUNBUFFERED": "1"}


@contextlib.contextmanager
def running_bot(env: dict[str, str], telegram: FakeTelegram,
                log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """Run `python -m bot` until the block ends; it must then stop cleanly on SIGTERM."""
    with log.open("wb") as out:
        process = subprocess.Popen([str(PYTHON), "-m", "bot"], cwd=ROOT, env=env,
                                   stdout=out, stderr=subprocess.STDOUT)
    try:
        telegram.wait_for("deleteWebhook", timeout=START_TIMEOUT)  # polling is about to begin
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        assert code == 0, log.read_text()


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture(scope="module")
def bot_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("real-bot") / "bot.log"


@pytest.fixture(scope="module")
def bot(rasa_stack: Stack, telegram: FakeTelegram,
        bot_log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """The real bot, long polling the fake Bot API, talking to the real Rasa."""
    env = real_bot_env(rasa_stack, telegram, rasa_stack.rasa_url)
    with running_bot(env, telegram, bot_log) as process:
        yield process


# -- chatting --------------------------------------------------------------------------------


def is_to(chat_id: int) -> Callable[[Call], bool]:
    return lambda c: c.params.get("chat_id") == chat_id


def reply_containing(telegram: FakeTelegram, chat_id: int, after: int, wanted: str) -> Call:
    """Wait for a message to `chat_id`, sent after call number `after`, containing `wanted`."""
    def matches(call: Call) -> bool:
        return is_to(chat_id)(call) and wanted.lower() in str(call.params.get("text")).lower()

    try:
        return telegram.wait_for("sendMessage", matches, timeout=REPLY_TIMEOUT, after=after)
    except TimeoutError:
        sent = [c.params.get("text") for c in telegram.calls_to("sendMessage")[-5:]
                if is_to(chat_id)(c)]
        pytest.fail(f"no reply containing {wanted!r}; the last ones were {sent}")


def say(telegram: FakeTelegram, chat_id: int, message: str, wanted: str) -> Call:
    """Type `message` (or a command) and wait for the reply containing `wanted`."""
    mark = telegram.mark()
    telegram.send_text(chat_id, message)
    return reply_containing(telegram, chat_id, mark, wanted)


def keyboard(call: Call) -> list[dict[str, Any]]:
    """The inline buttons of the message `call` sent, row by row."""
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row]


def titles(call: Call) -> list[str]:
    return [b["text"] for b in keyboard(call)]


def button(call: Call, title: str) -> dict[str, Any]:
    found = [b for b in keyboard(call) if b["text"] == title]
    assert found, f"no {title!r} button in {titles(call)}"
    return found[0]


def press(telegram: FakeTelegram, chat_id: int, call: Call, title: str, wanted: str) -> Call:
    """Press the button `title` under the message `call` sent; wait for a reply with `wanted`."""
    mark = telegram.mark()
    telegram.press(chat_id, call.message_id, button(call, title)["callback_data"])
    return reply_containing(telegram, chat_id, mark, wanted)


# -- what the stack stored -------------------------------------------------------------------


def user_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    """The user events of one conversation in Rasa's tracker store, oldest first."""
    engine = create_engine(stack.settings.tracker_store_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT data FROM events WHERE sender_id = :s AND type_name = 'user' "
                     "ORDER BY id"), {"s": sender}).scalars().all()
    finally:
        engine.dispose()
    return [json.loads(row) for row in rows]


def event_count(stack: Stack, sender: str) -> int:
    engine = create_engine(stack.settings.tracker_store_url)
    try:
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM events WHERE sender_id = :s"),
                                          {"s": sender}).scalar_one())
    finally:
        engine.dispose()


def lead_of(stack: Stack, sender: str) -> tuple[Lead, str | None] | None:
    """The lead stored for a sender, with its campaign code."""
    engine = create_engine(stack.settings.database_url)
    try:
        with Session(engine) as session:
            found = session.execute(
                select(Lead, Campaign.code).outerjoin(Campaign, Lead.campaign_id == Campaign.id)
                .where(Lead.sender_id == sender)).first()
            return (found[0], found[1]) if found else None
    finally:
        engine.dispose()


def eventually(check: Callable[[], bool], timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def sender_of(stack: Stack, user_id: int) -> str:
    return telegram_sender(stack.settings.secret_key, user_id)


# -- the conversation ------------------------------------------------------------------------


def test_start_with_the_demo_campaign_code(rasa_stack: Stack, telegram: FakeTelegram,
                                           bot: subprocess.Popen[bytes]) -> None:
    user = 3001
    greeting = say(telegram, user, f"/start {DEMO_CAMPAIGN_CODE}", "health and social care")

    assert greeting.params["parse_mode"] == "HTML"
    assert titles(greeting) == GREETING_BUTTONS
    assert button(greeting, "What jobs are there?")["callback_data"] == "r:/ask_roles"
    sender = sender_of(rasa_stack, user)
    assert sender.startswith("tg-") and str(user) not in sender
    (event,) = user_events(rasa_stack, sender)
    assert event["text"] == "/greet"
    assert event["parse_data"]["intent"]["name"] == "greet"
    assert event["metadata"]["channel"] == "telegram"
    assert event["metadata"]["campaign"] == DEMO_CAMPAIGN_CODE


def test_a_question_is_answered(rasa_stack: Stack, telegram: FakeTelegram,
                                bot: subprocess.Popen[bytes]) -> None:
    user = 3002
    answer = say(telegram, user, "what does a healthcare assistant do",
                 "Healthcare assistant (NHS)")

    assert answer.params["parse_mode"] == "HTML"
    assert titles(answer) == ["Pay", "How to get in", "What comes next", "Real stories"]
    assert UNAVAILABLE_TEXT not in answer.params["text"]
    (event,) = user_events(rasa_stack, sender_of(rasa_stack, user))
    assert event["text"] == "what does a healthcare assistant do"
    assert event["metadata"]["channel"] == "telegram"
    assert "campaign" not in event["metadata"]  # no /start code, no campaign


def test_a_button_press_lists_the_roles(telegram: FakeTelegram,
                                        bot: subprocess.Popen[bytes]) -> None:
    user = 3003
    greeting = say(telegram, user, "/start", "health and social care")

    mark = telegram.mark()
    roles = press(telegram, user, greeting, "What jobs are there?",
                  "Jobs in health and social care include")

    telegram.wait_for("answerCallbackQuery", after=mark)
    assert telegram.buttons_of(greeting.message_id) == [
        {"text": "✓ What jobs are there?", "callback_data": buttons.CHOSEN}]
    assert "• Social care: care worker" in roles.params["text"]
    assert "Healthcare assistant" in titles(roles)
    press(telegram, user, roles, "Healthcare assistant", "Healthcare assistant (NHS)")
    assert telegram.buttons_of(roles.message_id) == [
        {"text": "✓ Healthcare assistant", "callback_data": buttons.CHOSEN}]


def test_privacy_links_to_the_web_apps_notice(rasa_stack: Stack, telegram: FakeTelegram,
                                              bot: subprocess.Popen[bytes]) -> None:
    reply = say(telegram, 3004, "/privacy", "/forget")

    (link,) = titles(reply)
    url = button(reply, link)["url"]
    assert url == rasa_stack.settings.public_base_url.rstrip("/") + "/privacy"
    assert httpx.get(url, timeout=10).status_code == 200


def test_the_interest_form_then_forget(rasa_stack: Stack, telegram: FakeTelegram,
                                       bot: subprocess.Popen[bytes]) -> None:
    """Leave details through Telegram after a campaign link, then ask to be forgotten."""
    user, sender = 3005, sender_of(rasa_stack, 3005)
    say(telegram, user, f"/start {DEMO_CAMPAIGN_CODE}", "health and social care")
    say(telegram, user, "can someone contact me", "first name")
    say(telegram, user, "Jordan", "old")
    method = say(telegram, user, "18", "contact you")
    assert titles(method)[0] == "Telegram"  # offered on the telegram channel only
    press(telegram, user, method, "Telegram", "Telegram username")
    say(telegram, user, "@jordan_smith", "postcode")
    interest = say(telegram, user, "ST4 6QG", "interested in")
    summary = press(telegram, user, interest, "Apprenticeships", "Here's what I have")
    assert "Jordan" in summary.params["text"] and "jordan_smith" in summary.params["text"]
    consent = press(telegram, user, summary, "Looks right", "/privacy")
    press(telegram, user, consent, "Yes, I agree", "Thanks Jordan")

    stored = lead_of(rasa_stack, sender)
    assert stored is not None
    lead, campaign = stored
    assert (lead.first_name, lead.age, lead.outcode) == ("Jordan", 18, "ST4")
    assert (lead.channel, lead.contact_method) == ("telegram", "telegram")
    assert lead.chat_account is not None and "jordan_smith" in lead.chat_account
    assert campaign == DEMO_CAMPAIGN_CODE
    assert event_count(rasa_stack, sender) > 0

    question = say(telegram, user, "/forget", "delete everything")
    assert [b["callback_data"] for b in keyboard(question)] == [buttons.FORGET_YES,
                                                                buttons.FORGET_NO]
    done = press(telegram, user, question, catalogue.text("bot.forget.yes"), "deleted")

    assert "conversation" in done.params["text"]
    assert eventually(lambda: event_count(rasa_stack, sender) == 0), "events left"
    assert lead_of(rasa_stack, sender) is None


def test_forget_then_no_keeps_the_conversation(rasa_stack: Stack, telegram: FakeTelegram,
                                               bot: subprocess.Popen[bytes]) -> None:
    user, sender = 3006, sender_of(rasa_stack, 3006)
    say(telegram, user, "how much do care workers earn", "care workers")
    before = event_count(rasa_stack, sender)
    assert before > 0

    question = say(telegram, user, "/forget", "delete everything")
    press(telegram, user, question, catalogue.text("bot.forget.no"),
          catalogue.text("bot.forget.kept"))

    assert event_count(rasa_stack, sender) == before  # Rasa was not even asked


def test_the_log_holds_no_tracebacks_or_personal_data(bot_log: Path,
                                                      bot: subprocess.Popen[bytes]) -> None:
    log = bot_log.read_text()
    assert "starting in long-polling mode" in log
    for secret in ("Traceback", "ERROR", "Jordan", "jordan_smith", "ST4 6QG", "3005",
                   "123:TEST"):
        assert secret not in log, secret


# -- Rasa going down -------------------------------------------------------------------------


class TcpProxy:
    """Forward 127.0.0.1:port to another address; stop() refuses and cuts connections.

    start() after stop() listens on the same port again, so a client keeps its address.
    """

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = 0
        self.connections = 0
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(32)
        listener.settimeout(0.1)  # so the accept loop notices stop()
        self.port = int(listener.getsockname()[1])
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self) -> None:
        """Close the listening socket (new connections are refused) and every open one."""
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        with self._lock:
            sockets, self._open = set(self._open), set()
        for sock in sockets:
            _close(sock)

    def _accept(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            with self._lock:
                self.connections += 1
                self._open |= {client, upstream}
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        with self._lock:
            self._open -= {source, target}
        _close(source)
        _close(target)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


def test_rasa_going_down_mid_conversation(rasa_stack: Stack, tmp_path: Path) -> None:
    rasa = urlsplit(rasa_stack.rasa_url)
    proxy = TcpProxy((rasa.hostname or "127.0.0.1", int(rasa.port or 80))).start()
    log = tmp_path / "bot.log"
    user = 3101
    try:
        with FakeTelegram() as telegram, \
                running_bot(real_bot_env(rasa_stack, telegram, proxy.url), telegram,
                            log) as process:
            say(telegram, user, "/start", "health and social care")
            say(telegram, user, "what does a healthcare assistant do", "healthcare assistant")
            assert proxy.connections >= 1

            proxy.stop()
            sorry = say(telegram, user, "how much does that pay", UNAVAILABLE_TEXT)
            assert titles(sorry) == []
            question = say(telegram, user, "/forget", "delete everything")
            press(telegram, user, question, catalogue.text("bot.forget.yes"),
                  catalogue.text("bot.forget.rasa_down"))
            sorry = say(telegram, user, "how much does that pay", UNAVAILABLE_TEXT)
            assert process.poll() is None

            proxy.start()
            mark = telegram.mark()
            telegram.send_text(user, "how much does that pay")
            answer = telegram.wait_for("sendMessage", is_to(user), timeout=REPLY_TIMEOUT,
                                       after=mark)
            assert answer.params["text"] != UNAVAILABLE_TEXT
            assert "healthcare assistant" in answer.params["text"].lower()  # context kept
            assert process.poll() is None
    finally:
        proxy.stop()
    output = log.read_text()
    assert "Traceback" not in output
    assert "Rasa REST channel failed" in output
