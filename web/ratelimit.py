"""The web chat's rate limits: per chat session first, then per address.

A class of 30 on a school's or food bank's Wi-Fi shares one address, so the address
limits must not hold back people who are already chatting. A request with no session,
or from a session not seen within the window (a browser without the cookie gets a fresh
one on every request), counts against its address's limit of new sessions, so one address
cannot flood the chat by dropping its cookie. Every message also counts against its
address's ceiling, which a class typing as fast as each session may never reaches, so
that minting sessions (each within the new-session limit) does not multiply the rate.

The `limits` library keeps moving windows in memory, or in Redis when REDIS_URL is
set, so that several web processes enforce one limit. In Redis, one script (`CHAT_SCRIPT`)
makes the chat's whole decision in one round trip, on the same windows, where the library
took four or more. If Redis stops answering, the chat admits messages (and logs it) rather
than refusing everyone.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from limits import RateLimitItem, RateLimitItemPerSecond
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """At most `requests` in any `window_seconds` (whole seconds)."""

    requests: int
    window_seconds: float

    def item(self) -> RateLimitItem:
        return RateLimitItemPerSecond(self.requests, max(int(self.window_seconds), 1))


# One person typing and tapping sends a few messages a minute. The address limit holds
# only new sessions, so it bounds how fast one address can start conversations.
SESSION_LIMIT = Limit(requests=20, window_seconds=60.0)
ADDRESS_LIMIT = Limit(requests=120, window_seconds=60.0)
# Every message from one address: 40 sessions at their own limit, so a class of 30 typing
# as fast as they may (with a few new tabs) never meets it; a script minting sessions does.
ADDRESS_CEILING = Limit(requests=40 * SESSION_LIMIT.requests, window_seconds=60.0)
MEMORY = "memory://"

# The chat's decision (`ChatLimiter._check`) in one step in Redis, on the lists `limits` keeps
# for a moving window: the newest time first, at most `limit` of them. A window is full when
# its limit-th newest time is within it. KEYS: the session's, the address's new sessions,
# the address's every message, and optionally a window only looked at (`ChatLimiter.admit`).
# ARGV: now, whether there is a session, then each limit and window in seconds. Returns
# {0, whether the window looked at has room (1 or 0)} when admitted (and counted), else
# {1, the oldest time in the full window, that window}.
CHAT_SCRIPT = """
local now = tonumber(ARGV[1])
local function full(key, limit, window)
  local oldest = redis.call('lindex', key, limit - 1)
  if oldest and tonumber(oldest) >= now - window then return oldest end
  return nil
end
local checks = {}
local new = true
if ARGV[2] == '1' then
  local limit, window = tonumber(ARGV[3]), tonumber(ARGV[4])
  local oldest = full(KEYS[1], limit, window)
  if oldest then return {1, oldest, ARGV[4]} end
  local newest = redis.call('lindex', KEYS[1], 0)
  new = not (newest and tonumber(newest) >= now - window)
  table.insert(checks, {KEYS[1], limit, window})
end
if new then
  local limit, window = tonumber(ARGV[5]), tonumber(ARGV[6])
  local oldest = full(KEYS[2], limit, window)
  if oldest then return {1, oldest, ARGV[6]} end
  table.insert(checks, {KEYS[2], limit, window})
end
local limit, window = tonumber(ARGV[7]), tonumber(ARGV[8])
local oldest = full(KEYS[3], limit, window)
if oldest then return {1, oldest, ARGV[8]} end
table.insert(checks, {KEYS[3], limit, window})
for _, check in ipairs(checks) do
  redis.call('lpush', check[1], ARGV[1])
  redis.call('ltrim', check[1], 0, check[2] - 1)
  redis.call('expire', check[1], check[3])
end
if KEYS[4] and full(KEYS[4], tonumber(ARGV[9]), tonumber(ARGV[10])) then return {0, 0} end
return {0, 1}
"""


class ChatLimiter:
    """Admit a chat message if its session, and its address, are under their limits."""

    def __init__(self, session_limit: Limit = SESSION_LIMIT,
                 address_limit: Limit = ADDRESS_LIMIT, storage_url: str = MEMORY,
                 namespace: str = "chat", clock: Callable[[], float] = time.time,
                 address_ceiling: Limit = ADDRESS_CEILING) -> None:
        self._clock = clock  # the storage's clock too (tests replace both)
        self._session = session_limit.item()
        self._address = address_limit.item()
        self._ceiling = address_ceiling.item()
        storage = storage_from_string(storage_url)
        self._limiter = MovingWindowRateLimiter(storage)
        self._namespace = namespace
        self._redis = storage if isinstance(storage, RedisStorage) else None
        self._script = self._redis.get_connection().register_script(CHAT_SCRIPT) \
            if self._redis else None

    @classmethod
    def for_redis(cls, redis_url: str, **kwargs: object) -> ChatLimiter:
        """Counters in Redis (REDIS_URL), shared by every web process; else in memory."""
        return cls(storage_url=redis_url or MEMORY, **kwargs)  # type: ignore[arg-type]

    def check(self, session_key: str | None, address: str) -> int:
        """Record the message and return 0, or return the whole seconds to wait.

        `session_key` is None for a request without a valid session.
        """
        return self.admit(session_key, address)[0]

    def admit(self, session_key: str | None, address: str,
              watched: AddressLimiter | None = None) -> tuple[int, bool]:
        """`check`, and whether `watched` has room for one more from this address (nothing
        counted there): in Redis, both in one round trip when `watched` is kept there too."""
        window = watched.window(address) if watched is not None else None
        try:
            if self._script is not None and (watched is None or window is not None):
                return self._check_in_redis(session_key, address, window)
            wait = self._check(session_key, address)
        except Exception as exc:  # noqa: BLE001 - a limiter outage must not stop the chat
            logger.warning("rate limit storage failed (%s); message admitted",
                           type(exc).__name__)
            wait = 0
        return wait, wait != 0 or watched is None or watched.has_room(address)

    def _check(self, session_key: str | None, address: str) -> int:
        if self._script is not None:
            return self._check_in_redis(session_key, address)[0]
        checks = []
        new = True
        if session_key is not None:
            # One look at the session's window says both whether it has room and whether it
            # is new (nothing in the window): in Redis, one round trip where there were two.
            remaining = self._limiter.get_window_stats(
                self._session, self._namespace, "session", session_key).remaining
            if remaining < 1:
                return self._wait_seconds(self._session, "session", session_key)
            new = remaining >= self._session.amount
            checks.append((self._session, "session", session_key))
        if new:
            checks.append((self._address, "address", address))
        checks.append((self._ceiling, "address-all", address))
        for item, kind, key in checks[1 if session_key is not None else 0:]:
            if not self._limiter.test(item, self._namespace, kind, key):
                return self._wait_seconds(item, kind, key)
        for item, kind, key in checks:
            # Recording has the last word (it is the atomic step). It can count a message
            # sent exactly one window ago where `test` did not, so a refusal here is at
            # the very edge of the window: a second later there is room.
            if not self._limiter.hit(item, self._namespace, kind, key):
                return 1
        return 0

    def _wait_seconds(self, item: RateLimitItem, kind: str, key: str) -> int:
        reset = self._limiter.get_window_stats(item, self._namespace, kind, key).reset_time
        return self._until(reset, self._clock())

    @staticmethod
    def _until(reset: float, now: float) -> int:
        return max(math.ceil(round(reset - now, 3)), 1)  # 10.0000001 s is 10 s

    def _check_in_redis(self, session_key: str | None, address: str,
                        watched: Window | None = None) -> tuple[int, bool]:
        """`_check` in one round trip (CHAT_SCRIPT), on the keys and lists `limits` uses;
        and whether the `watched` window has room."""
        assert self._redis is not None and self._script is not None
        keys = [self._redis.prefixed_key(item.key_for(self._namespace, kind, key))
                for item, kind, key in ((self._session, "session", session_key or ""),
                                        (self._address, "address", address),
                                        (self._ceiling, "address-all", address))]
        now = self._clock()
        limits = [value for item in (self._session, self._address, self._ceiling)
                  for value in (item.amount, item.get_expiry())]
        if watched is not None:
            keys.append(watched.key)
            limits += [watched.requests, watched.seconds]
        refused, *found = self._script(keys, [repr(now), int(session_key is not None), *limits])
        if not refused:
            return 0, bool(found[0])
        oldest, seconds = (float(value) for value in found)
        return self._until(oldest + seconds, now), True


# Dashboard login attempts per address: enough for typos in a shared office, too few for
# guessing. Each is counted before its password is checked, so parallel guesses are all
# counted. Each account also locks after five failures in a row (advisers/accounts.py).
LOGIN_ATTEMPTS_PER_ADDRESS = Limit(requests=20, window_seconds=15 * 60)


@dataclass(frozen=True)
class Window:
    """Where a moving window is kept in Redis, and its limit."""

    key: str
    requests: int
    seconds: int


class AddressLimiter:
    """At most `limit` of something per key (an address, with what it is about)."""

    def __init__(self, limit: Limit, storage_url: str = MEMORY, namespace: str = "address",
                 ) -> None:
        self._item = limit.item()
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_url or MEMORY))
        self._namespace = namespace

    def window(self, *key: str) -> Window | None:
        """The key's window in Redis, for a script to look at; None when kept in memory."""
        storage = self._limiter.storage
        if not isinstance(storage, RedisStorage):
            return None
        return Window(storage.prefixed_key(self._item.key_for(self._namespace, *key)),
                      self._item.amount, self._item.get_expiry())

    def has_room(self, *key: str) -> bool:
        """Whether one more would be within the limit (nothing is counted)."""
        try:
            return self._limiter.test(self._item, self._namespace, *key)
        except Exception as exc:  # noqa: BLE001 - an outage must not stop the product
            logger.warning("%s limit storage failed (%s)", self._namespace,
                           type(exc).__name__)
            return True

    def attempt(self, *key: str) -> bool:
        """Count one for this key (one atomic step); False, and not counted, past the limit."""
        try:
            return self._limiter.hit(self._item, self._namespace, *key)
        except Exception as exc:  # noqa: BLE001 - an outage must not stop the product
            logger.warning("%s limit storage failed (%s)", self._namespace,
                           type(exc).__name__)
            return True


class LoginLimiter(AddressLimiter):
    """Count login attempts per address; past the limit, refuse before checking a password."""

    def __init__(self, limit: Limit = LOGIN_ATTEMPTS_PER_ADDRESS, storage_url: str = MEMORY,
                 namespace: str = "login") -> None:
        super().__init__(limit, storage_url, namespace)


# Walk-ins counted at one event from one address: a school group arriving on the venue's
# Wi-Fi, with room to spare. More is a script posting to the check-in link.
WALK_INS_PER_ADDRESS = Limit(requests=40, window_seconds=24 * 60 * 60)


def walk_in_limiter(storage_url: str = MEMORY) -> AddressLimiter:
    return AddressLimiter(WALK_INS_PER_ADDRESS, storage_url, "walk-in")


# Places booked at events from one address in a day: a class of 30 on a school's Wi-Fi may
# each book one. More is a script booking with made-up phone numbers (email bookings must
# also be confirmed from the mailbox, and each phone number or address books once an event).
BOOKINGS_PER_ADDRESS = Limit(requests=30, window_seconds=24 * 60 * 60)


def booking_limiter(storage_url: str = MEMORY) -> AddressLimiter:
    return AddressLimiter(BOOKINGS_PER_ADDRESS, storage_url, "booking")
