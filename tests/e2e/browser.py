"""Debian's Chromium driven by Playwright, for browser tests (no browser download).

Use the fixtures from a test module:

    from tests.e2e.browser import chromium_browser, phone_page  # noqa: F401

`chromium_browser` is one headless browser for the whole run; `phone_page` is a fresh
page (its own cookies and storage) in a phone-sized, touch-enabled context, and
`page_errors(page)` lists the script errors the page has raised so far.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from tests.conftest import service_missing

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/London",
}
DEFAULT_TIMEOUT_MS = 30_000
_ERRORS_KEY = "_care_page_errors"


# Module scope, not session: while Playwright's sync API runs it keeps an event loop
# running in the main thread, which would break every async test that runs after it.
@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole test run."""
    if not CHROMIUM.exists():
        service_missing(f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
                        "(Debian's package; make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_phone_page(browser: Browser, **context_options: Any) -> Page:
    """Open a page in a new phone-sized context; close it with `page.context.close()`."""
    context = browser.new_context(**(PHONE | context_options))
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda msg: errors.append(_describe(msg)) if msg.type == "error" else None)
    setattr(page, _ERRORS_KEY, errors)
    return page


def _describe(message: ConsoleMessage) -> str:
    where = message.location.get("url") if message.location else ""
    return f"{message.text} ({where})" if where else message.text


def page_errors(page: Page) -> list[str]:
    """Script errors and console errors the page has reported since it opened."""
    return list(getattr(page, _ERRORS_KEY, []))


@pytest.fixture
def phone_page(chromium_browser: Browser) -> Iterator[Page]:
    """A fresh page on a 390x844 touch phone (no cookies, empty storage)."""
    page = new_phone_page(chromium_browser)
    yield page
    page.context.close()


@contextmanager
def serving(app: FastAPI, port: int) -> Iterator[str]:
    """Serve the web app in a thread of this process at 127.0.0.1:port; yield its URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("the web app did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
