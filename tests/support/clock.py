"""A clock the tests move by hand, for the rate limiters (ours and `limits`' storage)."""

from __future__ import annotations

from types import SimpleNamespace

import limits.storage.memory
import pytest


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def use_fake_clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """Put a fake clock under `limits`' in-memory storage; the limiter is given it too."""
    fake = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=fake))
    return fake
