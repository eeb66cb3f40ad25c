"""rasa_plugins.channel in Rasa's own environment: no token, no conversation."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from carecareers.conversation.rasa_client import (
    CHANNEL_TOKEN_HEADER,
    WEBHOOK_PATH,
    RasaClient,
)
from carecareers.runtime.processes import RASA_PYTHON, RASA_QUIET_ENV, free_port
from carecareers.settings import PROJECT_ROOT

TOKEN = "test-channel-token-0123456789abcdef"
HERE = Path(__file__).resolve().parent


class ChannelServer:
    def __init__(self, url: str, record: Path, log: Path) -> None:
        self.url, self.record, self.log = url, record, log

    def received(self) -> list[dict]:
        if not self.record.exists():
            return []
        return [json.loads(line) for line in self.record.read_text().splitlines()]


@pytest.fixture(scope="module")
def channel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChannelServer]:
    if not RASA_PYTHON.exists():
        pytest.fail(f"Rasa is not installed at {RASA_PYTHON}: run `make setup`")
    root = tmp_path_factory.mktemp("channel")
    port, record, log = free_port(), root / "received.jsonl", root / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603
            [str(RASA_PYTHON), str(HERE / "channel_app.py"), str(port), TOKEN, str(record)],
            cwd=PROJECT_ROOT, env=RASA_QUIET_ENV, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, url, log)
        yield ChannelServer(url, record, log)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the channel server exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/ready", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    pytest.fail(f"the channel server did not start:\n{log.read_text()[-3000:]}")


def post(server: ChannelServer, body: object, token: str | None) -> httpx.Response:
    headers = {CHANNEL_TOKEN_HEADER: token} if token is not None else {}
    return httpx.post(server.url + WEBHOOK_PATH, json=body, headers=headers, timeout=10)


@pytest.mark.parametrize("token", [None, "", "wrong-token", TOKEN[:-1], TOKEN + "x"])
def test_a_message_without_the_right_token_is_refused_and_never_reaches_rasa(
        channel: ChannelServer, token: str | None) -> None:
    sender = f"victim-{token!r}"
    response = post(channel, {"sender": sender, "message": "/confirm_delete_my_data"}, token)
    assert response.status_code == 401
    assert "/confirm_delete_my_data" not in response.text
    assert all(m["sender"] != sender for m in channel.received())


def test_the_token_rides_in_a_header_not_the_query(channel: ChannelServer) -> None:
    response = httpx.post(channel.url + WEBHOOK_PATH, params={"token": TOKEN},
                          json={"sender": "query-token", "message": "hi"})
    assert response.status_code == 401


def test_with_the_token_it_answers_as_the_rest_channel_with_metadata_passed_on(
        channel: ChannelServer) -> None:
    body = {"sender": "web-abc", "message": "hello",
            "metadata": {"channel": "web", "campaign": "DEMO-FOODBANK"}}
    response = post(channel, body, TOKEN)
    assert response.status_code == 200
    assert response.json() == [{"recipient_id": "web-abc", "text": "echo: hello",
                                "buttons": [{"title": "Yes", "payload": "/affirm"}]}]
    seen = [m for m in channel.received() if m["sender"] == "web-abc"]
    assert seen == [{"sender": "web-abc", "text": "hello", "input_channel": "carecareers",
                     "metadata": {"channel": "web", "campaign": "DEMO-FOODBANK"}}]


@pytest.mark.parametrize("body", [["a list"], {"message": "no sender"},
                                  {"sender": "s", "message": 5},
                                  {"sender": "s", "message": "m", "metadata": "x"}])
def test_a_malformed_body_gets_400(channel: ChannelServer, body: object) -> None:
    assert post(channel, body, TOKEN).status_code == 400


def test_a_failing_turn_answers_an_empty_list_and_logs_no_text(channel: ChannelServer) -> None:
    response = post(channel, {"sender": "fails", "message": "boom-secret@example.org"}, TOKEN)
    assert response.status_code == 200
    assert response.json() == []
    log = channel.log.read_text()
    assert "a message failed in the carecareers channel" in log
    assert "boom-secret" not in log


async def test_our_client_reaches_the_channel_with_its_token(channel: ChannelServer) -> None:
    client = RasaClient(channel.url, TOKEN)
    try:
        replies = await client.send("bot-42", "hi there", {"channel": "telegram"})
    finally:
        await client.aclose()
    assert [r.text for r in replies] == ["echo: hi there"]
    assert replies[0].buttons == [{"title": "Yes", "payload": "/affirm"}]


def test_a_channel_without_a_token_refuses_to_start() -> None:
    result = subprocess.run(  # noqa: S603
        [str(RASA_PYTHON), "-c",
         "import sys; sys.path.insert(0, '.');"
         "from rasa_plugins.channel import TokenRestInput as T;"
         "T.from_credentials({'token': ''})"],
        cwd=PROJECT_ROOT, env=RASA_QUIET_ENV, capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "needs a token" in result.stderr
