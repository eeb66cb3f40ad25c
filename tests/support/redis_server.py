"""The Redis server of the development machine, which some tests need (they fail without it)."""

from __future__ import annotations

import pytest

REDIS_URL = "redis://127.0.0.1:6379/1"


def redis_or_fail() -> str:
    """The URL of this machine's Redis; the test fails, saying why, when it does not answer."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis must run on 127.0.0.1:6379 for this test: {exc}")
    return REDIS_URL
