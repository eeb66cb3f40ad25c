"""Open days end to end: an event made in the dashboard (headless Debian Chromium), booked in
the web chat and on Telegram (the real bot and a Bot-API-compatible server), its .ics
downloaded and parsed, reminders sent by `carecareers events remind` (a local SMTP server,
the fake Bot API), the check-in QR decoded and scanned, the funnel moved, and the event
cancelled with everyone booked told.

The real stack (`rasa_stack`: Rasa with the trained model, the action server, the web app).
"""

# The browser fixture is imported, so naming it as an argument "redefines" it:
# ruff: noqa: F811

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from carecareers.db import make_engine, session_factory
from carecareers.delivery import address_for
from carecareers.models import Booking, Event
from tests.e2e.browser import DEFAULT_TIMEOUT_MS, chromium_browser  # noqa: F401
from tests.e2e.conftest import Stack
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.test_bot_real_rasa import press as tg_press
from tests.e2e.test_bot_real_rasa import real_bot_env, running_bot
from tests.e2e.test_bot_real_rasa import say as tg_say
from tests.e2e.test_web_conversation import press, say, text_of
from tests.factories import PASSWORD, make_adviser
from tests.mail_server import MailServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "carecareers"
UK = ZoneInfo("Europe/London")
USER = 880_020
EMAIL = "open-day@example.org"
TITLE = "Hospice taster (e2e)"
ICS_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/events/(\d+)\.ics)")
CONFIRM_LINK = re.compile(r"(http://127\.0\.0\.1:\d+/events/bookings/confirm/[\w-]+)")


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def cli(stack: Stack, mail: MailServer, telegram: FakeTelegram, *args: str) -> str:
    env = {**stack.env, "SMTP_URL": mail.url, "SMTP_FROM": "Care Careers <events@test>",
           "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url}
    result = subprocess.run([str(CLI), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def create_in_the_dashboard(page: Page, stack: Stack, starts: datetime) -> int:
    """Log in and create the event through the form, as a careers adviser would."""
    with session_factory(make_engine(stack.settings.database_url))() as session, \
            session.begin():
        make_adviser(session, "events-adviser@example.org", role="adviser")
    page.goto(f"{stack.web_url}/advisers/login")
    page.get_by_label("Email address").fill("events-adviser@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto(f"{stack.web_url}/advisers/events/new")
    local = starts.astimezone(UK)
    ends = min(local + timedelta(hours=2), local.replace(hour=23, minute=59))
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Date").fill(local.date().isoformat())
    page.get_by_label("Starts at").fill(local.strftime("%H:%M"))
    page.get_by_label("Finishes at").fill(ends.strftime("%H:%M"))
    page.get_by_label("Place", exact=True).fill("Douglas Macmillan Hospice, Barlaston Road")
    page.get_by_label("Postcode").fill("ST3 3NZ")
    page.get_by_label("What to expect").fill("Meet the nurses and try a hoist.")
    page.get_by_label("Places").fill("10")
    page.locator("#f-providers input[type=checkbox]").first.check()
    page.get_by_role("button", name="Create event").click()
    expect(page.get_by_role("status")).to_contain_text("Event created")
    return int(page.url.split("/advisers/events/")[1].split("?")[0])


def ics_fields(text: str) -> dict[str, str]:
    """The VEVENT's properties of an iCalendar file (unfolded)."""
    lines = text.replace("\r\n ", "").split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR" and "END:VCALENDAR" in lines
    start, end = lines.index("BEGIN:VEVENT"), lines.index("END:VEVENT")
    return dict(line.split(":", 1) for line in lines[start + 1:end])


def book_on_the_web(web: httpx.Client) -> str:
    listed = say(web, "any open days near ST4")
    assert TITLE in text_of(listed), text_of(listed)
    asked = press(web, listed[-1], f"Book: {TITLE}")
    assert "how old" in text_of(asked).lower(), text_of(asked)
    name = press(web, asked[-1], "18 or over")
    assert "first name" in text_of(name).lower()
    method = say(web, "Jordan")
    assert "how can we reach you" in text_of(method).lower(), text_of(method)
    detail = press(web, method[-1], "Email")
    consent = say(web, EMAIL)
    assert "To book your place we keep your first name" in text_of(consent), text_of(consent)
    done = press(web, consent[-1], "Yes, book it")
    # Anyone can type an address: the place is kept once the link emailed there is pressed.
    assert f"Nearly done, Jordan: I've emailed a link to {EMAIL}" in text_of(done), \
        text_of(done)
    assert "email address" in text_of(detail).lower()
    return text_of(done)


def test_an_open_day_from_the_dashboard_to_the_door(
        rasa_stack: Stack, chromium_browser: Browser, mail: MailServer,
        telegram: FakeTelegram, tmp_path: Path) -> None:
    context = chromium_browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    starts = (datetime.now(timezone.utc) + timedelta(hours=1)).replace(second=0, microsecond=0)
    event_id = create_in_the_dashboard(page, rasa_stack, starts)

    # Booked in the web chat, kept from the link emailed; the calendar link downloads and parses.
    with httpx.Client(base_url=rasa_stack.web_url, timeout=90) as web:
        book_on_the_web(web)
        cli(rasa_stack, mail, telegram, "events", "remind")  # sends the outbox's emails
        confirm_link = CONFIRM_LINK.search(mail.mailbox.wait_for(EMAIL).get_content())
        assert confirm_link, "no confirmation link in the email"
        assert "Confirm" in httpx.get(confirm_link.group(1), timeout=30).text
        kept = httpx.post(confirm_link.group(1), timeout=30)
        assert "You're booked, Jordan!" in kept.text, kept.text
        [path] = re.findall(r'href="(/events/\d+\.ics)"', kept.text)
        link = ICS_LINK.search(rasa_stack.web_url + path)
        assert link and int(link.group(2)) == event_id
        calendar = httpx.get(link.group(1))
        assert calendar.headers["content-type"].startswith("text/calendar")
        fields = ics_fields(calendar.text)
        assert fields["SUMMARY"] == TITLE.replace(",", "\\,")
        assert fields["DTSTART"] == starts.strftime("%Y%m%dT%H%M%SZ")
        assert fields["LOCATION"] == "Douglas Macmillan Hospice\\, Barlaston Road\\, ST3 3NZ"
        chat_cookies = dict(web.cookies)

    # Booked on Telegram: the relay links the chat to the booking.
    env = real_bot_env(rasa_stack, telegram, rasa_stack.rasa_url)
    with running_bot(env, telegram, tmp_path / "bot.log"):
        listed = tg_say(telegram, USER, "what's on near me", "coming up")
        age = tg_press(telegram, USER, listed, f"Book: {TITLE}", "how old")
        tg_press(telegram, USER, age, "18 or over", "first name")
        consent = tg_say(telegram, USER, "Tia", "To book your place")
        assert "Telegram chat with me" in str(consent.params["text"])
        tg_press(telegram, USER, consent, "Yes, book it", "You're booked, Tia")
    sessions = session_factory(make_engine(rasa_stack.settings.database_url))
    with sessions() as session:
        bookings = {b.first_name: b for b in session.scalars(
            select(Booking).where(Booking.event_id == event_id))}
        assert set(bookings) == {"Jordan", "Tia"}
        assert bookings["Tia"].contact_method == "telegram"
        assert address_for(session, bookings["Tia"].sender_id, "telegram") == str(USER)
        assert bookings["Jordan"].consent_wording.startswith("To book your place")

    # The day before: reminders by email and on Telegram, once.
    day_before = (starts - timedelta(hours=24)).isoformat()
    cli(rasa_stack, mail, telegram, "events", "remind", "--now", day_before)
    reminder = mail.mailbox.wait_for(EMAIL)
    assert reminder["Subject"] == f"Tomorrow: {TITLE}"
    assert "Barlaston Road, ST3 3NZ" in reminder.get_content()
    telegram.wait_for("sendMessage", lambda c: c.params.get("chat_id") in (USER, str(USER))
                      and "a reminder" in str(c.params.get("text")), timeout=30)
    cli(rasa_stack, mail, telegram, "events", "remind", "--now", day_before)
    assert [m["Subject"] for m in mail.mailbox.to(EMAIL)].count(f"Tomorrow: {TITLE}") == 1

    # At the door: the QR code decodes to the check-in page; Jordan's phone (the chat's
    # cookie) checks Jordan in, another phone is a walk-in.
    png = page.request.get(f"{rasa_stack.web_url}/advisers/events/{event_id}/checkin-qr.png")
    assert png.ok
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.body())))
    assert code.text.startswith(f"{rasa_stack.web_url}/events/here/")
    with httpx.Client(cookies=chat_cookies, timeout=30) as phone:
        assert "I'm here" in phone.get(code.text).text
        assert "Welcome, Jordan!" in phone.post(code.text).text
    assert "Welcome!" in httpx.post(code.text, timeout=30).text
    page.goto(f"{rasa_stack.web_url}/advisers/events/{event_id}")
    expect(page.get_by_text("Arrived: 2")).to_be_visible()
    funnel = page.locator("#funnel-desc").text_content() or ""
    assert "Booked: 2" in funnel and "Attended: 2 (100% of booked)" in funnel

    # Cancelled: everyone booked is told.
    page.get_by_role("button", name="Cancel this event").click()
    expect(page.get_by_role("status")).to_contain_text("2 booked people are being told")
    cli(rasa_stack, mail, telegram, "events", "remind")
    cancelled = [m for m in mail.mailbox.to(EMAIL) if m["Subject"].startswith("Cancelled")]
    assert len(cancelled) == 1 and "is cancelled" in cancelled[0].get_content()
    telegram.wait_for("sendMessage", lambda c: "is cancelled" in str(c.params.get("text")),
                      timeout=30)
    with sessions() as session:
        assert session.get(Event, event_id).status == "cancelled"  # type: ignore[union-attr]
    listed_after = httpx.post(f"{rasa_stack.web_url}/api/chat",
                              json={"message": "any open days near ST4"}, timeout=90)
    assert TITLE not in str(listed_after.json())
    context.close()
