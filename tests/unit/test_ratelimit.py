"""The web chat's limits: per session first, per address only for new sessions; shared in Redis."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import limits.storage.memory
import limits.storage.redis
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from carecareers.migrate import upgrade
from tests.conftest import make_settings
from tests.support.clock import FakeClock, use_fake_clock
from tests.support.fake_rasa import FakeRasa
from tests.support.redis_server import redis_or_fail
from web.app import create_app
from web.ratelimit import (
    ADDRESS_CEILING,
    ADDRESS_LIMIT,
    SESSION_LIMIT,
    AddressLimiter,
    ChatLimiter,
    Limit,
)

CLASS_SIZE = 30  # pupils on one school's Wi-Fi


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A clock for the limiter and for `limits`' in-memory storage alike."""
    return use_fake_clock(monkeypatch)


def make_app(tmp_path: Path, **overrides: object) -> FastAPI:
    settings = make_settings(tmp_path, **overrides)
    upgrade(settings.database_url)
    rasa = FakeRasa([{"text": "ok"}]).client()
    return create_app(settings, rasa=rasa)


# -- the limiter ----------------------------------------------------------------------------


def test_a_known_session_is_not_held_back_by_its_address(clock: FakeClock) -> None:
    limiter = ChatLimiter(Limit(5, 60), Limit(1, 60), clock=clock)
    assert limiter.check("s1", "10.0.0.1") == 0  # new session: counts against the address
    for _ in range(4):
        assert limiter.check("s1", "10.0.0.1") == 0  # known: its own limit only
    assert limiter.check("s1", "10.0.0.1") == 60  # its own limit is reached
    assert limiter.check("s2", "10.0.0.1") == 60  # a new session from a full address waits
    assert limiter.check("s3", "10.0.0.2") == 0


def test_a_request_without_a_session_counts_against_its_address(clock: FakeClock) -> None:
    limiter = ChatLimiter(Limit(100, 60), Limit(2, 60), clock=clock)
    assert limiter.check(None, "10.0.0.1") == 0
    clock.now += 30
    assert limiter.check(None, "10.0.0.1") == 0
    assert limiter.check(None, "10.0.0.1") == 30
    clock.now += 31
    assert limiter.check(None, "10.0.0.1") == 0  # the window moved past the first


def test_a_session_idle_for_a_window_counts_as_new_again(clock: FakeClock) -> None:
    limiter = ChatLimiter(Limit(100, 60), Limit(1, 60), clock=clock)
    assert limiter.check("s1", "10.0.0.1") == 0
    clock.now += 61
    assert limiter.check("s1", "10.0.0.1") == 0
    assert limiter.check("s2", "10.0.0.1") == 60  # the address counted s1 again at +61


@given(gaps=st.lists(st.floats(min_value=0, max_value=30), min_size=1, max_size=60),
       requests=st.integers(min_value=1, max_value=5))
@example(gaps=[0.0, 10.0, 0.0], requests=1)  # a message exactly one window after the last
def test_never_more_than_the_limit_in_any_window(gaps: list[float], requests: int) -> None:
    with pytest.MonkeyPatch.context() as patch:
        clock = FakeClock()
        patch.setattr(limits.storage.memory, "time", SimpleNamespace(time=clock))
        limiter = ChatLimiter(Limit(requests, 10), Limit(1000, 10), clock=clock)
        admitted: list[float] = []
        for gap in gaps:
            clock.now += gap
            wait = limiter.check("session", "address")
            if wait == 0:
                admitted.append(clock.now)
            else:  # refused only when the window really is full, and told how long to wait
                assert len([t for t in admitted if t >= clock.now - 10]) >= requests
                assert 1 <= wait <= 10
    for i, start in enumerate(admitted):
        assert len([t for t in admitted[i:] if t < start + 10]) <= requests


def test_a_storage_outage_admits_the_message_and_says_so(caplog: pytest.LogCaptureFixture,
                                                         ) -> None:
    limiter = ChatLimiter(storage_url="redis://127.0.0.1:1/0")
    assert limiter.check("s1", "10.0.0.1") == 0
    assert "rate limit storage failed" in caplog.text and "10.0.0.1" not in caplog.text


def test_an_address_minting_sessions_gets_no_more_through_than_a_class_could_send(
        clock: FakeClock) -> None:
    """Each new session counts against the address; every message counts too, with a ceiling."""
    limiter = ChatLimiter(SESSION_LIMIT, ADDRESS_LIMIT, clock=clock)
    admitted, session = 0, 0
    for _ in range(6000):  # one minute, a hundred requests a second from one address
        clock.now += 0.01
        if limiter.check(f"minted-{session}", "203.0.113.9") == 0:
            admitted += 1
        else:
            session += 1  # refused: mint a fresh cookie and carry on
    assert admitted <= ADDRESS_CEILING.requests < 2400 / 2  # before: 2,400 in a minute


def test_a_class_of_30_each_at_its_own_limit_never_meets_the_address_ceiling(
        clock: FakeClock) -> None:
    assert ADDRESS_CEILING.requests > CLASS_SIZE * SESSION_LIMIT.requests
    limiter = ChatLimiter(SESSION_LIMIT, ADDRESS_LIMIT, clock=clock)
    gap = SESSION_LIMIT.window_seconds / SESSION_LIMIT.requests + 0.01  # as fast as allowed
    refused = 0
    for _ in range(3 * SESSION_LIMIT.requests):  # three minutes
        for pupil in range(CLASS_SIZE):
            clock.now += gap / CLASS_SIZE
            refused += limiter.check(f"pupil-{pupil}", "198.51.100.1") != 0
    assert refused == 0


# -- shared Wi-Fi through the web app -------------------------------------------------------


def test_a_class_of_30_on_one_address_chatting_every_15_seconds_never_sees_429(
        tmp_path: Path, clock: FakeClock) -> None:
    app = make_app(tmp_path)
    app.state.chat_limiter = ChatLimiter(SESSION_LIMIT, ADDRESS_LIMIT, clock=clock)
    phones = [TestClient(app) for _ in range(30)]  # one cookie jar each, one address
    for phone in phones:
        assert phone.get("/chat").status_code == 200  # the greeting is in the page
    statuses = []
    for _ in range(5 * 4):  # five minutes: five windows
        for phone in phones:
            clock.now += 15 / len(phones)
            statuses.append(phone.post("/api/chat", json={"message": "any jobs?"}).status_code)
    assert statuses.count(200) == len(statuses) == 600
    # Twice that rate from browsers without a session is one address's flood: refused.
    anonymous = TestClient(app)
    refused = []
    for _ in range(8 * len(phones)):
        clock.now += 7.5 / len(phones)
        anonymous.cookies.clear()
        refused.append(anonymous.post("/api/chat", json={"message": "hi"}).status_code)
    assert 429 in refused


# -- several web processes, one limit (Redis) -----------------------------------------------


@pytest.fixture
def redis_url() -> str:
    return redis_or_fail()


@pytest.fixture
def two_web_processes(tmp_path: Path, redis_url: str) -> Iterator[tuple[TestClient, TestClient]]:
    namespace = f"test-{uuid.uuid4().hex}"  # this run's own counters
    apps = [make_app(tmp_path, redis_url=redis_url) for _ in range(2)]
    for app in apps:
        assert "redis" in type(app.state.chat_limiter._limiter.storage).__name__.lower()
        app.state.chat_limiter = ChatLimiter.for_redis(
            redis_url, session_limit=Limit(3, 60), address_limit=Limit(5, 60),
            namespace=namespace)
    yield TestClient(apps[0]), TestClient(apps[1])


def test_two_web_processes_share_one_session_limit_in_redis(
        two_web_processes: tuple[TestClient, TestClient]) -> None:
    first, second = two_web_processes
    assert first.post("/api/chat", json={"message": "a"}).status_code == 200
    second.cookies.update(first.cookies)  # the load balancer sends the next one elsewhere
    assert second.post("/api/chat", json={"message": "b"}).status_code == 200
    assert first.post("/api/chat", json={"message": "c"}).status_code == 200
    refused = second.post("/api/chat", json={"message": "d"})
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


@given(steps=st.lists(st.tuples(
    st.sampled_from([0.0, 0.5, 1.0, 2.5, 5.0, 10.0, 11.0]),  # exactly a window (10 s) too
    st.sampled_from(["s1", "s2", "s3", None]), st.sampled_from(["10.0.0.1", "10.0.0.2"])),
    min_size=1, max_size=60))
@example(steps=[(0.0, "s1", "10.0.0.1")] * 4 + [(0.0, None, "10.0.0.1")] * 2
         + [(10.0, "s1", "10.0.0.1")] + [(1.0, f"s{n}", "10.0.0.2") for n in range(7)])
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_in_redis_one_script_decides_as_the_librarys_steps_did(
        redis_url: str, steps: list[tuple[float, str | None, str]]) -> None:
    """The chat's decision in one round trip (CHAT_SCRIPT) against the `limits` library's
    own steps on the same Redis: the same answer, wait included, for every message."""
    with pytest.MonkeyPatch.context() as patch:
        clock = FakeClock()
        patch.setattr(limits.storage.redis, "time", SimpleNamespace(time=clock))
        limits_kept = (Limit(3, 10), Limit(2, 10))
        scripted = ChatLimiter(*limits_kept, storage_url=redis_url, clock=clock,
                               namespace=f"test-{uuid.uuid4().hex}",
                               address_ceiling=Limit(5, 10))
        stepwise = ChatLimiter(*limits_kept, storage_url=redis_url, clock=clock,
                               namespace=f"test-{uuid.uuid4().hex}",
                               address_ceiling=Limit(5, 10))
        stepwise._script = None  # the library's own steps: the reference
        decisions = []
        for gap, session, address in steps:
            clock.now += gap
            decisions.append((scripted._check(session, address),  # errors not swallowed
                              stepwise._check(session, address)))
        assert [ours for ours, _ in decisions] == [theirs for _, theirs in decisions]


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_admitting_a_message_also_says_whether_another_limit_has_room(
        storage: str, request: pytest.FixtureRequest) -> None:
    """The chat's limits and a look at another limit of the same address (its bookings
    today): in Redis, one script; the other limit counts nothing for the look."""
    url = request.getfixturevalue("redis_url") if storage == "redis" else ""
    run = uuid.uuid4().hex
    watched = AddressLimiter(Limit(2, 3600), url, namespace=f"watched-{run}")
    chat = ChatLimiter.for_redis(url, namespace=f"chat-{run}")
    assert chat.admit("s1", "10.1.1.1", watched) == (0, True)
    assert watched.attempt("10.1.1.1") and watched.attempt("10.1.1.1")
    assert chat.admit("s1", "10.1.1.1", watched) == (0, False)  # admitted; no room there
    assert chat.admit("s2", "10.1.1.2", watched) == (0, True)  # another address has room
    assert not watched.has_room("10.1.1.1") and watched.has_room("10.1.1.2")
    tight = ChatLimiter.for_redis(url, namespace=f"tight-{run}", session_limit=Limit(1, 60))
    assert tight.admit("s3", "10.1.1.1", watched)[0] == 0
    assert tight.admit("s3", "10.1.1.1", watched)[0] > 0  # refused: the chat limit first


def test_two_web_processes_share_one_address_limit_in_redis(
        two_web_processes: tuple[TestClient, TestClient]) -> None:
    first, second = two_web_processes
    statuses = []
    for i in range(6):
        client = (first, second)[i % 2]
        client.cookies.clear()
        statuses.append(client.post("/api/chat", json={"message": "hi"}).status_code)
    assert statuses == [200] * 5 + [429]
