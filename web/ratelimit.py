"""An in-memory sliding-window rate limiter for the web chat.

Each web process keeps its own windows: with N processes behind a load balancer a
client can send up to N times the limit (each process still protects Rasa from a
flood through it). Put a shared limiter (for example at the proxy, or in Redis) in
front if an exact overall limit matters. Windows are lost on restart.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Limit:
    """At most `requests` in any `window_seconds`."""

    requests: int
    window_seconds: float


# One person typing and tapping sends a few messages a minute; a food bank's shared
# Wi-Fi puts many phones behind one address, so that limit is looser.
SESSION_LIMIT = Limit(requests=20, window_seconds=60.0)
ADDRESS_LIMIT = Limit(requests=120, window_seconds=60.0)
MAX_TRACKED_KEYS = 50_000

Clock = Callable[[], float]


class SlidingWindow:
    """Remember when each key was admitted, over the last `limit.window_seconds`."""

    def __init__(self, limit: Limit, clock: Clock = time.monotonic,
                 max_keys: int = MAX_TRACKED_KEYS) -> None:
        self.limit = limit
        self._clock = clock
        self._max_keys = max_keys
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def wait_seconds(self, key: str) -> float:
        """Seconds until `key` may be admitted again; 0 when it may be now."""
        hits = self._recent(key)
        if len(hits) < self.limit.requests:
            return 0.0
        return max(hits[len(hits) - self.limit.requests] + self.limit.window_seconds
                   - self._clock(), 0.0)

    def admit(self, key: str) -> None:
        hits = self._hits.setdefault(key, deque())
        hits.append(self._clock())
        self._hits.move_to_end(key)
        while len(self._hits) > self._max_keys:  # forget the longest-idle keys first
            self._hits.popitem(last=False)

    def _recent(self, key: str) -> deque[float]:
        hits = self._hits.get(key)
        if hits is None:
            return deque()
        oldest = self._clock() - self.limit.window_seconds
        while hits and hits[0] <= oldest:
            hits.popleft()
        if not hits:
            del self._hits[key]
        return hits


class ChatLimiter:
    """Admit a chat message only if both its session and its address are under limit."""

    def __init__(self, session_limit: Limit = SESSION_LIMIT,
                 address_limit: Limit = ADDRESS_LIMIT, clock: Clock = time.monotonic) -> None:
        self._sessions = SlidingWindow(session_limit, clock)
        self._addresses = SlidingWindow(address_limit, clock)
        self._lock = threading.Lock()

    def check(self, session_key: str, address: str) -> int:
        """Record the message and return 0, or return the whole seconds to wait."""
        with self._lock:
            wait = max(self._sessions.wait_seconds(session_key),
                       self._addresses.wait_seconds(address))
            if wait > 0:
                return max(math.ceil(round(wait, 3)), 1)  # 10.0000001 s is 10 s
            self._sessions.admit(session_key)
            self._addresses.admit(address)
            return 0
