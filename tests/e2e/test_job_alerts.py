"""Job alerts end to end: set in the web chat and on Telegram, sent after an import, stopped.

The real stack (`rasa_stack`: Rasa with the trained model, the action server, the web app),
the real bot process against the fake Bot API, a real SMTP server (aiosmtpd), and the real
CLI (`carecareers vacancies import`, `carecareers alerts send`) as subprocesses.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import Stack
from tests.e2e.fake_telegram import Call, FakeTelegram
from tests.e2e.test_bot_real_rasa import button, real_bot_env, running_bot
from tests.e2e.test_bot_real_rasa import press as tg_press
from tests.e2e.test_bot_real_rasa import say as tg_say
from tests.e2e.test_web_conversation import press, say, text_of
from tests.integration.vacancy_helpers import nhs_job, write_nhs_feed
from tests.mail_server import MailServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "carecareers"
USER = 880_001
EMAIL = "journey@example.org"
LINK = re.compile(r"(http://127\.0\.0\.1:\d+/alerts/(?:confirm|unsubscribe)/[\w-]+)")


@pytest.fixture(scope="module")
def mail() -> Iterator[MailServer]:
    with MailServer() as server:
        yield server


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


def cli(stack: Stack, mail: MailServer, telegram: FakeTelegram, *args: str) -> str:
    env = {**stack.env, "SMTP_URL": mail.url, "SMTP_FROM": "Care Careers <alerts@test>",
           "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url,
           "ALERT_MIN_INTERVAL_HOURS": "0"}  # so that only unsubscribing can stop a bundle
    result = subprocess.run([str(CLI), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def import_feed(stack: Stack, mail: MailServer, telegram: FakeTelegram, path: Path,
                jobs: list[dict[str, str]]) -> None:
    cli(stack, mail, telegram, "vacancies", "import", str(write_nhs_feed(path, jobs)),
        "--source", "nhs_jobs")


def alert_calls(telegram: FakeTelegram) -> list[Call]:
    return [c for c in telegram.calls_to("sendMessage")
            if int(c.params["chat_id"]) == USER and "new care job" in str(c.params.get("text"))]


def test_alerts_arrive_once_by_email_and_telegram_then_stop(
        rasa_stack: Stack, mail: MailServer, telegram: FakeTelegram, tmp_path: Path) -> None:
    # Web chat: ask, give age, email address, consent.
    with httpx.Client(base_url=rasa_stack.web_url, timeout=90) as web:
        asked = say(web, "let me know when new HCA jobs come up near ST4")
        assert "how old" in text_of(asked).lower()
        email_question = press(web, asked[-1], "18 or over")
        assert "email address" in text_of(email_question).lower()
        consent = say(web, EMAIL)
        assert "Can we email you new" in text_of(consent)
        done = press(web, consent[-1], "Yes, send them")
        assert f"emailed a link to {EMAIL}" in text_of(done)

    # Telegram: ask, age, consent; the bot links the chat.
    env = real_bot_env(rasa_stack, telegram, rasa_stack.rasa_url)
    with running_bot(env, telegram, tmp_path / "bot.log"):
        age = tg_say(telegram, USER, "alert me about apprenticeships in Stafford", "how old")
        consent_call = tg_press(telegram, USER, age, "18 or over", "on Telegram")
        tg_press(telegram, USER, consent_call, "Yes, send them", "message you here")

        # The confirmation email goes out; the person confirms by the link.
        cli(rasa_stack, mail, telegram, "alerts", "send")
        confirm_link = LINK.search(mail.mailbox.wait_for(EMAIL).get_content())
        assert confirm_link and "/alerts/confirm/" in confirm_link.group(1)
        assert httpx.post(confirm_link.group(1)).status_code == 200

        # New vacancies arrive: some match, some don't.
        import_feed(rasa_stack, mail, telegram, tmp_path / "feed1.xml", [
            nhs_job(9001, title="Healthcare Support Worker"),  # HCA near ST4: email
            nhs_job(9002, title="Staff Nurse"),  # another role
            nhs_job(9003, title="Healthcare Support Worker",
                    locations="Leeds General Infirmary, Leeds, LS1 3EX"),  # too far
            nhs_job(9004, title="Apprentice Healthcare Support Worker",
                    locations="County Hospital, Stafford, ST16 3SA"),  # Telegram, and email?
            nhs_job(9005, title="Care Assistant", locations="Stafford, ST16 3SA"),
        ])
        cli(rasa_stack, mail, telegram, "alerts", "send")
        emails = [m for m in mail.mailbox.to(EMAIL) if "new care job" in m["Subject"]]
        assert len(emails) == 1
        body = emails[0].get_content()
        assert "C9333-26-9001" in body
        for other in ("9002", "9003", "9005"):
            assert f"C9333-26-{other}" not in body
        sent = alert_calls(telegram)
        assert len(sent) == 1, [c.params.get("text") for c in sent]
        alert = sent[0]
        links = [b.get("url") for b in button_rows(alert)]
        assert links == ["https://www.jobs.nhs.uk/candidate/jobadvert/C9333-26-9004", None]

        # Run again: nothing new, nothing sent twice.
        cli(rasa_stack, mail, telegram, "alerts", "send")
        assert len([m for m in mail.mailbox.to(EMAIL) if "new care job" in m["Subject"]]) == 1
        assert len(alert_calls(telegram)) == 1

        # Stop: the email's link, and the Telegram button.
        stop_link = LINK.search(body.split("Stop these alerts:")[1])
        assert stop_link and httpx.get(stop_link.group(1)).status_code == 200
        assert button(alert, "Stop alerts")["callback_data"] == "r:/stop_alerts"
        tg_press(telegram, USER, alert, "Stop alerts", "stopped your 1 job alert")

        import_feed(rasa_stack, mail, telegram, tmp_path / "feed2.xml", [
            nhs_job(9011, title="Healthcare Support Worker"),
            nhs_job(9012, title="Apprentice Healthcare Support Worker",
                    locations="County Hospital, Stafford, ST16 3SA"),
        ])
        cli(rasa_stack, mail, telegram, "alerts", "send")
        assert len([m for m in mail.mailbox.to(EMAIL) if "new care job" in m["Subject"]]) == 1
        assert len(alert_calls(telegram)) == 1


def button_rows(call: Call) -> list[dict[str, str]]:
    rows = (call.params.get("reply_markup") or {}).get("inline_keyboard", [])
    return [b for row in rows for b in row]
