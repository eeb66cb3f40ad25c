"""WCAG 2.2 AA in Debian's Chromium: axe-core on every page, keyboard, reflow, focus visibility,
and what a screen reader hears in the chat.

The web app runs with uvicorn in a thread against a temporary SQLite database and a scripted
fake Rasa, so every page has content (a conversation with suggested replies and job cards,
leads, campaigns, vacancies). The pages are found, not listed: every link the public pages
and an administrator's dashboard lead to is followed, and a test checks that every HTML
route of the app was reached, so a new page is checked as soon as it exists.
"""

# The browser fixture is imported, so naming it as an argument "redefines" it:
# ruff: noqa: F811

from __future__ import annotations

import io
import json
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute
from PIL import Image
from playwright.sync_api import Browser, Page, Route, expect

from carecareers.conversation.greeting import greeting as the_greeting
from carecareers.db import make_engine, session_factory
from carecareers.events import EventValues, create_event
from carecareers.migrate import upgrade
from carecareers.referrals import create_referral, switch_off
from carecareers.runtime.processes import free_port
from carecareers.stories import StoryValues, approve_story, create_story, read_photo
from carecareers.threads import record_reply, send_message
from carecareers.values import content, start_check
from tests.conftest import make_settings
from tests.e2e.a11y import (
    DESKTOP,
    NARROW,
    PHONE,
    axe_violations,
    describe_violations,
    focus_problem,
    set_text_size,
    sideways_overflow,
    tab_through,
)
from tests.e2e.browser import DEFAULT_TIMEOUT_MS, chromium_browser, serving  # noqa: F401
from tests.factories import (
    PASSWORD,
    make_adviser,
    make_campaign,
    make_feed_import,
    make_lead,
    make_provider,
    make_question,
    make_vacancy,
)
from tests.support.fake_rasa import FakeRasa
from web.app import create_app

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
ADMIN = "admin@example.org"
CAMPAIGN = "FB1"
BOT = "#log .msg.bot:not(.typing)"
SIZES = {"phone": PHONE, "desktop": DESKTOP}
NOT_PAGES = re.compile(r"\.(csv|json|png|svg|pdf|ics)$|/logout$")


# A scripted Rasa: job cards for "jobs", and an answer with four suggested replies for anything
# else. The greeting is the page's own (Rasa's response, drawn by the server): never asked for.

def greeting() -> dict:
    return the_greeting().as_dict()


def card(n: int) -> dict:
    return {"custom": {"type": "vacancy", "title": f"Care assistant {n}",
                       "employer": "Oak House", "place": "Hanley", "distance_miles": 1.2 * n,
                       "salary": "£12.60 an hour", "closing_date": "2026-12-20",
                       "apply_url": f"https://jobs.example.org/apply/{n}",
                       "attribution": "Source: Example jobs"}}


SESSIONS: list = []  # the site's database, for what the scripted Rasa's actions keep


def scripted_reply(message: str, sender: str = "") -> list[dict]:
    if message == "/start_values_check":  # as actions/values.py starts it
        with SESSIONS[0]() as session, session.begin():
            answer = start_check(session, sender, False, datetime.now(timezone.utc))
        return [*({"text": said} for said in answer.before),
                {"text": answer.text, "buttons": [dict(b) for b in answer.buttons]}]
    if "jobs" in message.lower():
        return [{"text": "Jobs 1-2 of 2 within 10 miles of ST4:"}, card(1), card(2),
                {"text": "Want to see more, or have an employer contact you?",
                 "buttons": [{"title": "Contact me", "payload": "/register_interest"},
                             {"title": "Search wider", "payload": "/widen_search"}]}]
    return [{"text": f"You asked: {message}. Here is a short answer.",
             "buttons": [{"title": t, "payload": f"/{t.lower().replace(' ', '_')}"}
                         for t in ("Pay", "How to get in", "What comes next", "Jobs near me")]}]


EVENT_PAGES: list[str] = []
def story_photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="PNG")
    return out.getvalue()


def seed(sessions) -> None:  # type: ignore[no-untyped-def]
    day = datetime.now(timezone.utc) - timedelta(days=2)
    with sessions() as session, session.begin():
        north = make_provider(session, "NORTH", "North Staffs Care")
        campaign = make_campaign(session, CAMPAIGN, "Hanley food bank", place="Hanley")
        admin = make_adviser(session, ADMIN, role="admin")
        make_lead(session, "Amira", providers=[north], campaign=campaign, wants_callback=True,
                  created_at=day)
        make_lead(session, "Ben", outcode="ST10", status="contacted", created_at=day)
        cara = make_lead(session, "Cara", channel="telegram", contact_method="telegram",
                         phone=None, chat_account="@cara", chat="4001",
                         created_at=day)
        for text in ("Hi Cara, would you like to visit a care home?", "Are you free on Friday?"):
            send_message(session, cara, admin, text, "the Care Careers Partnership",
                         datetime.now(timezone.utc))
        cara.thread.messages[0].state = "sent"  # a delivered one, a waiting one, and a reply
        record_reply(session, cara.sender_id, "Yes please, after school",
                     datetime.now(timezone.utc))
        job = make_vacancy(session, "Healthcare assistant", employer="Royal Stoke",
                           postcode="ST4 6QG", posted_on=day.date(), salary_min=12.71,
                           salary_period="hour", url="https://jobs.example.org/apply/7")
        make_question(session, "can i work nights at 16")
        make_feed_import(session, "nhs_jobs")
        starts = datetime.now(timezone.utc) + timedelta(hours=2)
        event = create_event(session, EventValues(
            title="Hospice open day", starts_at=starts, ends_at=starts + timedelta(hours=3),
            place="Douglas Macmillan Hospice, Barlaston Road", postcode="ST3 3NZ",
            what_to_expect="Meet the nurses.", accessibility="Step-free.", capacity=20,
            provider_ids=(north.id,), campaign_id=campaign.id), ADMIN)
        session.flush()
        story = create_story(session, StoryValues(
            provider_id=north.id, first_name="Jade", role="care_worker",
            place="Oakwood care home, Hanley", outcode="ST1",
            story="I started at 17.\n\nMostly it is people: Mary likes her tea strong.",
            day=(("07:30", "Handover"), ("08:00", "Breakfasts"), ("10:00", "A walk"),
                 ("12:30", "Lunch"), ("14:45", "My notes")),
            photo_alt="Jade in the garden of the home", consent_given_by="Jade Brown",
            consent_at=day), read_photo(story_photo()), ADMIN, day)
        approve_story(session, story, ADMIN, day)
        create_referral(session, north, "Jade", ADMIN, day)  # referral links: one on, one off
        switch_off(session, create_referral(session, north, "Tom", ADMIN, day), ADMIN, day)
        session.flush()
        EVENT_PAGES.extend([f"/events/{event.id}", f"/events/here/{event.checkin_token}",
                            f"/stories/{story.id}", f"/jobs/{job.id}"])


@dataclass
class Site:
    url: str
    app: object


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("a11y")
    port = free_port()
    settings = make_settings(root, web_port=port, public_base_url=f"http://127.0.0.1:{port}")
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    SESSIONS[:] = [session_factory(engine)]
    seed(SESSIONS[0])
    rasa = FakeRasa(lambda body: scripted_reply(body["message"], body["sender"])).client()
    app = create_app(settings, rasa=rasa)
    with serving(app, port) as url:
        yield Site(url, app)
    engine.dispose()


def open_page(browser: Browser, size: dict, **options: object) -> Page:
    context = browser.new_context(viewport=size, locale="en-GB", timezone_id="Europe/London",
                                  bypass_csp=True, **options)  # axe is injected as a script
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context.new_page()


@pytest.fixture
def phone(chromium_browser: Browser) -> Iterator[Page]:
    page = open_page(chromium_browser, PHONE, is_mobile=True, has_touch=True)
    yield page
    page.context.close()


def log_in(page: Page, site: Site) -> None:
    page.goto(f"{site.url}/advisers/login")
    page.get_by_label("Email address").fill(ADMIN)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def ask(page: Page, text: str) -> None:
    before = page.locator(BOT).count()
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(BOT)).not_to_have_count(before)
    expect(page.locator("#log .typing")).to_have_count(0)


def start_chat(page: Page, site: Site, path: str = "/chat") -> None:
    page.goto(site.url + path)
    expect(page.locator(BOT).first).to_contain_text("health and social care")


CHIPS = ["Pay", "How to get in", "What comes next", "Jobs near me"]


def long_conversation(page: Page, site: Site) -> None:
    """A transcript longer than the screen: job cards near the top, four chips at the end."""
    start_chat(page, site)
    ask(page, "any jobs near ST4")
    for question in ("what does a care worker do", "what about a healthcare assistant",
                     "and a nursing associate", "how do I become a registered nurse"):
        ask(page, question)


# Finding the pages.

def links(page: Page, site: Site) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")
    found = []
    for href in hrefs:
        url = urljoin(page.url, href).split("#")[0]
        if url.startswith(site.url) and not NOT_PAGES.search(urlsplit(url).path):
            found.append(url)
    return found


def crawl(page: Page, site: Site, starts: list[str], prefix: str, limit: int = 40) -> list[str]:
    """Every page under `prefix` reachable by links from `starts`, one URL per path."""
    todo, seen_paths, pages = list(starts), set(), []
    while todo and len(pages) < limit:
        url = todo.pop(0)
        path = urlsplit(url).path
        if path in seen_paths or not path.startswith(prefix):
            continue
        seen_paths.add(path)
        response = page.goto(url)
        if response is None or response.status >= 400 or "html" not in (
                response.headers.get("content-type") or ""):
            continue
        pages.append(url)
        todo += links(page, site)
    return pages


@pytest.fixture(scope="module")
def pages(chromium_browser: Browser, site: Site) -> dict[str, list[str]]:
    """The public pages and the dashboard pages (plus states with errors shown)."""
    page = open_page(chromium_browser, DESKTOP)
    try:
        # An event's page and its check-in page are reached from chat replies and from the
        # QR code at the door, which the crawler cannot follow: they are starts of their own.
        # The chat in the jobs widget's frame is opened by the widget's script on other
        # websites: a start of its own too.
        public = crawl(page, site, [f"{site.url}/chat", f"{site.url}/c/{CAMPAIGN}",
                                    f"{site.url}/privacy", f"{site.url}/embed/chat",
                                    *(f"{site.url}{path}" for path in EVENT_PAGES)], "/",
                       limit=15)
        public = [u for u in public if not urlsplit(u).path.startswith("/advisers")]
        public.append(f"{site.url}/advisers/login")
        log_in(page, site)
        dashboard = crawl(page, site, [f"{site.url}/advisers/leads"], "/advisers/", limit=60)
        dashboard.append(f"{site.url}/advisers/leads?area=12345")  # with an error summary
        return {"public": public, "dashboard": dashboard}
    finally:
        page.context.close()


def html_routes(app) -> list[str]:  # type: ignore[no-untyped-def]
    return [route.path for route in app.routes
            if isinstance(route, APIRoute) and "GET" in route.methods
            and route.response_class is HTMLResponse]


def route_pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$")


def test_every_html_page_of_the_app_is_found(pages: dict[str, list[str]], site: Site) -> None:
    found = [urlsplit(u).path for u in pages["public"] + pages["dashboard"]]
    missed = [route for route in html_routes(site.app)
              if not any(route_pattern(route).match(path) for path in found)]
    assert not missed, ("pages no link leads to, so the accessibility tests cannot check "
                        f"them: {missed}")
    assert len(found) >= 10


# axe-core: no WCAG 2.2 AA violation on any page, at phone and desktop sizes.

def check_with_axe(page: Page, urls: list[str], prepare=None) -> dict[str, str]:  # type: ignore[no-untyped-def]
    failures = {}
    for url in urls:
        page.goto(url)
        if prepare:
            prepare(page)
        violations = axe_violations(page)
        if violations:
            failures[url] = describe_violations(violations)
    return failures


@pytest.mark.parametrize("size", SIZES)
def test_public_pages_pass_axe(chromium_browser: Browser, site: Site, size: str,
                               pages: dict[str, list[str]]) -> None:
    page = open_page(chromium_browser, SIZES[size])
    try:
        failures = check_with_axe(page, pages["public"])
        long_conversation(page, site)  # the chat with replies, chips and job cards
        violations = axe_violations(page)
        if violations:
            failures["/chat (conversation)"] = describe_violations(violations)
    finally:
        page.context.close()
    assert not failures, "\n".join(f"{u}:\n{v}" for u, v in failures.items())


@pytest.mark.parametrize("size", SIZES)
def test_dashboard_pages_pass_axe(chromium_browser: Browser, site: Site, size: str,
                                  pages: dict[str, list[str]]) -> None:
    page = open_page(chromium_browser, SIZES[size])
    try:
        log_in(page, site)
        failures = check_with_axe(page, pages["dashboard"])
        page.goto(f"{site.url}/advisers/campaigns/new")
        page.get_by_role("button", name="Create campaign").click()  # empty: errors shown
        expect(page.get_by_role("alert")).to_be_visible()
        if violations := axe_violations(page):
            failures["new campaign with errors"] = describe_violations(violations)
        page.get_by_role("button", name="Log out").click()
        page.get_by_label("Email address").fill(ADMIN)
        page.get_by_role("button", name="Log in").click()  # no password: an error
        expect(page.get_by_role("alert")).to_be_visible()
        if violations := axe_violations(page):
            failures["login with an error"] = describe_violations(violations)
    finally:
        page.context.close()
    assert not failures, "\n".join(f"{u}:\n{v}" for u, v in failures.items())


def test_the_values_check_passes_axe_and_is_answered_from_the_keyboard(phone: Page,
                                                                       site: Site) -> None:
    """'Is care for me?' in the chat: axe finds nothing while a situation and its answers
    are shown, and an answer is chosen with the keyboard alone."""
    start_chat(phone, site)
    phone.get_by_role("button", name="Is care for me?").focus()
    phone.keyboard.press("Enter")
    expect(phone.locator(BOT).last).to_contain_text("1 of 8")
    expect(phone.locator("#log .typing")).to_have_count(0)
    assert not axe_violations(phone), describe_violations(axe_violations(phone))
    first = content().situations[0].choices[0].label
    phone.get_by_role("button", name=first).focus()
    phone.keyboard.press("Enter")
    expect(phone.locator(BOT).last).to_contain_text("2 of 8")
    expect(phone.locator("#log .typing")).to_have_count(0)
    assert not axe_violations(phone), describe_violations(axe_violations(phone))


def test_axe_finds_a_violation_when_there_is_one(phone: Page, site: Site) -> None:
    phone.goto(f"{site.url}/privacy")
    phone.evaluate("document.querySelector('h1').style.color = '#eee'")
    assert "color-contrast" in [v["id"] for v in axe_violations(phone)]


# Reflow (1.4.10) and text size (1.4.4).

def overflowing(page: Page, urls: list[str]) -> dict[str, int]:
    wide = {}
    for url in urls:
        page.goto(url, wait_until="networkidle")  # the chat's script has drawn its page
        if (overflow := sideways_overflow(page)) > 0:
            wide[url] = overflow
    return wide


def test_every_page_reflows_at_320px(chromium_browser: Browser, site: Site,
                                     pages: dict[str, list[str]]) -> None:
    page = open_page(chromium_browser, NARROW)
    try:
        wide = overflowing(page, pages["public"])
        log_in(page, site)
        wide |= overflowing(page, pages["dashboard"])
    finally:
        page.context.close()
    assert not wide, f"pages that scroll sideways at 320px (by px): {wide}"


@pytest.mark.parametrize("size", SIZES)
def test_every_page_fits_with_text_at_200_percent(chromium_browser: Browser, site: Site,
                                                  size: str, pages: dict[str, list[str]]) -> None:
    page = open_page(chromium_browser, SIZES[size])
    try:
        set_text_size(page, 200)
        wide = overflowing(page, pages["public"])
        log_in(page, site)
        wide |= overflowing(page, pages["dashboard"])
        logout = page.get_by_role("button", name="Log out").bounding_box()
    finally:
        page.context.close()
    assert not wide, f"pages that scroll sideways with text at 200% (by px): {wide}"
    assert logout and 0 <= logout["x"] and logout["x"] + logout["width"] <= SIZES[size]["width"]


def test_large_text_on_a_phone_leaves_room_for_the_conversation(phone: Page,
                                                                site: Site) -> None:
    set_text_size(phone, 200)
    long_conversation(phone, site)
    phone.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    covered = phone.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => ['sticky', 'fixed'].includes(getComputedStyle(e).position))
        .reduce((sum, e) => sum + e.getBoundingClientRect().height, 0)""")
    assert covered <= PHONE["height"] * 0.25, f"sticky bars take {covered}px of 844"
    box = phone.get_by_label("Your message")
    room = box.evaluate("""(input) => {
        const probe = document.createElement('span');
        probe.style.font = getComputedStyle(input).font;
        probe.style.position = 'absolute';
        probe.textContent = input.placeholder;
        document.body.appendChild(probe);
        const needed = probe.getBoundingClientRect().width;
        probe.remove();
        const style = getComputedStyle(input);
        const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
        return input.clientWidth - padding - needed;
    }""")
    assert room > 0, f"the placeholder is cut off by {-room:.0f}px"
    assert sideways_overflow(phone) <= 0


# Keyboard (2.1.1) and focus not obscured (2.4.11).

def test_the_chat_works_from_the_keyboard(phone: Page, site: Site) -> None:
    start_chat(phone, site)
    for _ in range(12):
        phone.keyboard.press("Tab")
        if phone.evaluate("document.activeElement.id") == "message":
            break
    expect(phone.get_by_label("Your message")).to_be_focused()
    phone.keyboard.type("what does a nurse do")
    phone.keyboard.press("Enter")
    expect(phone.locator("#log .msg.user").last).to_contain_text("what does a nurse do")
    expect(phone.locator(BOT).last).to_contain_text("You asked: what does a nurse do")
    expect(phone.get_by_label("Your message")).to_have_value("")
    expect(phone.get_by_label("Your message")).to_be_focused()
    phone.get_by_role("button", name="What comes next").focus()
    phone.keyboard.press("Enter")  # a chip pressed from the keyboard sends its reply
    expect(phone.locator("#log .msg.user").last).to_contain_text("What comes next")
    expect(phone.get_by_label("Your message")).to_be_focused()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("direction", ["Tab", "Shift+Tab"])
def test_every_chip_and_link_is_visible_when_focused(chromium_browser: Browser, site: Site,
                                                     size: str, direction: str) -> None:
    page = open_page(chromium_browser, SIZES[size])
    try:
        long_conversation(page, site)
        # From the top of the page forwards, or from the bottom backwards: the browser scrolls
        # each chip or link into view, and the page must keep it clear of the sticky bars.
        if direction == "Tab":
            page.evaluate("window.scrollTo(0, 0);"
                          " document.querySelector('header a').focus({preventScroll: true})")
        else:
            page.evaluate("window.scrollTo(0, document.body.scrollHeight);"
                          " [...document.querySelectorAll('.dock a')].pop().focus()")
        assert page.evaluate("document.body.scrollHeight") > SIZES[size]["height"] * 1.5
        stops = tab_through(page, direction)
    finally:
        page.context.close()
    names = [name for name, _ in stops]
    for wanted in (*CHIPS, "Apply for Care assistant 1 (opens a new tab)",
                   "Apply for Care assistant 2 (opens a new tab)", "Your message", "Send"):
        assert wanted in names, (wanted, names)
    hidden = [problem for _, problem in stops if problem]
    assert not hidden, f"focus hidden ({direction}): {hidden}"


@pytest.mark.parametrize("size", SIZES)
def test_a_chip_behind_the_dock_comes_clear_when_tabbed_to(chromium_browser: Browser,
                                                           site: Site, size: str) -> None:
    page = open_page(chromium_browser, SIZES[size])
    try:
        long_conversation(page, site)
        # Scroll up so that the chips sit behind the dock: still "in view" for the browser,
        # which then does not scroll when one of them gets the focus.
        page.evaluate("""() => {
            const dock = document.querySelector('.dock').getBoundingClientRect();
            const chips = document.querySelector('#log .chips').getBoundingClientRect();
            window.scrollBy(0, chips.top - dock.top + 2);
            [...document.querySelectorAll('#log a.apply')].pop().focus({preventScroll: true});
        }""")
        stops = tab_through(page, "Tab", limit=len(CHIPS))
        back = tab_through(page, "Shift+Tab", limit=len(CHIPS) - 1)
    finally:
        page.context.close()
    assert [name for name, _ in stops] == CHIPS
    assert [problem for _, problem in stops + back if problem] == []


def test_the_focus_check_sees_a_hidden_chip(chromium_browser: Browser, site: Site) -> None:
    page = open_page(chromium_browser, DESKTOP)
    try:
        long_conversation(page, site)
        # A button outside the transcript (which the page does not keep clear), behind the dock.
        page.evaluate("""() => {
            const dock = document.querySelector('.dock').getBoundingClientRect();
            const button = document.createElement('button');
            button.textContent = 'Hidden';
            button.style.cssText = 'position:absolute;left:' + (dock.left + 16) + 'px;top:'
                + (window.scrollY + dock.top + 4) + 'px';
            document.body.appendChild(button);
            button.focus({preventScroll: true});
        }""")
        assert "'Hidden' is under div.dock" in (focus_problem(page) or "")
    finally:
        page.context.close()


def test_try_again_is_one_of_the_labelled_suggested_replies(phone: Page, site: Site) -> None:
    start_chat(phone, site)
    phone.route("**/api/chat", lambda route: route.fulfill(
        status=503, content_type="application/json",
        body=json.dumps({"detail": "Sorry, I can't answer right now."})))
    ask_failing = phone.get_by_label("Your message")
    ask_failing.fill("hello")
    ask_failing.press("Enter")
    group = phone.get_by_role("group", name="Suggested replies")
    expect(group.get_by_role("button", name="Try again")).to_be_visible()
    expect(phone.get_by_role("status")).to_contain_text("can't answer right now")


def test_a_failed_button_press_is_never_sent_again_by_itself(phone: Page, site: Site) -> None:
    start_chat(phone, site)
    pressed: list[str] = []

    def refuse_presses(route) -> None:  # type: ignore[no-untyped-def]
        body = json.loads(route.request.post_data or "{}")
        if "button" not in body:
            route.continue_()
            return
        pressed.append(body["button"])
        route.fulfill(status=503, content_type="application/json",
                      body=json.dumps({"detail": "Sorry, I can't answer right now."}))

    phone.route("**/api/chat", refuse_presses)
    phone.get_by_role("group", name="Suggested replies").get_by_role("button").first.click()
    expect(phone.get_by_role("status")).to_contain_text("type your answer")
    expect(phone.get_by_role("button", name="Try again")).to_have_count(0)
    phone.wait_for_timeout(1000)
    assert len(pressed) == 1


def test_the_dashboard_works_from_the_keyboard(chromium_browser: Browser, site: Site) -> None:
    page = open_page(chromium_browser, DESKTOP)
    try:
        page.goto(f"{site.url}/advisers/login")
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to the main content")).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator("main")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.get_by_label("Email address")).to_be_focused()
        page.keyboard.type(ADMIN)
        page.keyboard.press("Tab")
        page.keyboard.type("not the password")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_be_focused()  # the error is read out first
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Password").press("Enter")
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

        page.goto(f"{site.url}/advisers/leads?area=12345")
        summary = page.get_by_role("alert")
        expect(summary).to_be_focused()
        page.keyboard.press("Tab")
        page.keyboard.press("Enter")  # the summary's link goes to the field to fix
        expect(page.get_by_label("Area (postcode start)")).to_be_focused()
        assert tab_problems(page) == []
    finally:
        page.context.close()


def wait_for(page: Page, condition, seconds: float = 10) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the page")
        page.wait_for_timeout(20)


def tab_problems(page: Page) -> list[str]:
    return [problem for _, problem in tab_through(page) if problem]


# What a screen reader hears in the chat.

def announced(page: Page) -> list[str]:
    return page.locator("#announce p").all_inner_texts()


def test_new_replies_are_announced_once_in_order(phone: Page, site: Site) -> None:
    held: list[Route] = []
    start_chat(phone, site)
    live = phone.locator("[aria-live], [role=log], [role=status], [role=alert]")
    assert live.evaluate_all("els => els.map(e => e.id)") == ["announce", "status"]
    # the greeting is part of the page, read with it (from the labelled transcript): announcing
    # it as well would read it twice
    expect(phone.get_by_role("region", name="Conversation")).to_contain_text(greeting()["text"])
    assert announced(phone) == []

    phone.route("**/api/chat", lambda route: held.append(route))
    phone.get_by_label("Your message").fill("any jobs near ST4")
    phone.get_by_label("Your message").press("Enter")
    expect(phone.locator("#log .typing")).to_have_count(1)
    assert phone.locator("#log .typing").get_attribute("aria-hidden") == "true"
    assert announced(phone) == []  # the typing indicator is not read
    wait_for(phone, lambda: held)
    held[0].continue_()
    expect(phone.locator("#announce p")).to_have_count(4)
    assert announced(phone) == [
        "Jobs 1-2 of 2 within 10 miles of ST4:",
        "Job: Care assistant 1, Oak House, Hanley.", "Job: Care assistant 2, Oak House, Hanley.",
        "Want to see more, or have an employer contact you?"]

    phone.unroute("**/api/chat")
    phone.reload()
    expect(phone.locator(BOT)).to_have_count(3)
    assert announced(phone) == []  # a reload shows the transcript without reading it again


def test_buttons_and_links_say_what_they_do(phone: Page, site: Site) -> None:
    long_conversation(phone, site)
    names = phone.evaluate("""() => [...document.querySelectorAll('button, a[href]')]
        .map(e => (e.getAttribute('aria-label') || e.innerText).trim())""")
    assert "" not in names
    assert "Send" in names
    apply_links = phone.get_by_role("link", name=re.compile(r"^Apply for Care assistant"))
    expect(apply_links).to_have_count(2)
    expect(phone.get_by_role("group", name="Suggested replies")).to_have_count(1)
    assert phone.get_by_role("group", name="Suggested replies").get_by_role(
        "button").all_inner_texts() == CHIPS


# Nothing typed is lost (a message sent while a reply is on its way goes next).

def test_a_message_sent_while_a_reply_is_on_its_way_is_sent_next(phone: Page,
                                                                  site: Site) -> None:
    held: list[Route] = []
    sent: list[dict] = []

    def hold(route: Route) -> None:
        sent.append(json.loads(route.request.post_data or "{}"))
        held.append(route)

    phone.route("**/api/chat", hold)
    start_chat(phone, site)  # the greeting is in the page: nothing was asked for it
    assert sent == []
    box = phone.get_by_label("Your message")
    box.fill("hello")
    box.press("Enter")
    expect(phone.locator("#log .typing")).to_have_count(1)  # its reply is on its way
    box.fill("what does a care worker do")
    box.press("Enter")
    box.fill("and the pay")
    box.press("Enter")
    expect(box).to_have_value("")  # taken, not ignored
    waiting = phone.locator("#log .msg.user")
    expect(waiting).to_have_count(3)
    expect(waiting.nth(1)).to_contain_text("Waiting to send")
    expect(waiting.nth(2)).to_contain_text("Waiting to send")
    assert sent == [{"message": "hello"}]  # one request at a time

    for _ in range(3):  # answer the first, then each queued message as it is sent
        wait_for(phone, lambda: held)
        held.pop(0).continue_()
    expect(phone.locator(BOT)).to_have_count(4)
    assert sent == [{"message": "hello"}, {"message": "what does a care worker do"},
                    {"message": "and the pay"}]
    texts = phone.locator("#log .msg").all_inner_texts()
    assert [t for t in texts if "Waiting" in t] == []
    order = [t.split(":", 1)[-1].strip() for t in texts]
    assert order[0] == greeting()["text"]
    assert order[1] == "hello"
    assert order[2].startswith("You asked: hello")
    assert order[3] == "what does a care worker do"
    assert order[4].startswith("You asked: what does a care worker do")
    assert order[5] == "and the pay"
    assert order[6].startswith("You asked: and the pay")
