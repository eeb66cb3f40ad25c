"""Open a feed location: a local file as it is, an http(s) URL streamed to a temporary file."""

from __future__ import annotations

import logging
import os
import re
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx

from carecareers.vacancies.errors import FeedError

logger = logging.getLogger(__name__)

MAX_DOWNLOAD_BYTES = 1 << 30
TIMEOUT = httpx.Timeout(60.0, connect=15.0)
_SECRET_PARAM_RE = re.compile(r"(key|token|secret|password|app_id|signature)", re.IGNORECASE)


def is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


def redact(location: str) -> str:
    """Return a location safe to log and store: secret-looking query values hidden."""
    if not is_url(location):
        return location
    parts = urlsplit(location)
    query = [
        (name, "***" if _SECRET_PARAM_RE.search(name) else value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
    ]
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(query, safe="*"), ""))


@contextmanager
def local_copy(location: str, *, headers: Mapping[str, str] | None = None) -> Iterator[Path]:
    """Yield a local path for a file path or an http(s) URL (downloaded, then deleted)."""
    if not is_url(location):
        path = Path(location).expanduser()
        if not path.is_file():
            raise FeedError(f"no such feed file: {location}")
        yield path
        return
    handle, name = tempfile.mkstemp(prefix="carecareers-feed-", suffix=".download")
    os.close(handle)
    path = Path(name)
    try:
        download(location, path, headers=headers)
        yield path
    finally:
        path.unlink(missing_ok=True)


def download(url: str, target: Path, *, headers: Mapping[str, str] | None = None) -> int:
    """Stream a URL to a file; return the bytes written; FeedError on any failure."""
    safe_url = redact(url)
    written = 0
    try:
        with httpx.stream("GET", url, headers=dict(headers or {}), timeout=TIMEOUT,
                          follow_redirects=True) as response:
            if response.status_code >= 400:
                raise FeedError(f"{safe_url} answered HTTP {response.status_code}")
            with target.open("wb") as out:
                for chunk in response.iter_bytes(1 << 16):
                    written += len(chunk)
                    if written > MAX_DOWNLOAD_BYTES:
                        raise FeedError(f"{safe_url} is larger than {MAX_DOWNLOAD_BYTES} bytes")
                    out.write(chunk)
    except httpx.HTTPError as exc:
        raise FeedError(f"cannot download {safe_url}: {exc.__class__.__name__}: {exc}") from None
    logger.info("downloaded %d bytes from %s", written, safe_url)
    return written
