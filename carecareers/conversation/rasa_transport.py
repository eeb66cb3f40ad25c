"""How the web app and the bot reach Rasa: httpx's interface, aiohttp's connections.

Every chat turn is one request to Rasa, and the time the web chat adds to Rasa's own is
measured (`make bench`, bench/webchat.py). httpx's own connections (httpcore, anyio, h11)
took about 0.9 ms more a request on the test machine than aiohttp's, so `RasaClient` keeps
httpx's interface and hands the request to one aiohttp session here.

What failed is said in httpx's exceptions, and with care: `RasaPool` sends a message to
another Rasa server only when it surely was not sent (httpx.ConnectError, ConnectTimeout).
Anything that fails once the connection is made (the server closed it, a read timed out)
may have run the turn, so it is a ReadError or a ReadTimeout, and not retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
import httpx

# Rasa's web server (Sanic) closes a connection idle for 5 seconds; this side lets it go
# first, so that a request is never sent on a connection the server is closing.
KEEPALIVE_SECONDS = 4.0


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport over one aiohttp session, made on the first request (in its loop)."""

    def __init__(self, keepalive_seconds: float = KEEPALIVE_SECONDS) -> None:
        self._keepalive = keepalive_seconds
        self._session: aiohttp.ClientSession | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(keepalive_timeout=self._keepalive),
                auto_decompress=False, skip_auto_headers=("User-Agent",))
        with _as_httpx_errors(request):
            async with self._session.request(
                    request.method, str(request.url), headers=request.headers.multi_items(),
                    data=await request.aread(), timeout=_timeout(request),
                    allow_redirects=False) as response:
                content = await response.read()
        return httpx.Response(response.status, headers=list(response.raw_headers),
                              content=content, request=request)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


def _timeout(request: httpx.Request) -> aiohttp.ClientTimeout:
    """httpx's timeouts as aiohttp's: connecting (a free connection, then the socket), and
    each read."""
    limits = request.extensions.get("timeout", {})
    return aiohttp.ClientTimeout(
        total=None, sock_connect=limits.get("connect"), sock_read=limits.get("read"),
        connect=_sum(limits.get("pool"), limits.get("connect")))


def _sum(*seconds: float | None) -> float | None:
    return None if any(s is None for s in seconds) else sum(s for s in seconds if s)


@contextmanager
def _as_httpx_errors(request: httpx.Request) -> Iterator[None]:
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:  # no connection was made in time
        raise httpx.ConnectTimeout(str(exc), request=request) from exc
    except aiohttp.ClientConnectorError as exc:  # refused, unreachable: nothing was sent
        raise httpx.ConnectError(str(exc), request=request) from exc
    except (aiohttp.ServerTimeoutError, asyncio.TimeoutError) as exc:  # sent, no answer
        raise httpx.ReadTimeout(str(exc), request=request) from exc
    except aiohttp.ClientError as exc:  # anything after connecting: the turn may have run
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
