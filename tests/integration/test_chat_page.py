"""The chat page as it arrives: the greeting in its first HTML, forms that work without its
script (POST /chat, POST /embed/chat), its style inline under a CSP hash, and fingerprinted
static files (SQLite, a fake Rasa)."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from carecareers.campaigns.service import create_campaign
from carecareers.campaigns.widget import website_campaign
from carecareers.catalogue import text
from carecareers.conversation.greeting import greeting
from carecareers.conversation.relay import UNAVAILABLE
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import CampaignVisit, Conversation, WidgetCount
from tests.conftest import make_settings
from tests.factories import make_provider
from tests.support.chat_page import drawn
from tests.support.clock import FakeClock, use_fake_clock
from tests.support.fake_rasa import FakeRasa, echo
from web.app import create_app
from web.fingerprints import FOREVER, HASH_DIGITS, SHORT
from web.ratelimit import ChatLimiter, Limit
from web.session import COOKIE_NAME, ButtonSigner, open_session

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
SITE = "https://www.oakwood-care.example"
FORM = "application/x-www-form-urlencoded"
CHAT_PAGES = ["/chat", "/c/FB1", "/embed/chat"]


# -- the app ---------------------------------------------------------------------------------


@dataclass
class Site:
    client: TestClient
    rasa: FakeRasa
    sessions: sessionmaker[Session]
    secret_key: str

    def sender(self) -> str:
        chat = open_session(self.client.cookies[COOKIE_NAME], self.secret_key)
        assert chat is not None
        return chat.sender_id

    def count(self, model: type) -> int:
        with self.sessions() as session:
            return len(session.scalars(select(model)).all())


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    settings = make_settings(tmp_path, public_base_url="https://jobs.example.org")
    upgrade(settings.database_url)
    sessions = session_factory(make_engine(settings.database_url))
    with sessions() as session, session.begin():
        create_campaign(session, "FB1", "Food bank", kind="food_bank")
    rasa = FakeRasa(echo)
    with TestClient(create_app(settings, rasa=rasa.client())) as client:
        yield Site(client, rasa, sessions, settings.secret_key)


def post_form(site: Site, fields: dict[str, str], path: str = "/chat") -> httpx.Response:
    """Post as a browser posts a form (even an empty one says what it is)."""
    return site.client.post(path, content=urlencode(fields).encode(),
                            headers={"content-type": FORM})


# -- the greeting, in the first HTML ---------------------------------------------------------


@pytest.mark.parametrize("path", CHAT_PAGES)
def test_the_page_arrives_with_the_greeting_and_its_sealed_buttons(site: Site,
                                                                   path: str) -> None:
    page = site.client.get(path, headers={"Referer": f"{SITE}/"})
    assert page.status_code == 200
    shown = drawn(page)
    words = greeting()
    assert shown.said == [("bot", words.text)]
    assert [b["title"] for b in shown.buttons] == [b["title"] for b in words.buttons]
    token = shown.chat.get("data-session") or page.cookies[COOKIE_NAME]
    chat = open_session(token, site.secret_key)
    assert chat is not None
    signer = ButtonSigner(site.secret_key, chat.sender_id, chat.turn)
    for button, offered in zip(shown.buttons, words.buttons, strict=True):
        assert button["name"] == "button" and button["value"] != offered["payload"]
        assert signer.open(button["value"]) == offered["payload"]  # sealed for this session
        assert button["action"] == ("/embed/chat" if path == "/embed/chat" else "/chat")
    # the script gets the same entry, to keep in its transcript
    assert shown.chat["data-shown"] == "greeting"
    assert shown.entries == [{"from": "bot", "text": words.text, "custom": None,
                              "buttons": [{"title": b["title"], "payload": b["value"]}
                                          for b in shown.buttons]}]
    assert site.rasa.requests == []  # nothing asked of Rasa to show it


def test_a_page_load_counts_a_visit_but_no_conversation_and_asks_rasa_nothing(
        site: Site) -> None:
    with site.sessions() as session, session.begin():
        oakwood = make_provider(session, "oakwood", "Oakwood Care")
        code = website_campaign(session, oakwood, "Oakwood website").code
    for path in ("/c/FB1", "/c/FB1", "/chat", f"/embed/chat?c={code}"):
        assert site.client.get(path, headers={"Referer": f"{SITE}/"}).status_code == 200
    assert site.rasa.requests == []
    assert site.count(CampaignVisit) == 2  # FB1 once (a reload is not another), the widget's
    assert site.count(Conversation) == 0
    with site.sessions() as session:
        counted = session.scalars(select(WidgetCount)).one()
        assert (counted.chats_opened, counted.chats_started) == (1, 0)


@pytest.mark.parametrize("how", ["form", "script"])
def test_a_greeting_button_works_from_the_form_and_from_the_script(site: Site,
                                                                   how: str) -> None:
    shown = drawn(site.client.get("/c/FB1"))
    jobs = next(b for b in shown.buttons if b["title"] == "Jobs near me")
    if how == "form":
        answer = post_form(site, {"button": jobs["value"]})
        assert answer.status_code == 200
        assert drawn(answer).said[:2] == [("user", "Jobs near me"),
                                          ("bot", "echo: /search_vacancies")]
    else:
        answer = site.client.post("/api/chat", json={"button": jobs["value"]})
        assert answer.status_code == 200
    assert site.rasa.requests[-1]["message"] == "/search_vacancies"
    assert site.rasa.requests[-1]["metadata"] == {"channel": "web", "campaign": "FB1"}
    assert site.count(Conversation) == 1


# -- the form, without the script ------------------------------------------------------------


def test_a_typed_message_posted_by_the_form_gets_the_page_with_the_turn(site: Site) -> None:
    site.client.get("/c/FB1")
    sender = site.sender()
    answer = post_form(site, {"message": "any jobs near ST4"})
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "no-store"
    shown = drawn(answer)
    assert shown.said == [("user", "any jobs near ST4"), ("bot", "echo: any jobs near ST4")]
    assert shown.chat["data-shown"] == "turn"
    assert [e["from"] for e in shown.entries] == ["user", "bot"]
    # the reply's buttons are form buttons, sealed for the next turn of the same session
    (jobs,) = shown.buttons
    assert (jobs["title"], jobs["name"], jobs["action"]) == ("Jobs", "button", "/chat")
    assert site.sender() == sender
    assert site.rasa.requests[-1] == {"sender": sender, "message": "any jobs near ST4",
                                      "metadata": {"channel": "web", "campaign": "FB1"}}
    assert post_form(site, {"button": jobs["value"]}).status_code == 200
    assert site.rasa.messages == ["any jobs near ST4", "/search_vacancies"]
    with site.sessions() as session:
        assert session.scalars(select(Conversation.message_count)).one() == 2


def test_job_cards_and_links_are_drawn_by_the_server_as_the_script_draws_them(
        site: Site) -> None:
    site.rasa.replies = [
        {"text": "<b>Two</b> jobs:"},
        {"custom": {"type": "vacancy", "title": "Care <i>assistant</i>", "employer": "Oak House",
                    "place": "Hanley", "distance_miles": 1.24, "salary": "£12.60 an hour",
                    "closing_date": "1 June 2025", "apply_url": "https://jobs.example.org/a/1",
                    "attribution": "Source: Example jobs"}},
        {"custom": {"type": "vacancy", "title": "Night carer", "distance_miles": 1.0,
                    "apply_url": "javascript:alert(1)"}},
        {"text": "More?", "buttons": [{"title": "NHS Jobs", "payload": "https://www.jobs.nhs.uk/"},
                                      {"title": "Wider", "payload": "/widen_search"}]}]
    answer = post_form(site, {"message": "jobs"})
    shown = drawn(answer)
    assert "<i>" not in answer.text.split('<section id="log"')[1].split("</section>")[0]
    assert shown.said == [("user", "jobs"), ("bot", "<b>Two</b> jobs:"), ("bot", "More?")]
    assert shown.cards == [
        "Care <i>assistant</i> | Oak House, Hanley | 1.2 miles away | Pay: £12.60 an hour | "
        "Closing date: 1 June 2025 | Apply |  for Care <i>assistant</i> (opens a new tab) | "
        "Source: Example jobs",
        "Night carer | 1 mile away"]  # a javascript: link is dropped
    assert shown.links == ["https://jobs.example.org/a/1", "https://www.jobs.nhs.uk/"]
    assert [b["title"] for b in shown.buttons] == ["Wider"]


@pytest.mark.parametrize(("fields", "status", "says"), [
    ({"message": ""}, 422, "empty"),
    ({"message": "   "}, 422, "empty"),
    ({"message": "x" * 1001}, 422, "1000 characters"),
    ({"message": "hi", "button": "x"}, 422, "one of"),
    ({"button": "forged"}, 422, "expired"),
    ({}, 422, "one of"),
    ({"msg": "hi"}, 422, "check msg"),
    ({"message": "x" * (17 * 1024)}, 413, "too long"),
])
def test_a_form_post_that_cannot_be_taken_gets_the_page_saying_why(
        site: Site, fields: dict[str, str], status: int, says: str) -> None:
    site.client.get("/chat")
    answer = post_form(site, fields)
    assert answer.status_code == status
    shown = drawn(answer)
    assert says in shown.status
    assert shown.said == [("bot", greeting().text)]  # the page stays usable: greeting, box
    if status == 422 and fields.get("message", "").strip() and "button" not in fields:
        assert shown.draft == fields["message"]  # what was typed stays, to be put right
    assert site.rasa.requests == []


def test_the_same_message_twice_in_one_post_is_refused(site: Site) -> None:
    answer = site.client.post("/chat", content=b"message=a&message=b",
                              headers={"content-type": FORM})
    assert answer.status_code == 422 and "one of" in drawn(answer).status
    assert site.rasa.requests == []


def test_an_expired_button_is_refused_with_the_page(site: Site,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import itsdangerous.timed

    button = drawn(site.client.get("/chat")).buttons[0]["value"]
    later = itsdangerous.timed.time.time() + 2 * 60 * 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    answer = post_form(site, {"button": button})
    assert answer.status_code == 422 and "expired" in drawn(answer).status
    assert site.rasa.requests == []


def test_anything_but_a_form_is_refused_with_415(site: Site) -> None:
    answer = site.client.post("/chat", json={"message": "hi"})
    assert answer.status_code == 415
    assert drawn(answer).status == text("web.chat_api.not_form")


def test_rasa_down_gets_the_page_with_a_503_and_the_message_kept(site: Site) -> None:
    site.rasa.up = False
    answer = post_form(site, {"message": "hello"})
    assert answer.status_code == 503 and answer.headers["retry-after"] == "30"
    shown = drawn(answer)
    assert shown.status == text(UNAVAILABLE) and shown.draft == "hello"


def test_the_form_shares_the_chats_limits(site: Site,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    clock: FakeClock = use_fake_clock(monkeypatch)
    site.client.app.state.chat_limiter = ChatLimiter(  # type: ignore[attr-defined]
        Limit(2, 60), Limit(100, 60), clock=clock)
    assert site.client.post("/api/chat", json={"message": "one"}).status_code == 200
    assert post_form(site, {"message": "two"}).status_code == 200
    refused = post_form(site, {"message": "three"})
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert "60 seconds" in drawn(refused).status
    assert site.rasa.messages == ["one", "two"]


def test_a_form_posted_from_another_website_starts_a_new_conversation(site: Site) -> None:
    """The session cookie is SameSite=Lax: a browser sends no cookie with a cross-site POST,
    so a form on another website that posts here reaches a new, empty conversation."""
    post_form(site, {"message": "my own conversation"})
    mine = site.sender()
    cookie = site.client.cookies[COOKIE_NAME]
    assert "samesite=lax" in site.client.post("/chat", data={"message": "again"}).headers[
        "set-cookie"].lower()
    site.client.cookies.clear()  # what the browser sends cross-site: no cookie at all
    answer = site.client.post("/chat", data={"message": "from elsewhere"},
                              headers={"Origin": "https://evil.example",
                                       "Sec-Fetch-Site": "cross-site"})
    assert answer.status_code == 200
    assert drawn(answer).said == [("user", "from elsewhere"), ("bot", "echo: from elsewhere")]
    assert site.sender() != mine
    elsewhere = site.sender()
    site.client.cookies.clear()
    site.client.cookies.set(COOKIE_NAME, cookie)
    post_form(site, {"message": "back on the page"})  # this browser's own conversation goes on
    senders = [r["sender"] for r in site.rasa.requests]
    assert senders == [mine, mine, elsewhere, mine]


def test_the_chat_in_the_frame_posts_its_session_in_a_hidden_field(site: Site) -> None:
    with site.sessions() as session, session.begin():
        oakwood = make_provider(session, "oakwood", "Oakwood Care")
        code = website_campaign(session, oakwood, "Oakwood website").code
    page = site.client.get(f"/embed/chat?c={code}", headers={"Referer": f"{SITE}/"})
    shown = drawn(page)
    assert shown.composer["action"] == "/embed/chat" and shown.composer["target"] == "_self"
    token = shown.hidden["session"]
    assert token == shown.chat["data-session"]
    sender = open_session(token, site.secret_key).sender_id  # type: ignore[union-attr]
    for said in ("hello", "what does a care worker do"):
        answer = post_form(site, {"message": said, "session": token}, "/embed/chat")
        assert answer.status_code == 200, answer.text
        assert "set-cookie" not in answer.headers and not site.client.cookies
        assert "frame-ancestors *" in answer.headers["content-security-policy"]
        assert "x-frame-options" not in answer.headers
        shown = drawn(answer)
        assert shown.said[0] == ("user", said)
        assert {b["action"] for b in shown.buttons} == {"/embed/chat"}
        token = shown.hidden["session"]
    assert {r["sender"] for r in site.rasa.requests} == {sender}
    assert site.rasa.requests[-1]["metadata"] == {"channel": "web", "campaign": code}
    with site.sessions() as session:
        counted = session.scalars(select(WidgetCount)).one()
        assert (counted.site, counted.chats_opened, counted.chats_started) == (SITE, 1, 1)
    # a forged session starts a new, untagged conversation; no session field for our own page
    answer = post_form(site, {"message": "hi", "session": "forged"}, "/embed/chat")
    assert answer.status_code == 200 and site.rasa.requests[-1]["sender"] != sender
    assert post_form(site, {"message": "hi", "session": token}).status_code == 422


# -- nothing else before the first paint -----------------------------------------------------


@pytest.mark.parametrize("path", CHAT_PAGES)
def test_the_chat_pages_inline_their_style_allowed_by_its_hash(site: Site, path: str) -> None:
    page = site.client.get(path)
    (style,) = drawn(page).styles
    assert style == (STATIC / "site.css").read_text(encoding="utf-8")
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    policy = page.headers["content-security-policy"]
    assert f"style-src 'self' 'sha256-{digest}';" in policy
    assert "unsafe-inline" not in policy
    assert not re.search(r'<link rel="stylesheet"', page.text)
    other = site.client.get("/privacy")  # other pages keep the link, and the plain policy
    assert re.search(r'<link rel="stylesheet" href="/static/site\.[0-9a-f]{10}\.css">',
                     other.text)
    assert "sha256" not in other.headers["content-security-policy"]


def test_static_files_have_fingerprinted_names_cached_for_a_year(site: Site) -> None:
    page = site.client.get("/chat").text
    found = re.search(r'<script src="(/static/chat\.([0-9a-f]+)\.js)" defer></script>', page)
    assert found
    body = (STATIC / "chat.js").read_bytes()
    assert found.group(2) == hashlib.sha256(body).hexdigest()[:HASH_DIGITS]
    script = site.client.get(found.group(1))
    assert script.status_code == 200 and script.content == body
    assert script.headers["cache-control"] == FOREVER == "public, max-age=31536000, immutable"
    assert script.headers["content-type"].startswith(("text/javascript", "application/javascript"))
    plain = site.client.get("/static/chat.js")  # the widget and old pages link this name
    assert plain.status_code == 200 and plain.content == body
    assert plain.headers["cache-control"] == SHORT
    assert site.client.get("/static/chat.0000000000.js").status_code == 404  # not its hash
    favicon = re.search(r'href="(/static/favicon\.[0-9a-f]{10}\.svg)"', page)
    assert favicon and site.client.get(favicon.group(1)).headers["cache-control"] == FOREVER


def test_the_dashboard_links_its_files_by_fingerprint_too(site: Site) -> None:
    login = site.client.get("/advisers/login").text
    for name in ("dashboard.css", "dashboard.js"):
        stem, suffix = name.split(".")
        link = re.search(rf'"(/static/{stem}\.[0-9a-f]{{10}}\.{suffix})"', login)
        assert link, name
        assert site.client.get(link.group(1)).headers["cache-control"] == FOREVER
