"""The jobs widget on a provider's own website, in Debian's Chromium, against the real stack.

The provider's page is served from a second origin (another host name and port) with a
strict content security policy that allows nothing but itself and our origin, and with
styles that try hard to change everything on the page.
"""

# The browser fixtures are imported, so naming them as arguments "redefines" them:
# ruff: noqa: F811

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from carecareers.campaigns.service import find_campaign
from carecareers.campaigns.widget import website_campaign
from carecareers.clock import clock_for
from carecareers.db import make_engine, session_factory
from carecareers.models import Conversation, WidgetCount
from carecareers.runtime.processes import free_port
from tests.e2e.a11y import NARROW, axe_violations, describe_violations, sideways_overflow
from tests.e2e.browser import chromium_browser, new_phone_page, page_errors  # noqa: F401
from tests.e2e.conftest import Stack
from tests.factories import make_provider, make_vacancy

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_MS = 60_000
# Everything the page can style, styled loudly; none of it may reach the widget.
HOSTILE_CSS = """
* { color: rgb(255, 0, 0) !important; font-family: serif !important;
    letter-spacing: 3px !important; text-transform: uppercase !important; }
h2, h3, p, a, li, ul, button, section, iframe { display: inline !important;
    font-size: 40px !important; background: rgb(255, 255, 0) !important;
    border: 9px solid rgb(0, 255, 0) !important; }
[hidden] { display: block !important; }
"""
PAGE = """<!doctype html>
<html lang="en-GB"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Oakwood Care: work with us</title><link rel="stylesheet" href="/site.css"></head>
<body><main><h1>Work with us</h1><p>We are a family care home in Leek.</p>
<script async src="{widget}"></script>
</main></body></html>"""


@dataclass
class Provider:
    """The provider's website, its widget's campaign and its own vacancy."""

    url: str
    code: str
    campaign: str
    requests: list[str]


def serve_site(web_url: str, requests: list[str]) -> tuple[ThreadingHTTPServer, dict[str, str]]:
    """Start the provider's website; the returned dict's "widget" is the tag's script."""
    policy = (f"default-src 'self'; script-src 'self' {web_url}; frame-src {web_url}; "
              "style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'self'")
    tag = {"widget": ""}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            requests.append(self.path)
            if self.path == "/favicon.ico":
                self.send_response(204)
                self.end_headers()
                return
            if self.path in ("/", "/plain"):
                body, kind = PAGE.format(widget=tag["widget"]).encode(), "text/html"
                if self.path == "/plain":  # the same page without its loud styles
                    body = body.replace(b'<link rel="stylesheet" href="/site.css">', b"")
            elif self.path == "/site.css":
                body, kind = HOSTILE_CSS.encode(), "text/css"
            elif self.path.startswith("/apply/"):
                body, kind = b"<!doctype html><title>Apply</title><h1>Apply to Oakwood</h1>", \
                    "text/html"
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Security-Policy", policy)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, tag


@pytest.fixture(scope="module")
def provider_site(rasa_stack: Stack) -> Iterator[Provider]:
    sessions = session_factory(make_engine(rasa_stack.settings.database_url))
    code = f"oak{uuid.uuid4().hex[:6]}"
    requests: list[str] = []
    server, tag = serve_site(rasa_stack.web_url, requests)
    # "localhost", where the stack is at 127.0.0.1, and another port: another origin
    url = f"http://localhost:{server.server_address[1]}"
    today = clock_for(rasa_stack.settings).today()
    with sessions() as session, session.begin():
        provider = make_provider(session, code, "Oakwood Care")
        make_vacancy(session, "Night care worker", source=f"provider_csv:{code}",
                     employer="Oakwood Care", role_code="care_worker", outcode="ST13",
                     location_text="Leek", posted_on=today, closes_on=today + timedelta(days=20),
                     salary_min=12.71, salary_period="hour", url=f"{url}/apply/1")
        campaign = website_campaign(session, provider, "Oakwood website").code
    tag["widget"] = f"{rasa_stack.web_url}/widget.js?provider={code}&c={campaign}"
    yield Provider(url, code, campaign, requests)
    server.shutdown()


def counts(stack: Stack, campaign: str) -> list[tuple[str, int, int, int]]:
    sessions = session_factory(make_engine(stack.settings.database_url))
    with sessions() as session:
        found = find_campaign(session, campaign)
        return [(r.site, r.views, r.chats_opened, r.chats_started) for r in session.scalars(
            select(WidgetCount).where(WidgetCount.campaign_id == found.id))]


@pytest.fixture
def page(chromium_browser: Browser) -> Iterator[Page]:
    opened = new_phone_page(chromium_browser)
    yield opened
    opened.context.close()


def test_the_widget_on_another_website_shows_jobs_and_opens_the_chat_in_place(
        rasa_stack: Stack, provider_site: Provider, page: Page) -> None:
    origins: set[str] = set()
    page.on("request", lambda request: origins.add(
        "{0.scheme}://{0.netloc}".format(urlsplit(request.url))))
    page.goto(provider_site.url)
    widget = page.locator("care-jobs-widget")
    expect(widget.get_by_role("heading", name="Care jobs at Oakwood Care")).to_be_visible()
    job = widget.get_by_role("listitem")
    expect(job).to_have_count(1)
    expect(job).to_contain_text("Night care worker")
    expect(job).to_contain_text("Pay: £12.71 an hour")
    assert page.context.cookies() == []  # nothing set while the jobs show

    # the page's styles stay out: our colours, font, layout and hidden parts are ours
    heading = widget.locator("h2")
    assert heading.evaluate("e => getComputedStyle(e).color") == "rgb(0, 71, 90)"
    assert heading.evaluate("e => getComputedStyle(e).fontFamily").startswith("system-ui")
    assert heading.evaluate("e => getComputedStyle(e).textTransform") == "none"
    assert job.evaluate("e => getComputedStyle(e).display") == "list-item"
    assert widget.locator(".panel").evaluate("e => getComputedStyle(e).display") == "none"

    # Apply opens the provider's own application page in a new tab
    with page.context.expect_page() as opened:
        widget.get_by_role("link", name="Apply for Night care worker").click()
    applied = opened.value
    applied.wait_for_load_state()
    assert applied.url == f"{provider_site.url}/apply/1"
    expect(applied.get_by_role("heading")).to_have_text("Apply to Oakwood")
    applied.close()

    # from the keyboard: the chat opens in place, and takes the focus
    button = widget.get_by_role("button", name="Questions? Chat with us")
    button.focus()
    page.keyboard.press("Enter")
    frame = page.frame_locator("care-jobs-widget iframe")
    greeting = frame.locator("#log .msg.bot:not(.typing)").first
    expect(greeting).to_contain_text("health and social care", timeout=REPLY_TIMEOUT_MS)
    assert widget.locator("iframe").evaluate("e => e === e.getRootNode().activeElement")
    frame.get_by_label("Your message").fill("what does a care worker do")
    frame.get_by_label("Your message").press("Enter")
    expect(frame.locator("#log .msg.bot:not(.typing)").last).to_contain_text(
        "Care worker", timeout=REPLY_TIMEOUT_MS)
    assert page.context.cookies() == []  # the chat keeps its place without a cookie

    # the conversation counts for the provider's website campaign, from its website
    assert counts(rasa_stack, provider_site.campaign) == [(provider_site.url, 1, 1, 1)]
    sessions = session_factory(make_engine(rasa_stack.settings.database_url))
    with sessions() as session:
        campaign = find_campaign(session, provider_site.campaign)
        assert session.scalar(select(Conversation.channel).where(
            Conversation.campaign_id == campaign.id)) == "web"

    # the chat closes again, and the focus goes back to its button
    widget.get_by_role("button", name="Close the chat").click()
    expect(button).to_be_focused()
    assert origins == {provider_site.url, rasa_stack.web_url}  # no one else is asked
    assert page_errors(page) == []


def test_the_widget_passes_axe_and_reflows_at_320_pixels(
        rasa_stack: Stack, provider_site: Provider, chromium_browser: Browser) -> None:
    context = chromium_browser.new_context(viewport=NARROW, locale="en-GB", bypass_csp=True)
    page = context.new_page()  # the CSP is lifted only so that axe can be injected
    try:
        page.goto(f"{provider_site.url}/plain")
        widget = page.locator("care-jobs-widget")
        expect(widget.get_by_role("listitem")).to_have_count(1)
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
        assert sideways_overflow(page) == 0
        widget.get_by_role("button", name="Questions? Chat with us").click()
        expect(widget.locator("iframe")).to_be_visible()
        violations = axe_violations(page)
        assert not violations, describe_violations(violations)
        assert sideways_overflow(page) == 0
    finally:
        context.close()
