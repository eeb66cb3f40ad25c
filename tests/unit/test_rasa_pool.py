"""RasaPool: round robin over several Rasa servers, failing over when one cannot take a message."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from carecareers.conversation.rasa_client import RasaClient, RasaUnavailable
from carecareers.conversation.rasa_pool import RasaPool, rasa_client_for, rasa_urls
from tests.conftest import make_settings


class FakeServers:
    """Several fake Rasa servers behind one transport, told apart by host."""

    def __init__(self, *hosts: str) -> None:
        self.hosts = hosts
        self.down: set[str] = set()
        self.status: dict[str, int] = {}
        self.timeout: set[str] = set()
        self.received: list[tuple[str, str]] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host in self.down:
            raise httpx.ConnectError("refused", request=request)
        if host in self.timeout:
            raise httpx.ReadTimeout("slow", request=request)
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "current.tar.gz"})
        body = json.loads(request.content)
        self.received.append((host, body["message"]))
        status = self.status.get(host, 200)
        if status != 200:
            return httpx.Response(status, json={"error": "boom"})
        return httpx.Response(200, json=[{"text": f"{host}: {body['message']}"}])

    def pool(self, **kwargs: object) -> RasaPool:
        return RasaPool([f"http://{host}:5005" for host in self.hosts], "t",
                        transport=httpx.MockTransport(self.handler), **kwargs)  # type: ignore[arg-type]


async def answered_by(pool: RasaPool, message: str) -> str:
    """The host of the fake server that answered `message`."""
    (reply,) = await pool.send("s1", message)
    return str(reply.text).split(":")[0]


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def test_messages_go_to_each_server_in_turn() -> None:
    servers = FakeServers("a", "b")
    pool = servers.pool()
    replies = [(await pool.send("s1", f"m{i}"))[0].text for i in range(4)]
    assert replies == ["a: m0", "b: m1", "a: m2", "b: m3"]
    await pool.aclose()


async def test_a_server_that_refuses_the_connection_is_skipped() -> None:
    servers = FakeServers("a", "b", "c")
    servers.down.add("b")
    pool = servers.pool()
    hosts = [await answered_by(pool, f"m{i}") for i in range(6)]
    assert "b" not in hosts and set(hosts) == {"a", "c"}
    assert len(servers.received) == 6  # each message handled exactly once


@pytest.mark.parametrize("status", [500, 502, 503, 504])
async def test_a_5xx_fails_over_to_the_next_server(status: int) -> None:
    servers = FakeServers("a", "b")
    servers.status["a"] = status
    pool = servers.pool()
    assert (await pool.send("s1", "hello"))[0].text == "b: hello"


async def test_a_4xx_is_not_retried_elsewhere() -> None:
    servers = FakeServers("a", "b")
    servers.status["a"] = 400
    pool = servers.pool()
    with pytest.raises(RasaUnavailable):
        await pool.send("s1", "hello")
    assert [host for host, _ in servers.received] == ["a"]


async def test_a_read_timeout_is_not_sent_again() -> None:
    servers = FakeServers("a", "b")
    servers.timeout.add("a")
    pool = servers.pool()
    with pytest.raises(RasaUnavailable):
        await pool.send("s1", "hello")  # "a" may still be running the turn: don't run it twice
    assert servers.received == []


async def test_all_servers_down_raises_rasa_unavailable() -> None:
    servers = FakeServers("a", "b")
    servers.down.update({"a", "b"})
    pool = servers.pool()
    with pytest.raises(RasaUnavailable):
        await pool.send("s1", "hello")
    assert not await pool.is_up()


async def test_a_failed_server_rests_then_is_tried_again() -> None:
    servers = FakeServers("a", "b")
    clock = Clock()
    pool = servers.pool(cooldown_seconds=5.0, clock=clock)
    servers.down.add("a")
    await pool.send("s1", "m0")  # a fails, b answers; a rests
    servers.down.clear()
    hosts = [await answered_by(pool, f"m{i}") for i in range(1, 4)]
    assert hosts == ["b", "b", "b"]  # a is resting, so b comes first every turn
    clock.now += 6
    hosts = [await answered_by(pool, f"m{i}") for i in range(4, 6)]
    assert sorted(hosts) == ["a", "b"]


async def test_when_every_server_rests_they_are_still_tried() -> None:
    servers = FakeServers("a", "b")
    clock = Clock()
    pool = servers.pool(clock=clock)
    servers.down.update({"a", "b"})
    with pytest.raises(RasaUnavailable):
        await pool.send("s1", "m0")
    servers.down.clear()
    assert (await pool.send("s1", "m1"))[0].text


async def test_is_up_when_any_server_answers() -> None:
    servers = FakeServers("a", "b")
    servers.down.add("a")
    pool = servers.pool()
    assert await pool.is_up()
    assert await pool.servers_up() == [False, True]


def test_rasa_url_may_list_several_servers(tmp_path: Path) -> None:
    assert rasa_urls(" http://a:5005/ ,http://b:5005,, ") == ["http://a:5005", "http://b:5005"]
    one = rasa_client_for(make_settings(tmp_path, rasa_url="http://a:5005"))
    assert isinstance(one, RasaClient)
    several = rasa_client_for(make_settings(tmp_path, rasa_url="http://a:5005,http://b:5005"))
    assert isinstance(several, RasaPool) and several.urls == ["http://a:5005", "http://b:5005"]


def test_an_empty_pool_is_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        RasaPool([])
