"""Advisers reply inside the chat, end to end: the real stack, the real bot, a fake Bot API.

A person leaves their details through Telegram; an adviser logs into the dashboard in
headless Chromium and writes to them; the bot delivers it to the Telegram chat; the
person's reply shows on the lead page; /forget removes the conversation.
"""

# The fixtures are imported, so naming them as arguments "redefines" them:
# ruff: noqa: F811

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from bot import buttons
from carecareers.catalogue import text
from carecareers.delivery import address_for
from carecareers.models import AdviserThread, Lead, ThreadMessage
from tests.e2e.browser import DEFAULT_TIMEOUT_MS, chromium_browser  # noqa: F401
from tests.e2e.conftest import Stack
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.test_bot_real_rasa import (
    eventually,
    keyboard,
    press,
    real_bot_env,
    reply_containing,
    running_bot,
    say,
    sender_of,
)
from tests.factories import PASSWORD, make_adviser

pytestmark = pytest.mark.e2e

USER = 3901
ADVISER = "priya.shah@example.org"


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture(scope="module")
def bot_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("adviser-bot") / "bot.log"


@pytest.fixture(scope="module")
def bot(rasa_stack: Stack, telegram: FakeTelegram,
        bot_log: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = real_bot_env(rasa_stack, telegram, rasa_stack.rasa_url)
    with running_bot(env, telegram, bot_log) as process:
        yield process


@pytest.fixture(scope="module")
def adviser(rasa_stack: Stack) -> str:
    with database(rasa_stack) as session, session.begin():
        make_adviser(session, ADVISER, role="adviser").display_name = "Priya Shah"
    return ADVISER


class database:  # noqa: N801 - used as a context manager, like Session
    """A session on the stack's application database."""

    def __init__(self, stack: Stack) -> None:
        self.engine = create_engine(stack.settings.database_url)
        self.session = Session(self.engine, expire_on_commit=False)

    def __enter__(self) -> Session:
        return self.session

    def __exit__(self, *exc: object) -> None:
        self.session.close()
        self.engine.dispose()


def leave_details_in_telegram(telegram: FakeTelegram) -> None:
    say(telegram, USER, "/start", "health and social care")
    say(telegram, USER, "can someone contact me", "first name")
    say(telegram, USER, "Keira", "old")
    method = say(telegram, USER, "17", "contact you")
    press(telegram, USER, method, "Telegram", "Telegram username")
    say(telegram, USER, "@keira_b", "postcode")
    interest = say(telegram, USER, "ST4 6QG", "interested in")
    summary = press(telegram, USER, interest, "Apprenticeships", "Here's what I have")
    consent = press(telegram, USER, summary, "Looks right", "/privacy")
    press(telegram, USER, consent, "Yes, I agree", "Thanks Keira")


def lead_id(stack: Stack) -> int | None:
    with database(stack) as session:
        sender = sender_of(stack, USER)
        if address_for(session, sender, "telegram") != str(USER):
            return None  # the relay has not noted their chat
        return session.scalar(select(Lead.id).where(Lead.sender_id == sender))


def ours(stack: Stack) -> Any:
    """This test's person's thread messages (other tests write to the shared stack too)."""
    return ThreadMessage.thread_id.in_(
        select(AdviserThread.id).where(AdviserThread.lead_id == lead_id(stack)))


def message_states(stack: Stack) -> list[str]:
    with database(stack) as session:
        return list(session.scalars(select(ThreadMessage.state).where(
            ThreadMessage.direction == "to_person", ours(stack)).order_by(ThreadMessage.id)))


def thread_texts(stack: Stack, direction: str) -> list[str]:
    with database(stack) as session:
        return list(session.scalars(select(ThreadMessage.text).where(
            ThreadMessage.direction == direction, ours(stack)).order_by(ThreadMessage.id)))


@pytest.fixture
def laptop(chromium_browser: Browser) -> Iterator[Page]:
    context = chromium_browser.new_context(viewport={"width": 1280, "height": 800},
                                           locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def test_an_adviser_writes_in_the_dashboard_and_the_person_answers_in_telegram(
        rasa_stack: Stack, telegram: FakeTelegram, bot: subprocess.Popen[bytes],
        adviser: str, laptop: Page, bot_log: Path) -> None:
    leave_details_in_telegram(telegram)
    assert eventually(lambda: lead_id(rasa_stack) is not None), "the lead's chat was not noted"
    lead = lead_id(rasa_stack)
    site = rasa_stack.web_url

    laptop.goto(f"{site}/advisers/login")
    laptop.get_by_label("Email address").fill(adviser)
    laptop.get_by_label("Password").fill(PASSWORD)
    laptop.get_by_role("button", name="Log in").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Leads")
    laptop.goto(f"{site}/advisers/leads/{lead}")
    laptop.get_by_label("Write to Keira in Telegram").fill(
        "Hi Keira, I'm Priya. Would you like to visit a care home near you?")
    mark = telegram.mark()
    laptop.get_by_role("button", name="Send").click()
    expect(laptop.get_by_role("status")).to_contain_text("Message queued")

    arrived = reply_containing(telegram, USER, mark, "visit a care home")
    assert "<b>Priya Shah</b> from <b>" in arrived.params["text"]
    assert [b["callback_data"] for b in keyboard(arrived)] == [buttons.THREAD_ASSISTANT,
                                                              buttons.THREAD_END]
    assert eventually(lambda: message_states(rasa_stack) == ["sent"], timeout=30), \
        message_states(rasa_stack)  # the bot records it once the Bot API has answered
    laptop.reload()
    expect(laptop.locator("#thread .delivery-state")).to_have_text("Sent")

    telegram.send_text(USER, "Yes please, Thursday after school?")
    assert eventually(lambda: thread_texts(rasa_stack, "from_person") == [
        "Yes please, Thursday after school?"]), "the reply did not reach the thread"
    laptop.goto(f"{site}/advisers/leads")
    expect(laptop.locator("#nav-unread")).to_contain_text("1")
    laptop.goto(f"{site}/advisers/leads/{lead}")
    expect(laptop.locator("#thread")).to_contain_text("Yes please, Thursday after school?")
    expect(laptop.locator("#nav-unread")).to_have_count(0)  # read now

    # the person goes back to the assistant: what they type is answered by it again
    mark = telegram.mark()
    telegram.press(USER, arrived.message_id, buttons.THREAD_ASSISTANT)
    reply_containing(telegram, USER, mark, "talking to the assistant again")
    say(telegram, USER, "how much do care workers earn", "an hour")
    assert len(thread_texts(rasa_stack, "from_person")) == 1

    # asking for a person offers an adviser in this chat, and marks the lead
    offer = say(telegram, USER, "can i talk to a real person", "write to you here")
    press(telegram, USER, offer, "Message an adviser here", "asked an adviser")
    with database(rasa_stack) as session:
        assert session.scalar(select(Lead.wants_callback).where(Lead.id == lead)) is True

    with database(rasa_stack) as session:  # (other tests keep threads of their own)
        threads = list(session.scalars(select(AdviserThread.id).where(
            AdviserThread.lead_id == lead)))
    assert threads
    question = say(telegram, USER, "/forget", "delete everything")
    press(telegram, USER, question, text("bot.forget.yes"), "deleted")
    with database(rasa_stack) as session:
        assert session.scalars(select(AdviserThread).where(
            AdviserThread.id.in_(threads))).all() == []
        assert session.scalars(select(ThreadMessage).where(
            ThreadMessage.thread_id.in_(threads))).all() == []
    laptop.goto(f"{site}/advisers/leads/{lead}")
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Lead not found")

    log = bot_log.read_text()
    for private in ("Keira", "visit a care home", "Thursday after school", str(USER)):
        assert private not in log, private
