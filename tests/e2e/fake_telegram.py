"""Fake servers for running the real bot process: a Bot-API-compatible server and a tiny Rasa.

`FakeTelegram` speaks enough of the Bot API (getMe, getUpdates with long polling,
sendMessage, sendPhoto, editMessageReplyMarkup, answerCallbackQuery, sendChatAction,
setMyCommands, deleteWebhook, getWebhookInfo, close, logOut) for python-telegram-bot to
run against it. Tests queue updates as a user would send them and wait for the calls
the bot makes. `FakeRasa` answers `POST /webhooks/carecareers/webhook` (our token-checked
channel) with canned replies and records every request; it can be stopped and started
again on the same port.

Both are stdlib-only threaded HTTP servers on 127.0.0.1 with a free port.
"""

from __future__ import annotations

import itertools
import json
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

from tests.support.fake_rasa import FakeRasa

TOKEN = "123:TEST"
BOT_USER = {"id": 123, "is_bot": True, "first_name": "Care Careers", "username": "carecareers_bot",
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False}
STRING_PARAMS = {"text", "caption", "parse_mode", "action", "callback_query_id", "url", "photo",
                 "secret_token", "language_code"}
Json = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One Bot API request the bot made."""

    method: str
    params: Json
    result: Any = None
    at: float = field(default_factory=time.monotonic)

    @property
    def message_id(self) -> int:
        """The id of the message this call sent or edited."""
        return int(self.result["message_id"])


def _parse_params(body: bytes, content_type: str) -> Json:
    if not body:
        return {}
    if content_type.startswith("application/json"):
        parsed: Json = json.loads(body)
        return parsed
    return {key: _decode(key, values[-1])
            for key, values in parse_qs(body.decode(), keep_blank_values=True).items()}


def _decode(key: str, value: str) -> Any:
    if key in STRING_PARAMS:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):  # a client hanging up is fine
            super().handle_error(request, client_address)


class FakeTelegram:
    """A Bot-API-compatible server on localhost with a queue of user updates."""

    def __init__(self, token: str = TOKEN, refuse: frozenset[str] = frozenset()) -> None:
        self.token = token
        self.refuse = set(refuse)  # methods answered with 400 Bad Request
        self.calls: list[Call] = []
        self.queued_at: dict[int, float] = {}
        self._updates: list[Json] = []
        self._messages: dict[int, Json] = {}
        self._ids = itertools.count(1)
        self._cond = threading.Condition()
        self._closing = False
        self._server = _Server(("127.0.0.1", 0), _telegram_handler(self))
        self._thread: threading.Thread | None = None

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_API_BASE_URL."""
        return f"http://127.0.0.1:{self.port}/bot"

    def start(self) -> FakeTelegram:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeTelegram:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what users do ---------------------------------------------------------------------
    def send_text(self, user_id: int, text: str) -> int:
        """Queue a private text message (a command if it starts with '/'); return its update id."""
        message = self._user_message(user_id, text=text)
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._queue({"message": message})

    def send_location(self, user_id: int, latitude: float, longitude: float) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._queue({"message": self._user_message(user_id, location=location)})

    def send_sticker(self, user_id: int) -> int:
        sticker = {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512,
                   "height": 512, "is_animated": False, "is_video": False}
        return self._queue({"message": self._user_message(user_id, sticker=sticker)})

    def press(self, user_id: int, message_id: int, data: str) -> int:
        """Queue a press on an inline button of a message the bot sent."""
        with self._cond:
            message = dict(self._messages[message_id])
        query = {"id": f"cq{next(self._ids)}", "from": self._user(user_id),
                 "chat_instance": f"ci{user_id}", "data": data, "message": message}
        return self._queue({"callback_query": query})

    # -- what tests observe ----------------------------------------------------------------
    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, predicate: Callable[[Call], bool] = lambda c: True,
                 timeout: float = 15.0, after: int = 0) -> Call:
        """Wait for a call to `method` matching `predicate` among calls number `after` onwards."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                for call in self.calls[after:]:
                    if call.method == method and predicate(call):
                        return call
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    seen = [(c.method, c.params.get("text")) for c in self.calls[after:]]
                    raise TimeoutError(f"no {method} call arrived; calls were {seen}")
                self._cond.wait(remaining)

    def mark(self) -> int:
        """Return the number of calls so far, to wait only for later ones."""
        with self._cond:
            return len(self.calls)

    def buttons_of(self, message_id: int) -> list[Json]:
        with self._cond:
            markup = self._messages[message_id].get("reply_markup") or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    # -- the server side -------------------------------------------------------------------
    def handle(self, token: str, method: str, params: Json) -> tuple[int, Json]:
        if token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        with self._cond:
            refused = method in self.refuse
            answer = None if refused else self._answer(method, params)
            self.calls.append(Call(method, params, answer))
            self._cond.notify_all()
        if refused:
            return 400, {"ok": False, "error_code": 400, "description": "Bad Request: refused"}
        if answer is None:
            return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
        return 200, {"ok": True, "result": answer}

    def _answer(self, method: str, params: Json) -> Any:
        if method == "getMe":
            return BOT_USER
        if method in ("sendMessage", "sendPhoto"):
            return self._store_bot_message(params)
        if method == "editMessageReplyMarkup":
            message = self._messages[int(params["message_id"])]
            message["reply_markup"] = params.get("reply_markup")
            return message
        if method == "getWebhookInfo":
            return {"url": "", "has_custom_certificate": False, "pending_update_count": 0}
        if method in ("answerCallbackQuery", "sendChatAction", "setMyCommands", "deleteWebhook",
                      "setWebhook", "close", "logOut", "deleteMyCommands"):
            return True
        return None

    def _store_bot_message(self, params: Json) -> Json:
        message_id = next(self._ids)
        chat_id = int(params["chat_id"])
        message: Json = {"message_id": message_id, "date": int(time.time()),
                         "chat": {"id": chat_id, "type": "private", "first_name": "Sam"},
                         "from": BOT_USER}
        if "text" in params:
            message["text"] = params["text"]
        if "photo" in params:
            message["photo"] = [{"file_id": "p1", "file_unique_id": "p1", "width": 1,
                                 "height": 1}]
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        self._messages[message_id] = message
        return message

    def _get_updates(self, params: Json) -> list[Json]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        with self._cond:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            return list(self._updates[: int(params.get("limit") or 100)])

    def _queue(self, update: Json) -> int:
        with self._cond:
            update_id = next(self._ids)
            self._updates.append({"update_id": update_id, **update})
            self.queued_at[update_id] = time.monotonic()
            self._cond.notify_all()
        return update_id

    def _user(self, user_id: int) -> Json:
        return {"id": user_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}

    def _user_message(self, user_id: int, **content: Any) -> Json:
        return {"message_id": next(self._ids), "date": int(time.time()),
                "from": self._user(user_id),
                "chat": {"id": user_id, "type": "private", "first_name": "Sam"}, **content}


def _telegram_handler(fake: FakeTelegram) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # else headers and body wait on a delayed ACK (~40 ms)

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self._serve()

        def do_GET(self) -> None:  # noqa: N802
            self._serve()

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            parts = self.path.strip("/").split("/")
            if len(parts) != 2 or not parts[0].startswith("bot"):
                _respond(self, 404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            params = _parse_params(body, self.headers.get("Content-Type", ""))
            status, answer = fake.handle(parts[0][len("bot"):], parts[1], params)
            _respond(self, status, answer)

        def log_message(self, *args: Any) -> None:
            """Stay quiet."""

    return Handler


def _respond(handler: BaseHTTPRequestHandler, status: int, answer: Any) -> None:
    data = json.dumps(answer).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    try:
        handler.wfile.write(data)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the client gave up waiting (a long poll cut short at shutdown)


# -- a tiny Rasa ---------------------------------------------------------------------------

GREETING = "Hello! I can help you find a career in health and social care."
JOBS_BUTTON = {"title": "Jobs near me", "payload": "/search_vacancies"}
APPRENTICESHIP_BUTTON = {"title": "Apprenticeships", "payload": "/ask_apprenticeships"}
VACANCY = {"type": "vacancy", "title": "Healthcare Assistant Apprentice",
           "employer": "Royal Stoke Hospital", "place": "Stoke-on-Trent ST4",
           "salary": "£23,615 a year", "closing_date": "2025-01-31",
           "apply_url": "https://jobs.example.org/v/1"}


def canned_rasa_reply(body: Json) -> list[Json]:
    """Answer like a (very small) care careers assistant."""
    message = str(body.get("message", ""))
    if message == "/greet":
        return [{"text": GREETING, "buttons": [JOBS_BUTTON, APPRENTICESHIP_BUTTON]}]
    if message in ("/search_vacancies", "jobs near me"):
        return [{"text": "Here is a job near you:"}, {"custom": VACANCY}]
    if message == "/help":
        return [{"text": "I can tell you about care jobs, pay and apprenticeships."}]
    if message == "/confirm_delete_my_data":
        return [{"text": "Done: I've deleted everything you told me."}]
    if message == "/restart":
        return [{"text": "Let's start again."}]
    return [{"text": f"You asked: {message}"}]


def canned_fake_rasa(delay: float = 0.0) -> FakeRasa:
    """The shared fake Rasa, answering with the canned replies above."""
    return FakeRasa(canned_rasa_reply, delay=delay)
