"""A crashing action answers Rasa without the tracker or the exception's text, and logs neither."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sanic import Sanic

from actions.server import FAILED, build_app, main
from tests.unit.test_security import ASGI_NOTE, _start_lifespan

TOKEN = "test-action-token"
EMAIL = "young.person@example.org"
CALL = {"next_action": "action_that_crashes", "sender_id": "web-1", "version": "3.6.21",
        "tracker": {"sender_id": "web-1", "slots": {"email": EMAIL},
                    "latest_message": {"text": f"my email is {EMAIL}"}, "events": []},
        "domain": {}}


@pytest.fixture
async def actions(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    monkeypatch.setattr(Sanic, "test_mode", True)
    app = build_app(TOKEN, "tests.unit.failing_actions")
    lifespan = await _start_lifespan(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://actions") as client:
        yield client
    lifespan.cancel()


@ASGI_NOTE
async def test_a_crash_answers_500_without_the_tracker_or_the_exception_text(
        actions: httpx.AsyncClient, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    response = await actions.post("/webhook", json=CALL, params={"token": TOKEN})
    assert response.status_code == 500
    assert response.json() == FAILED
    assert EMAIL not in caplog.text
    assert "action action_that_crashes failed with ValueError" in caplog.text
    assert "failing_actions.py" in caplog.text  # where it was raised, for whoever fixes it


def test_the_action_server_will_not_listen_beyond_localhost_on_development_tokens(
        monkeypatch: pytest.MonkeyPatch, tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    from carecareers.settings import get_settings

    monkeypatch.chdir(tmp_path)
    for name in ("RASA_TOKEN", "ACTION_SERVER_TOKEN", "SECRET_KEY", "ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    try:
        assert main(["--host", "0.0.0.0"]) == 2
    finally:
        get_settings.cache_clear()
    assert "would listen on 0.0.0.0" in capsys.readouterr().err
