"""The jobs widget on a provider's website: its script's size, and how soon a slow phone
shows the first vacancies.

Seeds a temporary SQLite database with a provider's own vacancies, starts the web app as
`make run` does (one uvicorn process) and a provider's page on a second origin, then opens
that page in headless Chromium emulating a slow phone: 400 ms round trip, 400 kbit/s each
way, and a CPU four times slower. Five runs, each in a fresh browser context (nothing
cached). Reported: the script's size as sent and gzipped, the time from the page's request
for the script to the first vacancy on screen (the widget's own cost: the median of five
must be at most 1 s), and from the start of the page load for reference.

    .venv/bin/python bench/widget.py [--runs 5]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import threading
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.jobs_feed import start_web  # noqa: E402
from carecareers.campaigns.widget import website_campaign  # noqa: E402
from carecareers.db import make_engine, session_factory  # noqa: E402
from carecareers.migrate import upgrade  # noqa: E402
from carecareers.runtime.processes import free_port, stop  # noqa: E402
from tests.factories import make_provider, make_vacancy  # noqa: E402

SLOW_PHONE = {"offline": False, "latency": 400, "downloadThroughput": 400_000 / 8,
              "uploadThroughput": 400_000 / 8}
CPU_SLOWDOWN = 4
TARGET_SECONDS = 1.0
MOST_GZIPPED = 20 * 1024
CHROMIUM = Path("/usr/bin/chromium")
PAGE = """<!doctype html><html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Oakwood Care</title>
</head><body><main><h1>Work with us</h1><p>A family care home in Leek.</p>
<script async src="{widget}"></script></main></body></html>"""
# The time the page asked for the script, and the first vacancy's: both on the page's clock.
FIRST_JOB = """() => {
  const host = document.querySelector("care-jobs-widget");
  const job = host && host.shadowRoot && host.shadowRoot.querySelector("li");
  return job ? true : false;
}"""


def seed(database_url: str) -> str:
    upgrade(database_url)
    sessions = session_factory(make_engine(database_url))
    today = date.today()
    with sessions() as session, session.begin():
        provider = make_provider(session, "oakwood", "Oakwood Care")
        for n in range(12):
            make_vacancy(session, f"Care worker {n}", source="provider_csv:oakwood",
                         source_id=f"w{n}", employer="Oakwood Care", outcode="ST13",
                         location_text="Leek", role_code="care_worker",
                         posted_on=today - timedelta(days=n), closes_on=today + timedelta(days=30),
                         salary_min=12.71, salary_period="hour",
                         url=f"https://oakwood.example/apply/{n}")
        return website_campaign(session, provider, "Oakwood website").code


def serve_page(widget: str) -> ThreadingHTTPServer:
    body = PAGE.format(widget=widget).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    class Quiet(ThreadingHTTPServer):
        def handle_error(self, request: object, client_address: object) -> None:
            return  # a browser closing a connection early is not news

    server = Quiet(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def launch_chromium(playwright):  # type: ignore[no-untyped-def]
    """Debian's headless Chromium (never a downloaded one)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                      args=["--no-sandbox"])


def slow_phone_page(browser):  # type: ignore[no-untyped-def]
    """A page in a fresh context (nothing cached) on a slow phone: SLOW_PHONE's network and a
    CPU CPU_SLOWDOWN times slower. Close it with `page.context.close()`."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", SLOW_PHONE)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    return page


def one_run(browser, page_url: str) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """(script request to first vacancy, page start to first vacancy), in seconds."""
    page = slow_phone_page(browser)
    context = page.context
    try:
        page.goto(page_url, wait_until="commit")
        page.wait_for_function(FIRST_JOB, polling="raf", timeout=30_000)
        shown = page.evaluate("performance.now()")
        asked = page.evaluate("""() => {
          const entry = performance.getEntriesByType("resource")
            .find(e => e.name.includes("/widget.js"));
          return entry ? entry.startTime : 0;
        }""")
        return (shown - asked) / 1000, shown / 1000
    finally:
        context.close()


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench/widget.py", description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        database_url = f"sqlite:///{folder}/widget.db"
        campaign = seed(database_url)
        port = free_port()
        web, _ = start_web(Path(folder), port, database_url)
        try:
            widget = f"http://127.0.0.1:{port}/widget.js?provider=oakwood&c={campaign}"
            sent = httpx.get(widget, headers={"Accept-Encoding": "identity"}).content
            zipped = int(httpx.get(widget, headers={"Accept-Encoding": "gzip"}).headers.get(
                "content-length", len(gzip.compress(sent))))
            print(f"script for 5 vacancies: {len(sent) / 1024:.1f} kB, "
                  f"{zipped / 1024:.1f} kB gzipped "
                  f"({'within' if zipped <= MOST_GZIPPED else 'OVER'} the 20 kB limit)")
            site = serve_page(widget)
            page_url = f"http://localhost:{site.server_address[1]}/"
            with sync_playwright() as playwright:
                browser = launch_chromium(playwright)
                runs = [one_run(browser, page_url) for _ in range(args.runs)]
                browser.close()
            site.shutdown()
        finally:
            stop(web)
    own = sorted(r[0] for r in runs)
    whole = sorted(r[1] for r in runs)
    median = statistics.median(own)
    print(f"slow phone (400 ms, 400 kbit/s, CPU x{CPU_SLOWDOWN}), {args.runs} runs:")
    print(f"  script asked -> first vacancies: median {median:.2f} s "
          f"(runs {', '.join(f'{s:.2f}' for s in own)})")
    print(f"  page start   -> first vacancies: median {statistics.median(whole):.2f} s "
          f"(runs {', '.join(f'{s:.2f}' for s in whole)})")
    met = median <= TARGET_SECONDS and zipped <= MOST_GZIPPED
    print(f"target (median <= {TARGET_SECONDS:.1f} s, script <= 20 kB gzipped): "
          f"{'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
