"""The connections to Rasa (aiohttp under httpx): replies as before, connections kept, and
every failure said so that a message goes to another Rasa server only when it was not sent.

Each test starts small HTTP servers of its own on loopback, which answer, close, hang or
fail as a Rasa server might.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

import httpx
import pytest

from carecareers.conversation.rasa_client import (
    CHANNEL_TOKEN_HEADER,
    WEBHOOK_PATH,
    RasaClient,
    RasaUnavailable,
)
from carecareers.conversation.rasa_pool import RasaPool, worth_another_server

TOKEN = "transport-test-token"
REPLY = [{"text": "Care workers are paid at least the National Living Wage."}]


@dataclass
class Server:
    """A loopback HTTP server that does `behaviour` with each request it reads."""

    behaviour: str  # "answer", "close", "hang" or "fail"
    requests: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    connections: int = 0
    url: str = ""

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                line, *lines = head.decode("latin-1").split("\r\n")
                headers = {k.strip().lower(): v.strip() for k, v in
                           (h.split(":", 1) for h in lines if ":" in h)}
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                self.requests.append((line, headers, body))
                if self.behaviour == "close":
                    return
                if self.behaviour == "hang":
                    await asyncio.sleep(30)
                status = "500 Internal Server Error" if self.behaviour == "fail" else "200 OK"
                payload = json.dumps(REPLY).encode()
                writer.write(f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\n"
                             f"Content-Length: {len(payload)}\r\n\r\n".encode() + payload)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            writer.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[[str], Server]]:
    started: list[asyncio.base_events.Server] = []
    servers: list[Server] = []

    async def start(behaviour: str) -> Server:
        server = Server(behaviour)
        listening = await asyncio.start_server(server.handle, "127.0.0.1", 0)
        server.url = f"http://127.0.0.1:{listening.sockets[0].getsockname()[1]}"
        started.append(listening)
        servers.append(server)
        return server

    yield start  # type: ignore[misc]
    for listening in started:
        listening.close()


def refused_url() -> str:
    """A loopback address nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


async def test_a_reply_comes_back_and_one_connection_carries_every_message(serve) -> None:
    rasa = await serve("answer")
    client = RasaClient(rasa.url, TOKEN)
    try:
        for message in ("how much do carers get paid", "and at 17?"):
            replies = await client.send("web-abc", message, {"channel": "web"})
            assert [r.text for r in replies] == [REPLY[0]["text"]]
    finally:
        await client.aclose()
    assert [line for line, _, _ in rasa.requests] == [f"POST {WEBHOOK_PATH} HTTP/1.1"] * 2
    _, headers, body = rasa.requests[1]
    assert headers[CHANNEL_TOKEN_HEADER.lower()] == TOKEN
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {"sender": "web-abc", "message": "and at 17?",
                                "metadata": {"channel": "web"}}
    assert rasa.connections == 1  # kept open between messages


async def test_a_refused_connection_was_not_sent_so_the_next_server_takes_it(serve) -> None:
    other = await serve("answer")
    pool = RasaPool([refused_url(), other.url], TOKEN)
    try:
        replies = await pool.send("web-abc", "any jobs in Stoke")
    finally:
        await pool.aclose()
    assert [r.text for r in replies] == [REPLY[0]["text"]] and len(other.requests) == 1


async def test_a_server_that_closes_after_reading_may_have_run_the_turn(serve) -> None:
    closing, other = await serve("close"), await serve("answer")
    pool = RasaPool([closing.url, other.url], TOKEN)
    try:
        with pytest.raises(RasaUnavailable) as failed:
            await pool.send("web-abc", "yes, delete my data")
    finally:
        await pool.aclose()
    assert isinstance(failed.value.__cause__, httpx.ReadError)
    assert not worth_another_server(failed.value)
    assert len(closing.requests) == 1 and other.requests == []  # never run twice


async def test_a_server_that_never_answers_is_a_read_timeout_and_not_retried(serve) -> None:
    hanging, other = await serve("hang"), await serve("answer")
    pool = RasaPool([hanging.url, other.url], TOKEN, timeout=0.5)
    try:
        with pytest.raises(RasaUnavailable) as failed:
            await pool.send("web-abc", "hello")
    finally:
        await pool.aclose()
    assert isinstance(failed.value.__cause__, httpx.ReadTimeout)
    assert len(hanging.requests) == 1 and other.requests == []


async def test_a_server_error_is_a_response_and_the_next_server_takes_it(serve) -> None:
    failing, other = await serve("fail"), await serve("answer")
    pool = RasaPool([failing.url, other.url], TOKEN)
    try:
        replies = await pool.send("web-abc", "hello")
    finally:
        await pool.aclose()
    assert [r.text for r in replies] == [REPLY[0]["text"]]
    assert len(failing.requests) == 1 and len(other.requests) == 1


async def test_a_server_that_does_not_accept_is_a_connect_timeout_so_not_sent() -> None:
    """A server whose queue of connections is full (it does not accept them): the connection
    is not made in time, nothing was sent, and another server may take the message."""
    with socket.socket() as full:
        full.bind(("127.0.0.1", 0))
        full.listen(0)
        url = f"http://127.0.0.1:{full.getsockname()[1]}"
        queued = [socket.socket() for _ in range(4)]
        for sock in queued:  # fill its queue: further connections wait, unanswered
            sock.setblocking(False)
            sock.connect_ex(full.getsockname())
        client = RasaClient(url, TOKEN, timeout=0.5)
        try:
            with pytest.raises(RasaUnavailable) as failed:
                await client.send("web-abc", "hello")
        finally:
            await client.aclose()
            for sock in queued:
                sock.close()
    assert isinstance(failed.value.__cause__, httpx.ConnectTimeout)
    assert worth_another_server(failed.value)
