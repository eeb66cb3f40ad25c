"""The web app's chat API and health check, against a fake Rasa."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from carecareers.campaigns import create_campaign
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import CampaignVisit, Conversation
from carecareers.rasa_client import RasaClient
from tests.conftest import make_settings
from web.app import create_app


class FakeRasa:
    """Records what the web app sends and answers like Rasa's REST channel."""

    def __init__(self) -> None:
        self.requests: list[dict] = []
        self.up = True

    def handler(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("refused")
        if request.url.path == "/status":
            return httpx.Response(200, json={"model_file": "current.tar.gz"})
        body = json.loads(request.content)
        self.requests.append(body)
        return httpx.Response(200, json=[
            {"recipient_id": body["sender"], "text": f"echo: {body['message']}",
             "buttons": [{"title": "Jobs", "payload": "/search_vacancies"}]},
        ])


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa()


@pytest.fixture
def client(tmp_path: Path, fake_rasa: FakeRasa):
    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    rasa = RasaClient("http://rasa.test", "t", transport=httpx.MockTransport(fake_rasa.handler))
    with TestClient(create_app(settings, rasa=rasa)) as test_client:
        yield test_client


def test_chat_forwards_to_rasa_with_a_stable_sender(client: TestClient, fake_rasa: FakeRasa):
    first = client.post("/api/chat", json={"message": "hello"})
    second = client.post("/api/chat", json={"message": "any jobs"})
    assert first.status_code == second.status_code == 200
    assert first.json()["messages"][0]["text"] == "echo: hello"
    assert first.json()["messages"][0]["buttons"][0]["title"] == "Jobs"
    senders = {r["sender"] for r in fake_rasa.requests}
    assert len(senders) == 1 and next(iter(senders)).startswith("web-")
    assert fake_rasa.requests[0]["metadata"] == {"channel": "web", "campaign": None}


def test_a_button_press_sends_the_payload_offered(client: TestClient, fake_rasa: FakeRasa):
    reply = client.post("/api/chat", json={"message": "hello"}).json()
    token = reply["messages"][0]["buttons"][0]["payload"]
    assert token != "/search_vacancies"
    assert client.post("/api/chat", json={"button": token}).status_code == 200
    assert fake_rasa.requests[-1]["message"] == "/search_vacancies"


def test_a_forged_or_foreign_button_is_refused(client: TestClient, fake_rasa: FakeRasa,
                                               tmp_path: Path):
    reply = client.post("/api/chat", json={"message": "hello"}).json()
    token = reply["messages"][0]["buttons"][0]["payload"]
    client.cookies.clear()  # another visitor cannot replay it
    assert client.post("/api/chat", json={"button": token}).status_code == 422
    assert client.post("/api/chat", json={"button": '/register_interest{"age":"9"}'}
                       ).status_code == 422
    assert all(not r["message"].startswith("/register") for r in fake_rasa.requests)


def test_session_cookie_is_httponly_and_lax(client: TestClient):
    response = client.post("/api/chat", json={"message": "hello"})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_a_tampered_cookie_starts_a_new_conversation(client: TestClient, fake_rasa: FakeRasa):
    client.post("/api/chat", json={"message": "hello"})
    tampered = client.cookies.get("cc_chat")[:-2] + "xx"
    client.cookies.clear()
    client.cookies.set("cc_chat", tampered)
    client.post("/api/chat", json={"message": "again"})
    assert fake_rasa.requests[0]["sender"] != fake_rasa.requests[1]["sender"]


def test_campaign_landing_tags_the_conversation(client: TestClient, fake_rasa: FakeRasa):
    factory = session_factory(make_engine(client.app.state.settings.database_url))
    with factory() as session, session.begin():
        create_campaign(session, "FB1", "Food bank", kind="food_bank")
    assert client.get("/c/fb1").status_code == 200
    client.post("/api/chat", json={"message": "hi"})
    assert fake_rasa.requests[-1]["metadata"] == {"channel": "web", "campaign": "FB1"}
    with factory() as session:
        assert len(session.scalars(select(CampaignVisit)).all()) == 1
        conversation = session.scalars(select(Conversation)).one()
        assert conversation.campaign_id is not None


def test_unknown_campaign_still_chats_untagged(client: TestClient, fake_rasa: FakeRasa):
    assert client.get("/c/NOPE").status_code == 200
    client.post("/api/chat", json={"message": "hi"})
    assert fake_rasa.requests[-1]["metadata"]["campaign"] is None


def test_typed_intent_syntax_never_reaches_rasa(client: TestClient, fake_rasa: FakeRasa):
    client.post("/api/chat", json={"message": '/register_interest{"age": "30"}'})
    assert not fake_rasa.requests[-1]["message"].startswith("/")


@pytest.mark.parametrize("body", [
    {"message": "x" * 1001}, {"message": ""}, {"message": 5}, {}, {"msg": "hi"},
    {"message": "hi", "button": "x"}, {"message": "\u0000\u0001"},
])
def test_bad_requests_get_a_clear_422(client: TestClient, fake_rasa: FakeRasa, body: dict):
    response = client.post("/api/chat", json=body)
    assert response.status_code == 422
    assert response.json()["detail"]
    assert fake_rasa.requests == []


def test_malformed_json_gets_422(client: TestClient):
    response = client.post("/api/chat", content=b"{not json",
                           headers={"content-type": "application/json"})
    assert response.status_code == 422


def test_rasa_down_gives_a_kind_503(client: TestClient, fake_rasa: FakeRasa):
    fake_rasa.up = False
    response = client.post("/api/chat", json={"message": "hello"})
    assert response.status_code == 503
    assert "try again" in response.json()["messages"][0]["text"]


def test_healthz_reports_each_part(client: TestClient, fake_rasa: FakeRasa):
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "rasa": "ok"}
    fake_rasa.up = False
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["rasa"] == "unavailable"
    assert response.json()["database"] == "ok"


def test_healthz_reports_a_database_that_does_not_answer(tmp_path: Path, fake_rasa: FakeRasa):
    settings = make_settings(tmp_path, database_url="postgresql+psycopg2://x@127.0.0.1:1/none")
    rasa = RasaClient("http://rasa.test", "t", transport=httpx.MockTransport(fake_rasa.handler))
    with TestClient(create_app(settings, rasa=rasa)) as test_client:
        response = test_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_privacy_notice_is_served_with_its_version(client: TestClient):
    page = client.get("/privacy")
    assert page.status_code == 200
    assert "Information Commissioner" in page.text and "Version" in page.text
