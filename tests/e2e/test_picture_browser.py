"""The programme picture in Debian's Chromium: the charts are drawn (an SVG with a size and
marks, a title and a description), axe finds no WCAG 2.2 AA violation, nothing scrolls
sideways at 320px, and the monthly report prints on A4, upright: one page for the whole area
and one for each district, nothing wider than the paper.

The web app runs with uvicorn in a thread on a temporary SQLite database holding the known
world of tests/integration/picture_world.py, and a fake Rasa (the pages never ask it).
"""

# The browser fixture is imported, so naming it as an argument "redefines" it:
# ruff: noqa: F811

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from carecareers.db import make_engine, session_factory
from carecareers.geo import districts_for
from carecareers.migrate import upgrade
from carecareers.runtime.processes import free_port
from carecareers.settings import Settings
from tests.conftest import make_settings
from tests.e2e.a11y import DESKTOP, NARROW, axe_violations, describe_violations, sideways_overflow
from tests.e2e.browser import DEFAULT_TIMEOUT_MS, chromium_browser, serving  # noqa: F401
from tests.factories import PASSWORD, make_adviser
from tests.integration.picture_world import build_world
from tests.support.fake_rasa import FakeRasa
from web.app import create_app

pytestmark = pytest.mark.e2e
ADMIN = "board@example.org"
A4_WIDTH_PX = 794  # 210 mm at 96 px an inch
PAGES = ("/advisers/picture", "/advisers/picture?district=Stafford",
         "/advisers/picture/report?month=2026-11")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("picture")
    port = free_port()
    settings = make_settings(root, web_port=port, public_base_url=f"http://127.0.0.1:{port}",
                             carecareers_today="2026-12-06")
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    with session_factory(engine)() as session, session.begin():
        build_world(session)
        make_adviser(session, ADMIN, role="admin")
    app = create_app(settings, rasa=FakeRasa(lambda body: []).client())
    with serving(app, port) as url:
        yield url
    engine.dispose()


def logged_in(browser: Browser, site: str, size: dict) -> Page:
    context = browser.new_context(viewport=size, locale="en-GB", timezone_id="Europe/London",
                                  bypass_csp=True)  # axe is injected as a script
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{site}/advisers/login")
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return page


@pytest.fixture
def desktop(chromium_browser: Browser, site: str) -> Iterator[Page]:
    page = logged_in(chromium_browser, site, DESKTOP)
    yield page
    page.context.close()


def test_the_charts_are_drawn_with_their_numbers(desktop: Page, site: str) -> None:
    desktop.goto(f"{site}/advisers/picture")
    charts = desktop.locator("svg[data-chart]")
    assert charts.count() == 5  # open jobs, leads, the gap, chat to work, questions
    for n in range(charts.count()):
        chart = charts.nth(n)
        box = chart.bounding_box()
        assert box and box["width"] > 200 and box["height"] > 40, chart.get_attribute(
            "data-chart")
        assert chart.get_attribute("role") == "img"
        labelled = (chart.get_attribute("aria-labelledby") or "").split()
        assert len(labelled) == 2
        for part in labelled:  # a title and a description, both with words
            assert len(desktop.locator(f"#{part}").text_content() or "") > 10
        marks = chart.locator("rect.column, rect.bar, rect.held")
        assert marks.count() >= 2
        assert any((marks.nth(i).bounding_box() or {}).get("width", 0) > 0
                   for i in range(marks.count()))
    # The leads chart writes each month's figure, and "<5" where a count is held back.
    leads = desktop.locator('svg[data-chart="leads-chart"] text.value')
    written = [leads.nth(i).text_content() for i in range(leads.count())]
    assert written[-3:] == ["8", "9", "–"]  # October, November; December's 7 held back
    assert "<5" in written
    # Its text equivalent: the table after it says the same in words.
    assert desktop.locator('#supply-month tr[data-row="2026-01"] td').first.text_content() \
        == "fewer than 5"


@pytest.mark.parametrize("size", [DESKTOP, NARROW], ids=["desktop", "320px"])
def test_axe_finds_nothing_and_nothing_scrolls_sideways(chromium_browser: Browser, site: str,
                                                        size: dict) -> None:
    page = logged_in(chromium_browser, site, size)
    try:
        failures, wide = {}, {}
        for path in PAGES:
            page.goto(site + path)
            if violations := axe_violations(page):
                failures[path] = describe_violations(violations)
            if (overflow := sideways_overflow(page)) > 0:
                wide[path] = overflow
    finally:
        page.context.close()
    assert not failures, "\n".join(f"{p}:\n{v}" for p, v in failures.items())
    assert not wide or size != NARROW, f"pages that scroll sideways at 320px: {wide}"


def test_the_report_prints_one_a4_page_for_each_area(desktop: Page, site: str) -> None:
    desktop.goto(f"{site}/advisers/picture/report?month=2026-11")
    pdf = desktop.pdf(format="A4", print_background=True, prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    districts = districts_for(Settings(_env_file=None).content_dir).names
    assert pages == 1 + len(districts) == 10
    desktop.emulate_media(media="print")
    desktop.set_viewport_size({"width": A4_WIDTH_PX - 2 * 45, "height": 1000})  # 12 mm margins
    widest = desktop.evaluate("""() => Math.max(...[...document.querySelectorAll(
        '.report-page, .report-page *')].map(e => e.getBoundingClientRect().right))""")
    assert widest <= A4_WIDTH_PX - 2 * 45 + 1, f"something is {widest}px wide"
    assert sideways_overflow(desktop) <= 0
    assert desktop.locator(".masthead").is_hidden()

