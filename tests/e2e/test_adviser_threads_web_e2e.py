"""Advisers write to web chat visitors, end to end: the real web app, Rasa and Chromium.

A visitor opens the web chat in headless Chromium (their cookie names the conversation);
an adviser writes to their lead from the dashboard; the next time the same browser opens
the chat the message is there, named as the adviser's, once; what the visitor types then
reaches the adviser, until a button takes them back to the assistant; `alerts send` emails
a copy to the local SMTP server.
"""

# The fixtures are imported, so naming them as arguments "redefines" them:
# ruff: noqa: F811

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from carecareers.clock import Clock
from carecareers.models import Lead, ThreadMessage
from carecareers.threads import send_message
from tests.e2e.a11y import axe_violations, describe_violations
from tests.e2e.browser import DEFAULT_TIMEOUT_MS, chromium_browser  # noqa: F401
from tests.e2e.conftest import Stack
from tests.e2e.fake_telegram import FakeTelegram
from tests.factories import PASSWORD, make_adviser, make_lead
from tests.mail_server import MailServer
from web.session import COOKIE_NAME, _serializer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "carecareers"
ADVISER = "sam.okafor@example.org"
EMAIL = "ola.web@example.net"
TEXT = "Hi Ola, I'm Sam. Would you like to come to our open day on Saturday?"
REPLY = "Yes please, what time does it start?"


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture
def visitor(chromium_browser: Browser) -> Iterator[BrowserContext]:
    context = chromium_browser.new_context(locale="en-GB", timezone_id="Europe/London",
                                           bypass_csp=True)  # axe is injected as a script
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


def sender_of(stack: Stack, context: BrowserContext) -> str:
    [cookie] = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
    return _serializer(stack.settings.secret_key).loads(cookie["value"])["s"]


def states(stack: Stack) -> list[str]:
    engine = create_engine(stack.settings.database_url)
    with Session(engine) as session:
        found = list(session.scalars(select(ThreadMessage.state).where(
            ThreadMessage.text == TEXT)))
    engine.dispose()
    return found


def test_an_adviser_writes_and_the_same_browser_sees_it_once(
        rasa_stack: Stack, chromium_browser: Browser, visitor: BrowserContext,
        mail: MailServer) -> None:
    site = rasa_stack.web_url
    chat = visitor.new_page()
    chat.goto(f"{site}/chat")
    expect(chat.locator(".msg.bot").first).to_be_visible()  # the greeting, from Rasa
    assert chat.locator(".msg.adviser").count() == 0
    sender = sender_of(rasa_stack, visitor)

    # The visitor's lead (what the chat's lead form records), agreeing to email contact.
    engine = create_engine(rasa_stack.settings.database_url)
    with Session(engine, expire_on_commit=False) as session, session.begin():
        lead = make_lead(session, "Ola", sender_id=sender, channel="web",
                         contact_method="email", phone=None, email=EMAIL)
        make_adviser(session, ADVISER).display_name = "Sam Okafor"
    engine.dispose()

    laptop = chromium_browser.new_context(locale="en-GB", timezone_id="Europe/London")
    laptop.set_default_timeout(DEFAULT_TIMEOUT_MS)
    desk = laptop.new_page()
    desk.goto(f"{site}/advisers/login")
    desk.get_by_label("Email address").fill(ADVISER)
    desk.get_by_label("Password").fill(PASSWORD)
    desk.get_by_role("button", name="Log in").click()
    expect(desk.get_by_role("heading", level=1)).to_have_text("Leads")
    desk.goto(f"{site}/advisers/leads/{lead.id}")
    desk.get_by_label("Write to Ola in the web chat").fill(TEXT)
    desk.get_by_role("button", name="Send").click()
    expect(desk.locator("#thread .delivery-state")).to_have_text(
        "Waiting for them to open the chat")
    expect(desk.locator("#thread .email-state")).to_have_text("Email waiting to send")
    assert states(rasa_stack) == ["waiting"]

    # The same browser opens the chat again: the message is there, named, and announced.
    chat.reload()
    shown = chat.locator(".msg.adviser")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text("Message from Sam Okafor at ")
    expect(shown).to_contain_text(TEXT)
    expect(chat.locator("#announce")).to_contain_text("Message from Sam Okafor")
    violations = axe_violations(chat)
    assert not violations, describe_violations(violations)
    assert states(rasa_stack) == ["seen"]
    # Once: a new tab of the same browser (same cookie, fresh transcript) gets nothing new.
    again = visitor.new_page()
    again.goto(f"{site}/chat")
    expect(again.locator(".msg.bot").first).to_be_visible()
    again.wait_for_load_state("networkidle")
    assert again.locator(".msg.adviser").count() == 0
    # Another browser never sees it.
    stranger = chromium_browser.new_context()
    other = stranger.new_page()
    other.goto(f"{site}/chat")
    other.wait_for_load_state("networkidle")
    assert other.locator(".msg.adviser").count() == 0
    stranger.close()

    desk.reload()
    expect(desk.locator("#thread .delivery-state")).to_have_text("Shown in their web chat")

    # What the visitor types now reaches the thread, not the assistant; a button ends it.
    chat.get_by_label("Your message").fill(REPLY)
    chat.get_by_role("button", name="Send").click()
    expect(chat.locator(".msg.bot").last).to_contain_text("passed that on to the adviser")
    desk.reload()
    expect(desk.locator("#thread li.from-person")).to_contain_text(REPLY)
    chat.get_by_role("button", name="Talk to the assistant again").last.click()
    expect(chat.locator(".msg.bot").last).to_contain_text("talking to the assistant again")
    desk.reload()
    expect(desk.locator("#thread-closed")).to_contain_text("Ola ended this chat")

    # The email copy goes out with `alerts send`.
    with FakeTelegram() as telegram:
        env = {**rasa_stack.env, "SMTP_URL": mail.url, "SMTP_FROM": "Care Careers <a@test>",
               "TELEGRAM_BOT_TOKEN": telegram.token,
               "TELEGRAM_API_BASE_URL": telegram.base_url}
        result = subprocess.run([str(CLI), "alerts", "send"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    email = mail.mailbox.wait_for(EMAIL)
    assert email["Subject"].startswith("A message from Sam Okafor at ")
    body = email.get_content() if not email.is_multipart() else str(email)
    assert "open day on Saturday" in body and "Sam Okafor at " in body
    assert TEXT not in result.stdout + result.stderr  # no message text in the CLI's output
    desk.reload()
    expect(desk.locator("#thread .email-state")).to_have_text("Emailed")
    laptop.close()


def test_a_new_tab_on_a_shared_browser_is_asked_before_any_adviser_message(
        rasa_stack: Stack, visitor: BrowserContext) -> None:
    """A new tab of a browser someone chatted on (a school's or a food bank's) asks before it
    shows an adviser's message, showing nothing of it: "Yes" shows it, "No" starts afresh."""
    site = rasa_stack.web_url
    first = visitor.new_page()
    first.goto(f"{site}/chat")
    expect(first.locator(".msg.bot").first).to_be_visible()
    sender = sender_of(rasa_stack, visitor)
    first.close()
    engine = create_engine(rasa_stack.settings.database_url)

    def adviser_writes(text: str) -> None:
        with Session(engine, expire_on_commit=False) as session, session.begin():
            lead = session.scalar(select(Lead).where(Lead.sender_id == sender)) or make_lead(
                session, "Kemi", sender_id=sender, channel="web", contact_method="phone",
                phone="07700 900125", email=None)
            adviser = make_adviser(session, f"pat{len(text)}@example.org")
            send_message(session, lead, adviser, text, "the Care Careers Partnership",
                         Clock().now())

    def new_tab_asks() -> Page:
        page = visitor.new_page()  # the same cookie, a tab without the transcript
        page.goto(f"{site}/chat")
        expect(page.locator(".adviser-ask")).to_contain_text("Is that you?")
        assert page.locator(".msg.adviser").count() == 0
        assert "taster day" not in page.content()
        return page

    adviser_writes("Kemi, the taster day is on.")
    returning = new_tab_asks()
    violations = axe_violations(returning)
    assert not violations, describe_violations(violations)
    returning.get_by_role("button", name="Yes, show me").click()
    expect(returning.locator(".msg.adviser")).to_contain_text("the taster day is on")
    assert returning.locator(".adviser-ask").count() == 0
    returning.close()

    adviser_writes("Kemi, the taster day moved to Friday.")
    someone_else = new_tab_asks()
    someone_else.get_by_role("button", name="No, start a new chat").click()
    someone_else.wait_for_load_state("networkidle")
    expect(someone_else.locator(".msg.bot").first).to_be_visible()
    assert sender_of(rasa_stack, visitor) != sender  # a new conversation for them
    assert someone_else.locator(".adviser-ask").count() == 0
    assert "taster day" not in someone_else.content()
    engine.dispose()
