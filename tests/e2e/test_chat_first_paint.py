"""The chat page greets in its first HTML, as Rasa would, and works before (or without) its
script: against the real stack (Rasa, the action server, the web app), in Debian's Chromium."""

# The browser fixtures are imported, so naming them as arguments "redefines" them:
# ruff: noqa: F811

from __future__ import annotations

import contextlib
import json
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, expect

from carecareers.conversation.rasa_client import CHANNEL_TOKEN_HEADER, WEBHOOK_PATH
from tests.e2e.browser import chromium_browser, new_phone_page, page_errors, phone_page  # noqa: F401,E501
from tests.e2e.conftest import Stack
from tests.e2e.test_browser_chat import (
    BOT,
    REPLY_TIMEOUT_MS,
    new_campaign,
    visits_and_conversations,
)
from tests.support.chat_page import drawn
from web.session import COOKIE_NAME, ButtonSigner, open_session

pytestmark = pytest.mark.e2e

ROLES = "Jobs in health and social care include:"  # what Rasa says for "What jobs are there?"


def test_rasa_answers_greet_with_what_the_page_shows(rasa_stack: Stack) -> None:
    """The page draws the greeting itself: for its sender, Rasa's answer to /greet is the same
    words and the same buttons (titles, and the payloads sealed in the page)."""
    settings = rasa_stack.settings
    for path in ("/chat", "/embed/chat"):
        with httpx.Client(base_url=rasa_stack.web_url, timeout=60) as web:
            page = web.get(path)
        assert page.status_code == 200
        shown = drawn(page)
        token = shown.chat.get("data-session") or page.cookies[COOKIE_NAME]
        chat = open_session(token, settings.secret_key)
        assert chat is not None
        signer = ButtonSigner(settings.secret_key, chat.sender_id, chat.turn)
        (entry,) = shown.entries
        in_page = [{"text": entry["text"],
                    "buttons": [{"title": b["title"], "payload": signer.open(b["payload"])}
                                for b in entry["buttons"]]}]
        # what the HTML shows is what the script keeps
        assert shown.said == [("bot", entry["text"])]
        assert [(b["title"], b["value"]) for b in shown.buttons] == [
            (b["title"], b["payload"]) for b in entry["buttons"]]
        answer = httpx.post(f"{rasa_stack.rasa_url}{WEBHOOK_PATH}", timeout=60,
                            headers={CHANNEL_TOKEN_HEADER: settings.rasa_token},
                            json={"sender": chat.sender_id, "message": "/greet",
                                  "metadata": {"channel": "web"}})
        assert answer.status_code == 200, answer.text
        from_rasa = [{"text": m.get("text"), "buttons": m.get("buttons") or []}
                     for m in answer.json()]
        assert from_rasa == in_page


def test_without_javascript_the_greeting_shows_and_the_chat_answers(
        rasa_stack: Stack, chromium_browser: Browser) -> None:
    page = new_phone_page(chromium_browser, java_script_enabled=False)
    try:
        code = new_campaign(rasa_stack)
        page.goto(f"{rasa_stack.web_url}/c/{code}")
        expect(page.locator(BOT).first).to_contain_text("health and social care")
        # (Chromium with scripts switched off by the test tool still parses <noscript> as if
        # they ran, so its words are checked in the page rather than on screen.)
        assert "Each answer opens as a new page." in page.content()
        assert "JavaScript" not in page.content()

        page.get_by_label("Your message").fill("what does a healthcare assistant do")
        page.get_by_role("button", name="Send").click()  # a plain form post
        expect(page.locator("#log .msg.user")).to_contain_text(
            "what does a healthcare assistant do", timeout=REPLY_TIMEOUT_MS)
        expect(replied(page, "Healthcare assistant")).to_be_visible()
        assert page.url.endswith("/chat")

        page.get_by_role("button", name="What comes next").click()  # a reply's button
        expect(page.locator("#log .msg.user")).to_contain_text("What comes next",
                                                               timeout=REPLY_TIMEOUT_MS)
        expect(replied(page, "After healthcare assistant")).to_be_visible()

        page.get_by_label("Your message").fill("and how much does that pay")
        page.get_by_role("button", name="Send").click()  # the same conversation: the role kept
        expect(replied(page, "band")).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        visits, conversations = visits_and_conversations(rasa_stack, code)
        assert visits == 1 and len(conversations) == 1
    finally:
        page.context.close()


def replied(page: Page, words: str):  # type: ignore[no-untyped-def]
    """The first of the assistant's messages on the page with these words."""
    return page.locator(BOT).filter(has_text=words).first


def chat_posts(page: Page) -> list[Request]:
    """The requests the page makes to the chat's endpoint (not to /api/chat/adviser-messages)."""
    posts: list[Request] = []
    page.on("request", lambda r: posts.append(r) if urlsplit(r.url).path == "/api/chat" else None)
    return posts


def test_with_javascript_the_greeting_needs_no_request_and_a_reload_shows_the_transcript(
        rasa_stack: Stack, phone_page: Page) -> None:
    page = phone_page
    posts = chat_posts(page)
    code = new_campaign(rasa_stack)
    page.goto(f"{rasa_stack.web_url}/c/{code}", wait_until="networkidle")
    greeting = page.locator(BOT).first
    expect(greeting).to_contain_text("health and social care")
    assert posts == []  # drawn by the server: nothing was asked for it
    words = "jobs in health and social care: what they're like"

    page.get_by_role("button", name="What jobs are there?").click()  # the script's button now
    expect(replied(page, ROLES)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    expect(page.locator("#log .msg.user")).to_contain_text("What jobs are there?")
    assert [json.loads(p.post_data or "{}").keys() for p in posts] == [{"button"}]
    assert page.url.endswith(f"/c/{code}")  # taken by the script: no page was posted
    transcript = page.locator("#log").inner_text()

    page.reload(wait_until="networkidle")
    expect(page.locator("#log")).to_contain_text(ROLES)
    assert page.locator("#log").inner_text() == transcript
    expect(page.locator(BOT).filter(has_text=words)).to_have_count(1)  # one greeting, not two
    assert len(posts) == 1
    visits, conversations = visits_and_conversations(rasa_stack, code)
    assert visits == 1 and len(conversations) == 1
    assert page_errors(page) == []


def test_a_greeting_button_tapped_before_the_script_loads_works_and_is_kept(
        rasa_stack: Stack, phone_page: Page) -> None:
    """On a slow phone the greeting is on screen before the script: its buttons post the form,
    and the script, when it comes, keeps that turn as the start of this tab's transcript."""
    page = phone_page
    held: list[Route] = []

    def hold_the_first_script(route: Route) -> None:
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/static/chat.*.js", hold_the_first_script)
    page.goto(f"{rasa_stack.web_url}/chat", wait_until="commit")  # the script never comes
    expect(page.locator(BOT).first).to_contain_text("health and social care")
    assert held and page.evaluate("document.readyState") != "complete"
    page.get_by_role("button", name="What jobs are there?").click()  # posts the form
    expect(replied(page, ROLES)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    with contextlib.suppress(Exception):  # the first page, and its request, are gone
        held[0].abort()
    page.wait_for_load_state("load")  # this page's script ran: it kept the turn
    stored = page.evaluate("""() => Object.keys(sessionStorage)
        .filter(k => k.startsWith("cc-chat:")).map(k => JSON.parse(sessionStorage[k]))""")
    assert [[e["from"] for e in transcript][:2] for transcript in stored] == [["user", "bot"]]
    assert stored[0][0]["text"] == "What jobs are there?"
    page.goto(f"{rasa_stack.web_url}/chat")  # the script shows the tab's transcript again
    expect(page.locator("#log .msg.user")).to_have_text(["You said: What jobs are there?"])
    expect(replied(page, ROLES)).to_be_visible()
