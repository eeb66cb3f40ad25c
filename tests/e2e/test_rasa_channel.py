"""The real Rasa server serves only our token-checked channel, and keeps its token off `ps`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from carecareers.conversation.rasa_client import CHANNEL_TOKEN_HEADER, WEBHOOK_PATH, RasaClient
from tests.e2e.conftest import Stack

pytestmark = pytest.mark.e2e


def tracker_events(stack: Stack, sender: str) -> list[dict]:
    response = httpx.get(f"{stack.rasa_url}/conversations/{sender}/tracker",
                         params={"token": stack.settings.rasa_token}, timeout=30)
    assert response.status_code == 200, response.text
    return response.json()["events"]


def test_rasa_has_no_token_on_its_command_line(rasa_stack: Stack) -> None:
    pid = rasa_stack.processes["rasa"].popen.pid
    command_line = Path(f"/proc/{pid}/cmdline").read_bytes().decode()
    assert "rasa_plugins.serve" in command_line
    assert rasa_stack.settings.rasa_token not in command_line
    assert "--auth-token" not in command_line


def test_rasas_own_open_rest_channel_is_not_served(rasa_stack: Stack) -> None:
    response = httpx.post(f"{rasa_stack.rasa_url}/webhooks/rest/webhook",
                          json={"sender": "x", "message": "hi"}, timeout=30)
    assert response.status_code == 404


async def test_an_outsider_cannot_confirm_someone_elses_erasure(rasa_stack: Stack) -> None:
    victim = "web-e2e-victim-0001"
    client = RasaClient(rasa_stack.rasa_url, rasa_stack.settings.rasa_token, timeout=60)
    try:
        replies = await client.send(victim, "hello", {"channel": "web"})
    finally:
        await client.aclose()
    assert replies, "the token-holding client gets Rasa's answer"
    before = tracker_events(rasa_stack, victim)
    for headers in ({}, {CHANNEL_TOKEN_HEADER: "wrong"}, {CHANNEL_TOKEN_HEADER: ""}):
        refused = httpx.post(rasa_stack.rasa_url + WEBHOOK_PATH, headers=headers, timeout=30,
                             json={"sender": victim, "message": "/confirm_delete_my_data"})
        assert refused.status_code == 401
    assert tracker_events(rasa_stack, victim) == before  # nothing happened to the conversation


def test_the_web_chat_still_talks_to_rasa_through_the_channel(rasa_stack: Stack) -> None:
    with httpx.Client(base_url=rasa_stack.web_url, timeout=60) as web:
        response = web.post("/api/chat", json={"message": "what jobs are there in care"})
    assert response.status_code == 200
    assert any(m["text"] for m in response.json()["messages"])
