"""The web chat in Debian's Chromium on a phone-sized screen, against the real stack."""

# The browser fixtures are imported, so naming them as arguments "redefines" them:
# ruff: noqa: F811

from __future__ import annotations

import base64
import json
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Route, expect
from sqlalchemy import func, select

from carecareers.campaigns.qr import PosterDetails, poster_html, qr_svg
from carecareers.campaigns.service import channel_links, create_campaign, get_campaign
from carecareers.db import make_engine, session_factory
from carecareers.models import CampaignVisit, Conversation
from carecareers.runtime.processes import free_port, start, stop, wait_ready, web_spec
from tests.conftest import make_settings
from tests.e2e.browser import chromium_browser, new_phone_page, page_errors, phone_page  # noqa: F401,E501
from tests.e2e.conftest import Stack, stack_environment

pytestmark = pytest.mark.e2e

REPLY_TIMEOUT_MS = 60_000
BOT = "#log .msg.bot:not(.typing)"


def db(stack: Stack):
    return session_factory(make_engine(stack.settings.database_url))


def new_campaign(stack: Stack) -> str:
    code = f"DEMO-{uuid.uuid4().hex[:8].upper()}"
    with db(stack)() as session, session.begin():
        create_campaign(session, code, "Demo food bank poster", kind="food_bank", place="Hanley")
    return code


def visits_and_conversations(stack: Stack, code: str) -> tuple[int, list[int | None]]:
    with db(stack)() as session:
        campaign = get_campaign(session, code)
        visits = session.scalar(select(func.count()).select_from(CampaignVisit).where(
            CampaignVisit.campaign_id == campaign.id))
        tagged = session.scalars(select(Conversation.campaign_id).where(
            Conversation.campaign_id == campaign.id)).all()
        return int(visits or 0), list(tagged)


def ask(page: Page, text: str) -> None:
    before = page.locator(BOT).count()
    page.get_by_label("Your message").fill(text)
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(BOT)).not_to_have_count(before, timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("#log .typing")).to_have_count(0, timeout=REPLY_TIMEOUT_MS)


def in_viewport(page: Page, selector: str) -> bool:
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    return bool(box and size and box["y"] >= 0 and box["y"] + box["height"] <= size["height"])


def test_scan_ask_press_and_reload_on_a_phone(rasa_stack: Stack, phone_page: Page) -> None:
    page = phone_page
    code = new_campaign(rasa_stack)
    page.goto(f"{rasa_stack.web_url}/c/{code}")

    greeting = page.locator(BOT).first
    expect(greeting).to_contain_text("health and social care", timeout=REPLY_TIMEOUT_MS)
    first_chip = page.locator("#log .chips button").first
    expect(first_chip).to_be_visible()
    assert first_chip.bounding_box()["height"] >= 44  # a finger-sized target

    ask(page, "what does a healthcare assistant do")
    expect(page.locator("#log .msg.user").last).to_contain_text(
        "what does a healthcare assistant do")
    expect(page.locator(BOT).last).to_contain_text("Healthcare assistant")

    chip = page.get_by_role("button", name="What comes next")
    chip.focus()
    page.keyboard.press("Enter")  # the chips work from a keyboard too
    expect(page.locator(BOT).last).to_contain_text("After healthcare assistant",
                                                   timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("#log .msg.user").last).to_contain_text("What comes next")
    expect(page.get_by_label("Your message")).to_be_focused()
    transcript = page.locator("#log").inner_text()

    page.reload()
    expect(page.locator("#log")).to_contain_text("After healthcare assistant")
    assert page.locator("#log").inner_text() == transcript
    ask(page, "and how much does that pay")  # same conversation: Rasa still knows the role
    expect(page.locator(BOT).last).to_contain_text("band")

    visits, conversations = visits_and_conversations(rasa_stack, code)
    assert visits == 1  # the reload was not another visit
    assert len(conversations) == 1
    assert in_viewport(page, "header a[href='/privacy']")
    assert in_viewport(page, ".dock a[href='/privacy']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
    assert page_errors(page) == []


def test_a_question_typed_while_a_reply_is_on_its_way_is_answered(rasa_stack: Stack,
                                                                   phone_page: Page) -> None:
    page = phone_page
    held: list[Route] = []

    def hold_the_first(route: Route) -> None:
        if json.loads(route.request.post_data or "{}").get("message") == "hello":
            held.append(route)
        else:
            route.continue_()

    page.route("**/api/chat", hold_the_first)
    page.goto(f"{rasa_stack.web_url}/chat")
    expect(page.locator(BOT).first).to_contain_text("health and social care")  # in the page
    box = page.get_by_label("Your message")
    box.fill("hello")
    box.press("Enter")
    expect(page.locator("#log .typing")).to_have_count(1)  # a slow connection: no reply yet
    box.fill("what does a healthcare assistant do")
    box.press("Enter")
    expect(box).to_have_value("")
    expect(page.locator("#log .msg.user").last).to_contain_text("Waiting to send")
    held[0].continue_()  # the first reply arrives, then the question goes
    expect(page.locator(BOT).last).to_contain_text("Healthcare assistant",
                                                   timeout=REPLY_TIMEOUT_MS)
    expect(page.locator(BOT).first).to_contain_text("health and social care")
    expect(page.locator("#log .msg.user", has_text="Waiting")).to_have_count(0)
    assert [t.split(":", 1)[-1].strip() for t in
            page.locator("#log .msg.user").all_inner_texts()] == [
        "hello", "what does a healthcare assistant do"]
    assert page_errors(page) == []


HOSTILE_TEXT = '<img src=x onerror="window.pwned=1"><script>window.pwned=2</script> & <b>hi</b>'
HOSTILE_REPLY = {"messages": [
    {"text": HOSTILE_TEXT, "buttons": [{"title": "<i>Chip</i>", "payload": "token"}],
     "custom": None},
    {"text": None, "buttons": [], "custom": {
        "type": "vacancy", "title": "<script>window.pwned=3</script>Care assistant",
        "employer": "Oak <b>House</b>", "place": "Hanley", "distance_miles": 1.24,
        "salary": "£12.60 an hour", "closing_date": "1 June 2025",
        "apply_url": "https://jobs.example.org/apply/1", "attribution": "Source: Example jobs"}},
    {"text": None, "buttons": [], "custom": {
        "type": "vacancy", "title": "Night carer", "apply_url": "javascript:window.pwned=4"}},
]}


def test_bot_html_and_scripts_are_shown_as_text(rasa_stack: Stack, phone_page: Page) -> None:
    page = phone_page

    def fake_reply(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json",
                      body=json.dumps(HOSTILE_REPLY))

    page.route("**/api/chat", fake_reply)
    page.goto(f"{rasa_stack.web_url}/chat")
    page.get_by_label("Your message").fill("any jobs")
    page.get_by_label("Your message").press("Enter")
    bubble = page.locator(BOT).nth(1)  # after the greeting
    expect(bubble).to_contain_text(HOSTILE_TEXT)
    assert page.locator("#log img, #log script, #log b, #log i").count() == 0
    expect(page.get_by_role("button", name="<i>Chip</i>")).to_be_visible()

    cards = page.locator("#log article.card")
    expect(cards).to_have_count(2)
    expect(cards.first.locator("h2")).to_have_text("<script>window.pwned=3</script>Care assistant")
    expect(cards.first).to_contain_text("Oak <b>House</b>, Hanley")
    expect(cards.first).to_contain_text("1.2 miles away")
    apply = cards.first.get_by_role("link", name=re.compile("^Apply"))
    assert apply.get_attribute("href") == "https://jobs.example.org/apply/1"
    assert apply.bounding_box()["height"] >= 44
    assert cards.nth(1).get_by_role("link").count() == 0  # a javascript: link is dropped
    page.wait_for_timeout(300)
    assert page.evaluate("window.pwned") is None


@pytest.fixture
def web_without_rasa(rasa_stack: Stack) -> Iterator[str]:
    """A second web app on the same database whose Rasa URL is a closed port."""
    settings = rasa_stack.settings.model_copy(update={
        "web_port": free_port(), "rasa_url": f"http://127.0.0.1:{free_port()}"})
    log = open(rasa_stack.logs / "web-without-rasa.log", "ab")  # noqa: SIM115
    running = start(web_spec(settings), stack_environment(settings), stdout=log)
    try:
        wait_ready(running)
        yield f"http://127.0.0.1:{settings.web_port}"
    finally:
        stop(running)
        log.close()


def test_the_page_stays_usable_when_rasa_is_down(web_without_rasa: str,
                                                 phone_page: Page) -> None:
    page = phone_page
    page.goto(f"{web_without_rasa}/chat")
    # the greeting is in the page: it shows, with its buttons, though Rasa is down
    expect(page.locator(BOT).first).to_contain_text("health and social care")
    expect(page.locator("#log .chips button")).to_have_count(4)
    page.get_by_role("button", name="What jobs are there?").click()
    status = page.get_by_role("status")
    expect(status).to_contain_text("can't answer right now", timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Try again")).to_have_count(0)  # never a button twice
    page.get_by_label("Your message").fill("hello")
    page.get_by_label("Your message").press("Enter")
    expect(status).to_contain_text("can't answer right now", timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_role("button", name="Try again")).to_be_visible()

    box = page.get_by_label("Your message")
    expect(box).to_be_enabled()
    box.fill("any care jobs in Stoke?")
    box.press("Enter")
    expect(page.locator("#log .msg.user.failed").last).to_contain_text("any care jobs in Stoke?")
    expect(page.locator("#log .msg.user.failed").last).to_contain_text("Not sent")
    expect(status).to_contain_text("try again")
    expect(box).to_be_enabled()
    expect(box).to_be_editable()
    assert in_viewport(page, "header a[href='/privacy']")


def test_a_lost_connection_gets_a_kind_message(rasa_stack: Stack, phone_page: Page) -> None:
    page = phone_page
    page.goto(f"{rasa_stack.web_url}/chat")
    expect(page.locator(BOT).first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    page.context.set_offline(True)
    page.get_by_label("Your message").fill("hello?")
    page.get_by_label("Your message").press("Enter")
    expect(page.get_by_role("status")).to_contain_text("Check your connection")
    page.context.set_offline(False)
    page.get_by_role("button", name="Try again").click()
    expect(page.locator("#log .msg.user").last).not_to_contain_text("Not sent",
                                                                    timeout=REPLY_TIMEOUT_MS)
    expect(page.get_by_role("status")).to_have_text("")


def decode_screenshot(png: bytes) -> list[str]:
    import io

    import zxingcpp

    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_the_poster_scans_and_prints_on_one_a4_page(chromium_browser: Browser,
                                                     tmp_path: Path) -> None:
    url = "https://care.example.org/c/FOODBANK-HANLEY-MAY"
    poster = tmp_path / "poster.html"
    poster.write_text(poster_html(PosterDetails(
        url=url, place="Hanley food bank, Stoke-on-Trent", dates="3 May 2025 to 5 May 2025",
        elsewhere=tuple(channel_links(
            make_settings(tmp_path, telegram_bot_username="CareCareersBot"),
            "FOODBANK-HANLEY-MAY")),
        privacy_url="https://care.example.org/privacy")))
    page = new_phone_page(chromium_browser)
    try:
        page.goto(poster.as_uri())
        assert decode_screenshot(page.locator("svg.qr").screenshot()) == [url]
        pdf = page.pdf(format="A4", prefer_css_page_size=True)
        assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) == 1
        svg = tmp_path / "qr.svg"
        svg.write_text(qr_svg(url))
        data = base64.b64encode(svg.read_bytes()).decode()
        page.set_content(f'<img id="qr" src="data:image/svg+xml;base64,{data}">')
        assert decode_screenshot(page.locator("#qr").screenshot()) == [url]
    finally:
        page.context.close()
