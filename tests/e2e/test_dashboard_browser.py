"""The adviser dashboard in Debian's Chromium: log in, filter, follow up, export.

The web app runs with uvicorn in a thread on a free port against a temporary SQLite
database; the dashboard does not need Rasa.
"""

# The browser fixture is imported, so naming it as an argument "redefines" it:
# ruff: noqa: F811

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import AuditEvent, FollowUp, Lead
from carecareers.runtime.processes import free_port
from tests.conftest import make_settings
from tests.e2e.browser import DEFAULT_TIMEOUT_MS, chromium_browser, serving  # noqa: F401
from tests.factories import PASSWORD, make_adviser, make_campaign, make_lead, make_provider
from web.app import create_app

pytestmark = pytest.mark.e2e

LAPTOP = {"viewport": {"width": 1280, "height": 800}, "locale": "en-GB",
          "timezone_id": "Europe/London"}
TABLET = {"viewport": {"width": 768, "height": 1024}, "is_mobile": True, "has_touch": True,
          "locale": "en-GB", "timezone_id": "Europe/London"}


@dataclass
class Site:
    url: str
    sessions: sessionmaker[Session]
    lead_ids: dict[str, int]


def seed(sessions: sessionmaker[Session]) -> dict[str, int]:
    day = datetime.now(timezone.utc) - timedelta(days=3)
    with sessions() as session, session.begin():
        north = make_provider(session, "NORTH", "North Staffs Care")
        make_provider(session, "SOUTH", "South Staffs Care")
        campaign = make_campaign(session, "FB1", "Hanley food bank")
        make_adviser(session, "adviser@example.org", role="adviser")
        leads = {
            "Amira": make_lead(session, "Amira", providers=[north], campaign=campaign,
                               outcode="ST4", wants_callback=True, created_at=day),
            "Ben": make_lead(session, "Ben", outcode="ST10", status="contacted",
                             created_at=day + timedelta(hours=1)),
            "Chloe": make_lead(session, "=Chloe", outcode="WS15",
                               created_at=day + timedelta(hours=2)),
        }
        return {name: lead.id for name, lead in leads.items()}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("dashboard")
    port = free_port()
    settings = make_settings(root, web_port=port, public_base_url=f"http://127.0.0.1:{port}")
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    sessions = session_factory(engine)
    lead_ids = seed(sessions)
    with serving(create_app(settings), port) as url:
        yield Site(url, sessions, lead_ids)
    engine.dispose()


def open_page(browser: Browser, options: dict) -> Page:  # type: ignore[type-arg]
    context = browser.new_context(accept_downloads=True, **options)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}")
            if "/static/" in r.url and r.status >= 400 else None)
    page.errors = errors  # type: ignore[attr-defined]
    return page


def script_errors(page: Page) -> list[str]:
    """Script errors, CSP violations and missing static files the page has reported.

    Chromium also logs every 4xx document ("Failed to load resource"): a refused login
    answers 401 on purpose, so those lines are left out.
    """
    return [e for e in page.errors  # type: ignore[attr-defined]
            if not e.startswith("Failed to load resource")]


@pytest.fixture
def laptop(chromium_browser: Browser) -> Iterator[Page]:
    page = open_page(chromium_browser, LAPTOP)
    yield page
    page.context.close()


@pytest.fixture
def tablet(chromium_browser: Browser) -> Iterator[Page]:
    page = open_page(chromium_browser, TABLET)
    yield page
    page.context.close()


def log_in(page: Page, site: Site, password: str = PASSWORD) -> None:
    page.goto(f"{site.url}/advisers/leads")
    expect(page).to_have_url(f"{site.url}/advisers/login?next=%2Fadvisers%2Fleads")
    page.get_by_label("Email address").fill("adviser@example.org")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


def test_log_in_after_a_mistake(laptop: Page, site: Site) -> None:
    log_in(laptop, site, password="not the password")
    expect(laptop.get_by_role("alert")).to_contain_text("The email or password is not right")
    expect(laptop.get_by_role("alert")).to_be_focused()  # announced to screen readers
    laptop.get_by_label("Password").fill(PASSWORD)
    laptop.get_by_role("button", name="Log in").click()
    expect(laptop).to_have_url(f"{site.url}/advisers/leads")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Leads")
    expect(laptop.get_by_role("row").filter(has_text="Amira")).to_contain_text(
        "Callback requested")
    laptop.get_by_role("button", name="Log out").click()
    expect(laptop).to_have_url(f"{site.url}/advisers/login")
    assert script_errors(laptop) == []


def test_filter_the_leads(laptop: Page, site: Site) -> None:
    log_in(laptop, site)
    laptop.get_by_label("Area (postcode start)").fill("ST")
    laptop.get_by_label("Status").select_option("new")
    laptop.get_by_role("button", name="Apply filters").click()
    expect(laptop.get_by_role("status")).to_have_text("1 lead match these filters.")
    table = laptop.get_by_role("table")
    expect(table).to_contain_text("Amira")
    expect(table).not_to_contain_text("Ben")
    assert "status=new" in laptop.url and "area=ST" in laptop.url

    laptop.get_by_label("Area (postcode start)").fill("12345")
    laptop.get_by_role("button", name="Apply filters").click()
    area = laptop.get_by_label("Area (postcode start)")
    expect(area).to_have_attribute("aria-invalid", "true")
    expect(laptop.locator("#area-error")).to_contain_text("Give the start of a postcode")
    expect(laptop.get_by_role("alert")).to_be_focused()
    assert script_errors(laptop) == []


def test_add_a_follow_up_note(laptop: Page, site: Site) -> None:
    log_in(laptop, site)
    laptop.get_by_role("link", name="Amira").click()
    expect(laptop.get_by_role("heading", level=1)).to_contain_text("Amira")
    note = laptop.get_by_role("textbox", name="Note", exact=True)
    note.fill("Spoke to Amira; interview on Tuesday at 10")
    expect(laptop.locator("#f-note-note-counter")).to_have_text("1958 characters left")
    laptop.get_by_label("Outcome").select_option("interview")
    laptop.get_by_role("button", name="Add note").click()
    expect(laptop.get_by_role("status")).to_have_text("Note added.")
    history = laptop.locator("#history")
    expect(history).to_contain_text("Interview arranged")
    expect(history).to_contain_text("Spoke to Amira; interview on Tuesday at 10")
    expect(history).to_contain_text("by adviser@example.org")
    with site.sessions() as session:
        follow_up = session.scalars(select(FollowUp).where(
            FollowUp.lead_id == site.lead_ids["Amira"])).one()
        assert follow_up.outcome == "interview"
    assert script_errors(laptop) == []


def test_close_asks_first(laptop: Page, site: Site) -> None:
    log_in(laptop, site)
    laptop.goto(f"{site.url}/advisers/leads/{site.lead_ids['Ben']}")
    laptop.get_by_label("Why").select_option("unreachable")
    laptop.once("dialog", lambda dialog: dialog.dismiss())
    laptop.get_by_role("button", name="Close lead").click()
    expect(laptop.get_by_role("button", name="Close lead")).to_be_visible()
    laptop.once("dialog", lambda dialog: dialog.accept())
    laptop.get_by_role("button", name="Close lead").click()
    expect(laptop.get_by_role("status")).to_have_text("Lead closed.")
    with site.sessions() as session:
        assert session.get(Lead, site.lead_ids["Ben"]).status == "closed"  # type: ignore[union-attr]


def test_export_the_filtered_leads_as_csv(laptop: Page, site: Site) -> None:
    log_in(laptop, site)
    laptop.goto(f"{site.url}/advisers/leads?area=WS")
    with laptop.expect_download() as info:
        laptop.get_by_role("link", name="Export CSV").click()
    download = info.value
    assert download.suggested_filename.startswith("leads-")
    assert download.suggested_filename.endswith(".csv")
    body = Path(download.path()).read_bytes()
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [row["first_name"] for row in rows] == ["'=Chloe"]
    with site.sessions() as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "leads.exported").order_by(AuditEvent.id.desc())).first()
        assert event is not None and event.detail["filters"] == {"area": "WS"}
        assert event.detail["rows"] == 1


def test_the_leads_page_fits_a_tablet(tablet: Page, site: Site) -> None:
    log_in(tablet, site)
    expect(tablet.get_by_role("table")).to_be_visible()
    overflow = tablet.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px"
    tablet.keyboard.press("Tab")
    expect(tablet.get_by_role("link", name="Skip to the main content")).to_be_focused()
    assert script_errors(tablet) == []


def test_campaign_funnel_and_downloads(laptop: Page, site: Site) -> None:
    log_in(laptop, site)
    laptop.get_by_role("link", name="Campaigns").click()
    laptop.get_by_role("link", name="FB1").click()
    expect(laptop.get_by_role("img", name="Funnel of campaign FB1")).to_be_visible()
    with laptop.expect_download() as info:
        laptop.get_by_role("link", name="QR code as PNG").click()
    assert Path(info.value.path()).read_bytes().startswith(b"\x89PNG")
    assert script_errors(laptop) == []
