"""Faults on the replicated stack: what a person sees when a part fails, and that it recovers.

The stack (two Rasa servers on a PostgreSQL tracker store and Redis locks, one action server,
the web app on a PostgreSQL database; PostgreSQL a server of the stack's own, so restarting
it touches no other test) is tests/e2e/test_replicated.py's, shared for the session; each
test leaves it whole again (or the next user restarts what is missing).

- the action server is killed mid-conversation: a kind reply, and the form goes on once
  it is back;
- its PostgreSQL server restarts mid-conversation: no turn lost, on either Rasa server, and no lead
  lost or written twice or half;
- one Rasa server is killed while the other runs: its conversations go on on the other;
- Rasa is down altogether: the web chat answers 503 kindly, /healthz says so, and the
  Telegram bot answers kindly and stays up, and both recover when Rasa is back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carecareers import catalogue
from carecareers.conversation.relay import NO_REPLY, UNAVAILABLE
from carecareers.runtime.processes import free_port, web_spec
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.test_bot_e2e import bot_env, replies_to, start_bot, stop_bot
from tests.e2e.test_replicated import (
    RASA_NAMES,
    ReplicatedStack,
    leads_with_email,
    replicated_stack_for,
    sender_of,
    tracker_events,
    turns_stored,
)
from tests.e2e.test_web_conversation import press, say, text_of

pytestmark = pytest.mark.e2e

NO_REPLY_TEXT = catalogue.text(NO_REPLY)
UNAVAILABLE_TEXT = catalogue.text(UNAVAILABLE)
ACTION_CALL = {"next_action": "action_no_such_action", "sender_id": "x", "tracker": {},
               "domain": {}, "version": "3.6.21"}


@pytest.fixture(scope="module")
def stack(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> ReplicatedStack:
    return replicated_stack_for(request.config, tmp_path_factory)


@pytest.fixture
def web(stack: ReplicatedStack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.web_url, timeout=60) as client:
        yield client


def chat(client: httpx.Client, body: dict[str, str]) -> tuple[int, str]:
    response = client.post("/api/chat", json=body)
    return response.status_code, text_of(response.json().get("messages", []))


def listening_addresses(port: int) -> set[str]:
    """The addresses a local TCP port is listening on (from /proc/net/tcp)."""
    found = set()
    for row in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        local, state = row.split()[1], row.split()[3]
        address, local_port = local.split(":")
        if state == "0A" and int(local_port, 16) == port:
            octets = bytes.fromhex(address)[::-1]
            found.add(".".join(str(b) for b in octets))
    for row in Path("/proc/net/tcp6").read_text().splitlines()[1:]:
        local, state = row.split()[1], row.split()[3]
        if state == "0A" and int(local.split(":")[1], 16) == port:
            found.add("ipv6")
    return found


def test_the_action_server_listens_on_localhost_and_wants_its_token(
        stack: ReplicatedStack) -> None:
    port = stack.specs["actions"].port
    assert listening_addresses(port) == {"127.0.0.1"}
    url = f"http://127.0.0.1:{port}"
    assert httpx.post(f"{url}/webhook", json=ACTION_CALL).status_code == 401
    assert httpx.post(f"{url}/webhook", json=ACTION_CALL,
                      params={"token": "guess"}).status_code == 401
    with_token = httpx.post(f"{url}/webhook", json=ACTION_CALL,
                            params={"token": stack.settings.rasa_token})
    assert with_token.status_code == 404  # past the token check: there is no such action


def test_an_action_server_crash_gets_a_kind_reply_and_the_form_goes_on(
        stack: ReplicatedStack, web: httpx.Client) -> None:
    assert "first name" in text_of(say(web, "can someone contact me"))
    stack.kill("actions")
    try:
        for _ in RASA_NAMES:  # on each Rasa server in turn
            status, reply = chat(web, {"message": "Morgan"})
            assert (status, reply) == (200, NO_REPLY_TEXT)
    finally:
        stack.start("actions")
    assert "old" in text_of(say(web, "Morgan"))  # the form picks up where it was
    method = say(web, "22")
    assert "contact you" in text_of(method)
    press(web, method[-1], "Email")
    say(web, "morgan.crash@example.org")
    interest = say(web, "ST5")
    summary = press(web, interest[-1], "Apprenticeships")
    consent = press(web, summary[-1], "Looks right")
    assert "Thanks Morgan" in text_of(press(web, consent[-1], "Yes, I agree"))
    (lead,) = leads_with_email(stack, "morgan.crash@example.org")
    assert (lead.first_name, lead.age) == ("Morgan", 22) and len(lead.consents) == 1


def test_a_database_restart_mid_conversation_loses_no_turn(
        stack: ReplicatedStack, web: httpx.Client) -> None:
    """Every turn after a PostgreSQL restart is answered and stored, on either Rasa server.

    Rasa's own SQL tracker store does not check its pooled connections, so each Rasa
    server used to lose its first turn afterwards; rasa_plugins.tracker_store pre-pings
    them. Our own processes (web app, action server) reconnect on their next request.
    """
    say(web, "i want to apply")
    say(web, "Avery")
    method = say(web, "30")
    press(web, method[-1], "Email")
    say(web, "avery.restart@example.org")
    interest = say(web, "ST16")
    summary = press(web, interest[-1], "Not sure yet")
    consent = press(web, summary[-1], "Looks right")
    assert "/privacy" in text_of(consent)
    sender = sender_of(stack, web)
    turns_before = turns_stored(tracker_events(stack, sender))

    stack.database.restart()  # the stack's own server (tests/support/pg_server.py)

    assert web.get("/healthz").json()["database"] == "ok"  # the web app reconnects at once
    agree = next(b for b in consent[-1]["buttons"] if b["title"] == "Yes, I agree")
    status, reply = chat(web, {"button": agree["payload"]})  # on one Rasa server ...
    assert status == 200 and "Thanks Avery" in reply, reply
    (lead,) = leads_with_email(stack, "avery.restart@example.org")
    assert lead.first_name == "Avery" and len(lead.consents) == 1
    status, reply = chat(web, {"message": "what is an apprenticeship"})  # ... then the other
    assert status == 200 and reply not in (NO_REPLY_TEXT, UNAVAILABLE_TEXT), reply
    assert turns_stored(tracker_events(stack, sender)) == turns_before + 2


def test_a_rasa_server_killed_while_another_runs(stack: ReplicatedStack,
                                                 web: httpx.Client) -> None:
    info = say(web, "what does a healthcare assistant do")
    say(web, "what qualifications do I need")  # one turn on each server
    stack.kill("rasa-b")
    assert web.get("/healthz").json()["rasa"] == "ok"  # one server is enough
    sender = sender_of(stack, web)
    before = turns_stored(tracker_events(stack, sender))
    pay = say(web, "and how much does that pay")  # whichever server's turn it was, A takes it
    assert "band" in text_of(pay).lower()
    after = press(web, info[0], "What comes next")
    assert text_of(after).startswith("After healthcare assistant")
    for question in ("what is an apprenticeship", "what is the graduate pathway"):
        assert text_of(say(web, question)) not in (NO_REPLY_TEXT, UNAVAILABLE_TEXT)
    assert turns_stored(tracker_events(stack, sender)) == before + 4


@pytest.fixture
def web_b(stack: ReplicatedStack) -> Iterator[httpx.Client]:
    """A second web app whose RASA_URL is Rasa server B alone."""
    port = free_port()
    spec = web_spec(stack.settings.model_copy(update={"web_port": port}))
    stack.add("web-b", dataclasses.replace(spec, name="web-b", env={
        "RASA_URL": stack.rasa_url("rasa-b"), "WEB_PORT": str(port)}))
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            yield client
    finally:
        stack.remove("web-b")


def test_with_rasa_down_the_chat_and_the_bot_answer_kindly_and_recover(
        stack: ReplicatedStack, web_b: httpx.Client, tmp_path: Path) -> None:
    if stack.is_running("rasa-b"):  # still down after the test above, unless run alone
        stack.kill("rasa-b")
    with FakeTelegram() as telegram:
        # the bot talks to the stack's Rasa and databases as the web app does
        bot = start_bot(bot_env(telegram, stack.rasa_url("rasa-b"),
                                RASA_TOKEN=stack.settings.rasa_token,
                                DATABASE_URL=stack.settings.database_url,
                                TRACKER_STORE_URL=stack.settings.tracker_store_url),
                        tmp_path / "bot.log")
        try:
            telegram.wait_for("deleteWebhook", timeout=30)
            response = web_b.post("/api/chat", json={"message": "any jobs near ST4"})
            assert response.status_code == 503 and response.headers["retry-after"]
            assert response.json()["messages"] == [{"text": UNAVAILABLE_TEXT}]
            health = web_b.get("/healthz")
            assert health.status_code == 503 and health.json()["rasa"] == "unavailable"
            mark = telegram.mark()
            telegram.send_text(4242, "what jobs are there in care")
            (sorry,) = replies_to(telegram, 4242, mark)
            assert sorry.params["text"] == UNAVAILABLE_TEXT
            assert bot.poll() is None

            stack.start("rasa-b")

            assert web_b.get("/healthz").json()["rasa"] == "ok"
            status, reply = chat(web_b, {"message": "what jobs are there in care"})
            assert status == 200 and reply not in (NO_REPLY_TEXT, UNAVAILABLE_TEXT)
            mark = telegram.mark()
            telegram.send_text(4242, "what jobs are there in care")
            (answer,) = replies_to(telegram, 4242, mark)
            assert answer.params["text"] != UNAVAILABLE_TEXT
            assert bot.poll() is None
        finally:
            assert stop_bot(bot) == 0, (tmp_path / "bot.log").read_text()
