"""One fake Rasa for every test and benchmark: the REST channel, scripted, recording requests.

In the test's own process it is an httpx transport (`client()`); for real processes (the
bot, the web app) it serves HTTP on a free port of 127.0.0.1 (`start()`), with the path and
token check of our channel (rasa_plugins/channel.py).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from carecareers.conversation.rasa_client import CHANNEL_TOKEN_HEADER, WEBHOOK_PATH, RasaClient

Json = dict[str, Any]
Replies = Callable[[Json], list[Json]] | list[Json]


def hello(body: Json) -> list[Json]:
    return [{"text": "Hello!"}]


def echo(body: Json) -> list[Json]:
    """Say back what was sent, with one button."""
    return [{"recipient_id": body["sender"], "text": f"echo: {body['message']}",
             "buttons": [{"title": "Jobs", "payload": "/search_vacancies"}]}]


class FakeRasa:
    """Answer each message with `replies` (a list, or a function of the request body).

    `up = False` refuses connections; `status` other than 200 answers with that error;
    `raw` = (status, bytes) answers exactly that (a malformed answer, say); `delay` waits
    before answering. Every request body is kept in `requests` (while up).
    """

    def __init__(self, replies: Replies = hello, delay: float = 0.0) -> None:
        self.replies: Replies = replies
        self.delay = delay
        self.up = True
        self.status = 200
        self.raw: tuple[int, bytes] | None = None
        self.requests: list[Json] = []
        self.handling_seconds: list[float] = []
        self.port = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def answer(self, body: Json) -> list[Json]:
        """Record the request and return the scripted replies."""
        started = time.perf_counter()
        with self._lock:
            self.requests.append(body)
        replies = self.replies(body) if callable(self.replies) else list(self.replies)
        with self._lock:
            self.handling_seconds.append(time.perf_counter() - started)
        return replies

    # -- in the test's process ---------------------------------------------------------------

    def client(self, base_url: str = "http://rasa.test", token: str = "t") -> RasaClient:
        return RasaClient(base_url, token, transport=httpx.MockTransport(self._handle))

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "current.tar.gz"})
        if self.delay:
            await asyncio.sleep(self.delay)
        body = json.loads(request.content)
        if self.raw is not None or self.status != 200:
            self.requests.append(body)
            if self.raw is not None:
                return httpx.Response(self.raw[0], content=self.raw[1])
            return httpx.Response(self.status, json={"error": "scripted failure"})
        return httpx.Response(200, json=self.answer(body))

    @property
    def messages(self) -> list[str]:
        """The text or payload of each message received, in order."""
        return [str(body.get("message")) for body in self.requests]

    # -- as a server for real processes --------------------------------------------------------

    @property
    def url(self) -> str:
        """The value for RASA_URL."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> FakeRasa:
        """Start serving (again on the same port, after a stop)."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler(self))
        self._server.daemon_threads = True
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> FakeRasa:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler(fake: FakeRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"  # one request per connection, so stop() really stops
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            if self.path.split("?")[0] != WEBHOOK_PATH:
                self._respond(404, {"error": "not found"})
            elif not self.headers.get(CHANNEL_TOKEN_HEADER):  # as rasa_plugins/channel.py
                self._respond(401, {"error": "no channel token"})
            else:
                if fake.delay:
                    time.sleep(fake.delay)
                self._respond(200, fake.answer(body))

        def do_GET(self) -> None:  # noqa: N802
            self._respond(200, {"model_file": "fake.tar.gz"})

        def _respond(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            """Stay quiet."""

    return Handler
