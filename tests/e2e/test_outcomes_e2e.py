"""Nobody left hanging, end to end: outcomes recorded on the dashboard, people asking where
their details stand, the notices arriving once, an overdue lead told once, nothing after
erasure.

The real stack (Rasa with the trained model, the action server, the web app), the real bot
against the fake Bot API, a real SMTP server, and the real CLI (`carecareers alerts send`
delivers the outbox, `carecareers leads overdue` finds who waited too long).
"""

# The fixtures are imported, so naming them as arguments "redefines" them:
# ruff: noqa: F811

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from carecareers.clock import as_utc, uk_date
from carecareers.models import Lead, LeadRoute, OutboxMessage, Provider
from carecareers.models.base import utcnow
from tests.e2e.conftest import Stack
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.test_adviser_threads_e2e import database
from tests.e2e.test_bot_real_rasa import press as tg_press
from tests.e2e.test_bot_real_rasa import real_bot_env, running_bot, sender_of
from tests.e2e.test_bot_real_rasa import say as tg_say
from tests.e2e.test_web_conversation import press, say, text_of
from tests.factories import PASSWORD, make_adviser, make_lead
from tests.mail_server import MailServer

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / ".venv" / "bin" / "carecareers"
USER = 3951
EMAIL = "kai.outcomes@example.org"
LATE = "late.outcomes@example.org"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


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
           "TELEGRAM_BOT_TOKEN": telegram.token, "TELEGRAM_API_BASE_URL": telegram.base_url}
    result = subprocess.run([str(CLI), *args], cwd=ROOT, env=env, capture_output=True,
                            text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def dashboard_client(stack: Stack, email: str) -> httpx.Client:
    """A browser-like client logged into the dashboard as `email`."""
    client = httpx.Client(base_url=stack.web_url, timeout=60)
    page = client.get("/advisers/login").text
    answer = client.post("/advisers/login", data={
        "email": email, "password": PASSWORD, "csrf_token": CSRF.search(page).group(1),
        "next": "/advisers/leads"})
    assert answer.status_code in (200, 303), answer.text
    return client


def record(client: httpx.Client, lead_id: int, **form: str) -> httpx.Response:
    page = client.get(f"/advisers/leads/{lead_id}").text
    token = CSRF.search(page)
    assert token, page[:500]
    return client.post(f"/advisers/leads/{lead_id}/outcome",
                       data={"csrf_token": token.group(1), **form})


def lead_by(stack: Stack, **where: str) -> tuple[int, list[int]]:
    """The lead's id and the providers it was passed to."""
    with database(stack) as session:
        lead = session.scalars(select(Lead).filter_by(**where)).one()
        providers = list(session.scalars(select(LeadRoute.provider_id)
                                         .where(LeadRoute.lead_id == lead.id)
                                         .order_by(LeadRoute.provider_id)))
        return lead.id, providers


def outcome_mail(mail: MailServer, address: str) -> list[str]:
    return [m.get_content() for m in mail.mailbox.to(address)]


def outcome_chats(telegram: FakeTelegram) -> list[str]:
    return [str(c.params["text"]) for c in telegram.calls_to("sendMessage")
            if int(c.params["chat_id"]) == USER and "picked up your details" in
            str(c.params.get("text"))]


def leave_details_on_the_web(web: httpx.Client) -> None:
    say(web, "can a care company get in touch with me")
    say(web, "Kai")
    method = say(web, "19")
    press(web, method[-1], "Email")
    say(web, EMAIL)
    interest = say(web, "ST4 6QG")
    summary = press(web, interest[-1], "Apprenticeships")
    consent = press(web, summary[-1], "Looks right")
    assert "Thanks Kai" in text_of(press(web, consent[-1], "Yes, I agree"))


def leave_details_on_telegram(telegram: FakeTelegram) -> None:
    tg_say(telegram, USER, "can someone contact me", "first name")
    tg_say(telegram, USER, "Jordan", "old")
    method = tg_say(telegram, USER, "18", "contact you")
    tg_press(telegram, USER, method, "Telegram", "Telegram username")
    tg_say(telegram, USER, "@jordan_outcomes", "postcode")
    interest = tg_say(telegram, USER, "ST4 6QG", "interested in")
    summary = tg_press(telegram, USER, interest, "Apprenticeships", "Here's what I have")
    consent = tg_press(telegram, USER, summary, "Looks right", "/privacy")
    tg_press(telegram, USER, consent, "Yes, I agree", "Thanks Jordan")


def test_outcomes_are_recorded_asked_about_told_once_and_erased(
        rasa_stack: Stack, mail: MailServer, telegram: FakeTelegram, tmp_path: Path) -> None:
    web = httpx.Client(base_url=rasa_stack.web_url, timeout=90)
    before = say(web, "did anyone get my details")
    assert "can't find any details" in text_of(before)
    leave_details_on_the_web(web)
    waiting = text_of(say(web, "what's happening with my application"))
    assert "hasn't been in touch yet" in waiting, waiting
    web_lead, web_providers = lead_by(rasa_stack, email=EMAIL)
    assert web_providers, "the demo providers cover ST4"

    env = real_bot_env(rasa_stack, telegram, rasa_stack.rasa_url)
    with running_bot(env, telegram, tmp_path / "bot.log"):
        leave_details_on_telegram(telegram)
        tg_lead, tg_providers = lead_by(rasa_stack, sender_id=sender_of(rasa_stack, USER))

        # A recruiter of the web lead's provider records contact, then ends it; staff record
        # contact for the Telegram lead.
        with database(rasa_stack) as session, session.begin():
            provider = session.get(Provider, web_providers[0])
            make_adviser(session, "ola@provider.example.org", role="provider",
                         provider=provider)
            make_adviser(session, "sam@programme.example.org")
            provider_name = provider.name
        today = uk_date(utcnow()).isoformat()
        recruiter = dashboard_client(rasa_stack, "ola@provider.example.org")
        assert record(recruiter, web_lead, outcome="contacted", on=today).status_code == 303
        refused = record(recruiter, web_lead, outcome="not_taken_forward", on=today)
        assert refused.status_code == 400 and "Choose why" in refused.text
        assert record(recruiter, web_lead, outcome="not_taken_forward", on=today,
                      reason="no_vacancy").status_code == 303
        staff = dashboard_client(rasa_stack, "sam@programme.example.org")
        assert record(staff, tg_lead, outcome="contacted", on=today,
                      provider=str(tg_providers[0])).status_code == 303

        # Each asks where it stands, in their own words.
        answer = text_of(say(web, "has anyone looked at it"))
        assert f"{provider_name}: isn't taking it further" in answer, answer
        assert "vacancy" not in answer.lower()  # never the private reason
        tg_say(telegram, USER, "did my details get to anyone", "got in touch with you on")

        # The notices go out once: one today, the closing one waits for tomorrow.
        cli(rasa_stack, mail, telegram, "alerts", "send")
        cli(rasa_stack, mail, telegram, "alerts", "send")
        [taken_up] = outcome_mail(mail, EMAIL)
        assert "picked up your details" in taken_up
        assert len(outcome_chats(telegram)) == 1
        with database(rasa_stack) as session:
            [closing] = session.scalars(select(OutboxMessage).where(
                OutboxMessage.address == EMAIL, OutboxMessage.status == "pending")).all()
            assert closing.kind == "outcome_not_taken_forward"
            assert as_utc(closing.next_attempt_at) > utcnow()

    # Someone nobody contacted: flagged, and told once.
    with database(rasa_stack) as session, session.begin():
        oak = session.get(Provider, web_providers[0])
        long_ago = utcnow() - timedelta(days=30)
        late = make_lead(session, "Lou", providers=(oak,), contact_method="email", phone=None,
                         email=LATE, created_at=long_ago, sender_id="web-late-outcomes")
        for route in session.scalars(select(LeadRoute).where(LeadRoute.lead_id == late.id)):
            route.routed_at = long_ago
        late_id = late.id
    cli(rasa_stack, mail, telegram, "leads", "overdue")
    cli(rasa_stack, mail, telegram, "leads", "overdue")
    cli(rasa_stack, mail, telegram, "alerts", "send")
    [told] = outcome_mail(mail, LATE)
    assert "hasn't been in touch yet" in told and "National Careers Service" in told
    follow_up = staff.get("/advisers/follow-up").text
    assert f'href="/advisers/leads/{late_id}"' in follow_up

    # Erasure: the closing notice waiting for tomorrow goes with the rest.
    confirm = say(web, "delete my details")
    assert "deleted" in text_of(press(web, confirm[-1], "Yes, delete"))
    with database(rasa_stack) as session:
        assert session.scalars(select(OutboxMessage).where(
            OutboxMessage.address == EMAIL)).all() == []
    cli(rasa_stack, mail, telegram, "alerts", "send")
    assert len(outcome_mail(mail, EMAIL)) == 1
    assert len(outcome_mail(mail, LATE)) == 1
    for client in (web, recruiter, staff):
        client.close()
