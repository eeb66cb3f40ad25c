"""Importing from an http(s) URL: a local http.server on 127.0.0.1 and a free port."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import Engine
from vacancy_helpers import (
    FEEDS,
    import_feed,
    vacancies,
)

from carecareers.vacancies.errors import FeedError

pytest_plugins = ["vacancy_fixtures"]


class FeedHandler(BaseHTTPRequestHandler):
    """Serve the fixture feeds; /short/<name> promises more bytes than it sends."""

    seen_headers: list[dict[str, str]] = []

    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        FeedHandler.seen_headers.append(dict(self.headers))
        path = self.path.split("?", 1)[0]
        short = path.startswith("/short/")
        target = FEEDS / path.rsplit("/", 1)[-1]
        if not target.is_file():
            self.send_error(404)
            return
        body = target.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Content-Length", str(len(body) + (1000 if short else 0)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep the test output quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FeedHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_a_feed_is_imported_from_a_url(vacancy_engine: Engine, server: str) -> None:
    summary = import_feed(vacancy_engine, "nhs_jobs", f"{server}/nhs_jobs.xml?app_key=SECRET")

    assert summary.created == 5
    assert summary.location == f"{server}/nhs_jobs.xml?app_key=***"
    assert len(vacancies(vacancy_engine)) == 5


def test_headers_are_sent(vacancy_engine: Engine, server: str) -> None:
    import_feed(vacancy_engine, "find_apprenticeship", f"{server}/find_apprenticeship.json",
                headers={"X-Version": "2", "Ocp-Apim-Subscription-Key": "k"})
    assert FeedHandler.seen_headers[-1]["X-Version"] == "2"


def test_an_http_error_is_a_feed_error(vacancy_engine: Engine, server: str) -> None:
    with pytest.raises(FeedError, match="answered HTTP 404"):
        import_feed(vacancy_engine, "nhs_jobs", f"{server}/missing.xml")


def test_a_cut_off_download_is_a_feed_error(vacancy_engine: Engine, server: str) -> None:
    with pytest.raises(FeedError, match="cannot download"):
        import_feed(vacancy_engine, "nhs_jobs", f"{server}/short/nhs_jobs.xml")
    assert vacancies(vacancy_engine) == []


def test_a_server_that_does_not_answer_is_a_feed_error(vacancy_engine: Engine) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(FeedError, match="cannot download"):
        import_feed(vacancy_engine, "nhs_jobs", f"http://127.0.0.1:{port}/feed.xml")
