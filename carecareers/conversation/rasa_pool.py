"""Spread messages over several Rasa servers (Rasa's replicated mode), failing over between them.

Every server shares the tracker store and the lock store, so any of them can take any
message of any conversation. `RasaPool` sends each message to the next server in turn and,
when that server cannot take it, to the one after. It fails over only when the message
cannot have been handled: the connection was refused or timed out before anything was sent,
or the server (or a proxy in front of it) answered 5xx. A read timeout is not retried: the
server may still be running the turn, and running it twice could record things twice.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from carecareers.conversation.rasa_client import BotMessage, RasaClient, RasaUnavailable
from carecareers.settings import Settings

logger = logging.getLogger(__name__)

COOLDOWN_SECONDS = 5.0
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def rasa_urls(value: str) -> list[str]:
    """Split RASA_URL ("http://a:5005, http://b:5005") into base URLs."""
    return [url.strip().rstrip("/") for url in value.split(",") if url.strip()]


def rasa_client_for(settings: Settings) -> RasaClient | RasaPool:
    """Return a client for the one Rasa server in RASA_URL, or a pool for several."""
    urls = rasa_urls(settings.rasa_url)
    if len(urls) == 1:
        return RasaClient(urls[0], settings.rasa_token, settings.rasa_timeout_seconds)
    return RasaPool(urls, settings.rasa_token, settings.rasa_timeout_seconds)


def worth_another_server(exc: RasaUnavailable) -> bool:
    """Whether the failed message surely was not handled, so another server may take it."""
    cause = exc.__cause__
    if isinstance(cause, _NOT_SENT):
        return True
    return isinstance(cause, httpx.HTTPStatusError) and cause.response.status_code >= 500


class RasaPool:
    """The RasaClient interface (send, is_up, aclose) over several Rasa servers."""

    def __init__(self, base_urls: Sequence[str], token: str = "", timeout: float = 20.0,
                 transport: httpx.AsyncBaseTransport | None = None,
                 cooldown_seconds: float = COOLDOWN_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not base_urls:
            raise ValueError("RasaPool needs at least one Rasa server URL")
        self.urls = [url.rstrip("/") for url in base_urls]
        self._clients = [RasaClient(url, token, timeout, transport) for url in self.urls]
        self._turns = itertools.count()
        self._cooldown = cooldown_seconds
        self._clock = clock
        self._resting_until = [0.0] * len(self._clients)

    async def aclose(self) -> None:
        await asyncio.gather(*(client.aclose() for client in self._clients))

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None,
                   ) -> list[BotMessage]:
        """Send one message to the next server in turn, or to the next that can take it."""
        failure: RasaUnavailable | None = None
        for index in self._order():
            try:
                replies = await self._clients[index].send(sender, message, metadata)
            except RasaUnavailable as exc:
                if not worth_another_server(exc):
                    raise
                self._rest(index)
                failure = exc
                continue
            self._resting_until[index] = 0.0
            return replies
        assert failure is not None
        raise failure

    async def is_up(self) -> bool:
        """Return True when at least one server answers and has a model loaded."""
        return any(await self.servers_up())

    async def servers_up(self) -> list[bool]:
        """Return, for each server in turn, whether it answers with a model loaded."""
        return list(await asyncio.gather(*(client.is_up() for client in self._clients)))

    def _order(self) -> list[int]:
        """The servers to try: round robin from this turn's, those resting after a failure last."""
        first = next(self._turns) % len(self._clients)
        order = [(first + step) % len(self._clients) for step in range(len(self._clients))]
        now = self._clock()
        return sorted(order, key=lambda index: self._resting_until[index] > now)

    def _rest(self, index: int) -> None:
        logger.warning("the Rasa server at %s did not take a message; trying the next",
                       self.urls[index])
        self._resting_until[index] = self._clock() + self._cooldown
