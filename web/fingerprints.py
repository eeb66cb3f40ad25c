"""Static files under names that change with their content, so that browsers keep them a year.

In a template, `static_url("chat.js")` gives `/static/chat.<hash>.js`, the hash being the first
hex digits of the file's SHA-256, read once at start-up. That name is served with a year's
immutable caching; the plain name (`/static/chat.js`, which the widget and pages cached
before may link) keeps working with a short max-age. `inline_static("site.css")` gives a
file's text for a page to inline, and `csp_source("site.css")` the `'sha256-…'` source a
Content-Security-Policy needs to allow exactly those bytes.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from markupsafe import Markup
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

STATIC_DIR = Path(__file__).resolve().parent / "static"
MOUNT = "/static"
HASH_DIGITS = 10
FOREVER = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"


@dataclass(frozen=True)
class Asset:
    name: str  # as it is on disk: chat.js
    fingerprinted: str  # as pages link it: chat.0123456789.js
    body: bytes
    sha256: bytes


class StaticAssets:
    """The files of one folder, each with its fingerprinted name (read once)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._by_name = {asset.name: asset for asset in map(self._read, _files(directory))}
        self._by_fingerprint = {a.fingerprinted: a.name for a in self._by_name.values()}

    def _read(self, path: Path) -> Asset:
        body = path.read_bytes()
        name = path.relative_to(self.directory).as_posix()
        digest = hashlib.sha256(body)
        short = digest.hexdigest()[:HASH_DIGITS]
        stem, dot, suffix = name.rpartition(".")
        return Asset(name, f"{stem}.{short}.{suffix}" if dot else f"{name}.{short}", body,
                     digest.digest())

    def asset(self, name: str) -> Asset:
        try:
            return self._by_name[name]
        except KeyError:
            raise LookupError(f"no static file {name!r} in {self.directory}") from None

    def url(self, name: str) -> str:
        return f"{MOUNT}/{self.asset(name).fingerprinted}"

    def plain_name(self, path: str) -> str | None:
        """The file a fingerprinted name stands for, or None (a plain name, or an old hash)."""
        return self._by_fingerprint.get(path)

    def inline(self, name: str) -> Markup:
        """A style sheet's text, to put between <style> tags exactly as hashed."""
        text = self.asset(name).body.decode("utf-8")
        if "</" in text:
            raise ValueError(f"{name} cannot be inlined: it has '</' in it")
        return Markup(text)

    def csp_source(self, name: str) -> str:
        return f"'sha256-{base64.b64encode(self.asset(name).sha256).decode()}'"


def _files(directory: Path) -> list[Path]:
    return sorted(path for path in directory.rglob("*") if path.is_file())


@lru_cache
def static_assets(directory: Path = STATIC_DIR) -> StaticAssets:
    return StaticAssets(directory)


def static_url(name: str) -> str:
    """/static/<name with its fingerprint>: for templates."""
    return static_assets().url(name)


def inline_static(name: str) -> Markup:
    return static_assets().inline(name)


def csp_source(name: str) -> str:
    return static_assets().csp_source(name)


def template_helpers() -> dict[str, Callable[[str], Any]]:
    """What every Jinja environment that links a static file gets."""
    return {"static_url": static_url, "inline_static": inline_static}


class FingerprintedFiles(StaticFiles):
    """Serve the folder under plain and fingerprinted names, each with its caching."""

    def __init__(self, assets: StaticAssets) -> None:
        super().__init__(directory=assets.directory)
        self.assets = assets

    async def get_response(self, path: str, scope: Scope) -> Response:
        plain = self.assets.plain_name(path)
        response = await super().get_response(plain or path, scope)
        if response.status_code < 400:
            response.headers["Cache-Control"] = FOREVER if plain else SHORT
        return response
