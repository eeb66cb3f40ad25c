"""How the web app and the bot reach Rasa: aiohttp's connections, failures in httpx's terms.

Every chat turn is one request to Rasa, and the time the web chat adds to Rasa's own is
measured (`make bench`, bench/webchat.py). On the test machine a POST through httpx took
1.9 ms of the client's own time, through httpx over aiohttp's connections 1.1 ms, and
through aiohttp alone 0.5 ms; so `RasaClient` calls Rasa through aiohttp (`AiohttpCalls`).
A test hands it an httpx transport instead (a MockTransport): `HttpxCalls`.

What failed is said in httpx's exceptions either way, and with care: `RasaPool` sends a
message to another Rasa server only when it surely was not handled (httpx.ConnectError,
ConnectTimeout, or a 5xx answer). Anything that fails once the connection is made (the
server closed it, a read timed out) may have run the turn, so it is a ReadError or a
ReadTimeout, and not retried.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

import aiohttp
import httpx

# Rasa's web server (Sanic) closes a connection idle for 5 seconds; this side lets it go
# first, so that a request is never sent on a connection the server is closing.
KEEPALIVE_SECONDS = 4.0


class Calls(Protocol):
    """The two requests RasaClient makes, on one server."""

    async def post_json(self, path: str, body: Any, headers: Mapping[str, str]) -> bytes:
        """POST `body` as JSON; the answer's body, or httpx.HTTPStatusError for 4xx and 5xx."""

    async def get(self, path: str, params: Mapping[str, str]) -> tuple[int, bytes]:
        """GET; the answer's status and body."""

    async def aclose(self) -> None: ...


class AiohttpCalls:
    """Requests through one aiohttp session, made on the first request (in its event loop)."""

    def __init__(self, base_url: str, timeout: float,
                 keepalive_seconds: float = KEEPALIVE_SECONDS) -> None:
        self._base_url = base_url
        self._timeout = aiohttp.ClientTimeout(total=None, connect=timeout,
                                              sock_connect=timeout, sock_read=timeout)
        self._keepalive = keepalive_seconds
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(keepalive_timeout=self._keepalive),
                timeout=self._timeout)
        return self._session

    async def post_json(self, path: str, body: Any, headers: Mapping[str, str]) -> bytes:
        url = self._base_url + path
        with _as_httpx_errors():
            async with self._open().post(url, json=body, headers=dict(headers),
                                         allow_redirects=False) as response:
                content = await response.read()
        if response.status >= 400:
            request = httpx.Request("POST", url)
            raise httpx.HTTPStatusError(f"Rasa answered {response.status}", request=request,
                                        response=httpx.Response(response.status,
                                                                request=request))
        return content

    async def get(self, path: str, params: Mapping[str, str]) -> tuple[int, bytes]:
        url = self._base_url + path
        with _as_httpx_errors():
            async with self._open().get(url, params=dict(params),
                                        allow_redirects=False) as response:
                return response.status, await response.read()

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None


class HttpxCalls:
    """Requests through httpx, on a transport a test gives (httpx.MockTransport)."""

    def __init__(self, base_url: str, timeout: float,
                 transport: httpx.AsyncBaseTransport) -> None:
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout,
                                         transport=transport)

    async def post_json(self, path: str, body: Any, headers: Mapping[str, str]) -> bytes:
        response = await self._client.post(path, json=body, headers=dict(headers))
        response.raise_for_status()
        return response.content

    async def get(self, path: str, params: Mapping[str, str]) -> tuple[int, bytes]:
        response = await self._client.get(path, params=dict(params))
        return response.status_code, response.content

    async def aclose(self) -> None:
        await self._client.aclose()


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:  # no connection was made in time
        raise httpx.ConnectTimeout(str(exc)) from exc
    except aiohttp.ClientConnectorError as exc:  # refused, unreachable: nothing was sent
        raise httpx.ConnectError(str(exc)) from exc
    except (aiohttp.ServerTimeoutError, asyncio.TimeoutError) as exc:  # sent, no answer
        raise httpx.ReadTimeout(str(exc) or "no answer in time") from exc
    except aiohttp.ClientError as exc:  # anything after connecting: the turn may have run
        raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
