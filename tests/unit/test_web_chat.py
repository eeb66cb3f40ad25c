"""The web app's chat API and health check, against a fake Rasa."""

from __future__ import annotations

import html
import re
import secrets
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from carecareers.campaigns.service import create_campaign
from carecareers.catalogue import text
from carecareers.conversation.greeting import greeting
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import CampaignVisit, Conversation
from tests.conftest import make_settings
from tests.support.clock import FakeClock, use_fake_clock
from tests.support.fake_rasa import FakeRasa, echo
from tests.support.redis_server import redis_or_fail
from web.app import create_app
from web.ratelimit import BOOKINGS_PER_ADDRESS as BOOKINGS
from web.ratelimit import ChatLimiter, Limit
from web.routes import chat as chat_routes

BOOKINGS_PER_ADDRESS = BOOKINGS.requests  # places one address may book in a day


@pytest.fixture
def fake_rasa() -> FakeRasa:
    return FakeRasa(echo)


def make_client(tmp_path: Path, fake_rasa: FakeRasa, **settings_overrides: object) -> TestClient:
    settings = make_settings(tmp_path, **settings_overrides)
    upgrade(settings.database_url)
    rasa = fake_rasa.client()
    return TestClient(create_app(settings, rasa=rasa))


@pytest.fixture
def client(tmp_path: Path, fake_rasa: FakeRasa):
    with make_client(tmp_path, fake_rasa) as test_client:
        yield test_client


def test_chat_forwards_to_rasa_with_a_stable_sender(client: TestClient, fake_rasa: FakeRasa):
    first = client.post("/api/chat", json={"message": "hello"})
    second = client.post("/api/chat", json={"message": "any jobs"})
    assert first.status_code == second.status_code == 200
    assert first.json()["messages"][0]["text"] == "echo: hello"
    assert first.json()["messages"][0]["buttons"][0]["title"] == "Jobs"
    senders = {r["sender"] for r in fake_rasa.requests}
    assert len(senders) == 1 and next(iter(senders)).startswith("web-")
    assert fake_rasa.requests[0]["metadata"] == {"channel": "web"}  # untagged: no campaign key


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


def test_a_question_button_answers_only_the_turn_that_offered_it(client: TestClient,
                                                                 fake_rasa: FakeRasa):
    fake_rasa.replies = [{"text": "Is that right?", "buttons": [
        {"title": "Looks right", "payload": '/inform{"form_answer":"looks right"}'},
        {"title": "Jobs", "payload": "/search_vacancies"}]}]
    offered = client.post("/api/chat", json={"message": "hello"}).json()["messages"][0]
    looks_right, jobs = (b["payload"] for b in offered["buttons"])
    assert client.post("/api/chat", json={"button": looks_right}).status_code == 200
    # Rasa has moved on (say, to the consent question): the old answer cannot answer it
    assert client.post("/api/chat", json={"button": looks_right}).status_code == 422
    # a button that only asks something stays usable
    assert client.post("/api/chat", json={"button": jobs}).status_code == 200
    sent = [r["message"] for r in fake_rasa.requests]
    assert sent == ["hello", '/inform{"form_answer":"looks right"}', "/search_vacancies"]


def test_a_question_button_can_be_tapped_again_when_rasa_said_nothing(client: TestClient,
                                                                      fake_rasa: FakeRasa):
    fake_rasa.replies = [{"text": "Agree?", "buttons": [
        {"title": "Yes, I agree", "payload": '/inform{"consent_answer":"given"}'}]}]
    agree = client.post("/api/chat", json={"message": "hello"}).json()["messages"][0][
        "buttons"][0]["payload"]
    fake_rasa.replies = []  # the turn was lost inside Rasa: the question is still open
    assert client.post("/api/chat", json={"button": agree}).status_code == 200
    fake_rasa.replies = [{"text": "Thanks!"}]
    assert client.post("/api/chat", json={"button": agree}).json()["messages"][0]["text"] == \
        "Thanks!"


def test_buttons_expire(client: TestClient, fake_rasa: FakeRasa, monkeypatch):
    import itsdangerous.timed

    token = client.post("/api/chat", json={"message": "hello"}).json()["messages"][0][
        "buttons"][0]["payload"]
    later = itsdangerous.timed.time.time() + 2 * 60 * 60
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: later)
    response = client.post("/api/chat", json={"button": token})
    assert response.status_code == 422 and "expired" in response.json()["detail"]


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
    assert "campaign" not in fake_rasa.requests[-1]["metadata"]


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
    rasa = fake_rasa.client()
    with TestClient(create_app(settings, rasa=rasa)) as test_client:
        response = test_client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"


def test_privacy_notice_is_served_with_its_version(client: TestClient):
    page = client.get("/privacy")
    assert page.status_code == 200
    assert "Information Commissioner" in page.text and "Version" in page.text


def test_the_privacy_notice_promises_the_periods_the_retention_jobs_enforce(
        tmp_path: Path, fake_rasa: FakeRasa):
    with make_client(tmp_path, fake_rasa, lead_retention_days=180, tracker_retention_days=14,
                     alert_retention_days=90, event_booking_retention_days=21) as client:
        page = client.get("/privacy").text
    assert "after 6 months with" in page and "14 days after your last message" in page
    assert "keep it for 21 days after the day" in page
    assert "for 3 months" in page and "{" not in page.split("<main", 1)[1]


# --- The chat API's limits -------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    """A clock for the limiter and for `limits`' in-memory storage alike."""
    return use_fake_clock(monkeypatch)


def use_limits(client: TestClient, clock: FakeClock, per_session: int, per_address: int,
               ) -> FakeClock:
    client.app.state.chat_limiter = ChatLimiter(Limit(per_session, 60), Limit(per_address, 60),
                                                clock=clock)
    return clock


def test_a_body_over_16_kb_gets_a_clear_413(client: TestClient, fake_rasa: FakeRasa):
    response = client.post("/api/chat", json={"message": "x" * (17 * 1024)})
    assert response.status_code == 413
    assert "too long" in response.json()["detail"]
    assert fake_rasa.requests == []


def test_a_streamed_body_over_16_kb_is_cut_off_with_413(client: TestClient, fake_rasa: FakeRasa):
    def chunks():
        yield b'{"message": "'
        for _ in range(20):
            yield b"x" * 1024
        yield b'"}'

    response = client.post("/api/chat", content=chunks(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert fake_rasa.requests == []


def test_a_message_over_1000_characters_gets_422_saying_so(client: TestClient):
    response = client.post("/api/chat", json={"message": "x" * 1001})
    assert response.status_code == 422
    assert "1000 characters" in response.json()["detail"]
    assert client.post("/api/chat", json={"message": "x" * 1000}).status_code == 200


def test_a_body_that_is_not_json_gets_415(client: TestClient, fake_rasa: FakeRasa):
    response = client.post("/api/chat", content=b"message=hi",
                           headers={"content-type": "application/x-www-form-urlencoded"})
    assert response.status_code == 415
    assert fake_rasa.requests == []


def test_a_session_over_its_limit_gets_429_with_retry_after(client: TestClient,
                                                            fake_rasa: FakeRasa,
                                                            clock: FakeClock):
    use_limits(client, clock, per_session=3, per_address=100)
    for _ in range(3):
        assert client.post("/api/chat", json={"message": "hi"}).status_code == 200
    clock.now += 20
    refused = client.post("/api/chat", json={"message": "hi"})
    assert refused.status_code == 429
    assert refused.headers["Retry-After"] == "40"
    assert "40 seconds" in refused.json()["detail"]
    assert len(fake_rasa.requests) == 3
    clock.now += 41
    assert client.post("/api/chat", json={"message": "hi"}).status_code == 200


def test_new_sessions_from_one_address_share_its_limit(client: TestClient, fake_rasa: FakeRasa,
                                                       clock: FakeClock):
    use_limits(client, clock, per_session=100, per_address=4)
    for _ in range(4):
        client.cookies.clear()
        assert client.post("/api/chat", json={"message": "hi"}).status_code == 200
    client.cookies.clear()
    refused = client.post("/api/chat", json={"message": "hi"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) == 60


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(
        client: TestClient, monkeypatch: pytest.MonkeyPatch, clock: FakeClock):
    use_limits(client, clock, per_session=100, per_address=1)
    spoofed = {"x-forwarded-for": "203.0.113.1"}
    assert client.post("/api/chat", json={"message": "a"}, headers=spoofed).status_code == 200
    other = {"x-forwarded-for": "203.0.113.2"}
    client.cookies.clear()  # new sessions count against their address
    assert client.post("/api/chat", json={"message": "b"}, headers=other).status_code == 429
    monkeypatch.setattr(chat_routes, "trusts_proxy", lambda settings: True)
    client.cookies.clear()
    assert client.post("/api/chat", json={"message": "c"}, headers=other).status_code == 200


def test_rasa_answering_with_an_error_gives_a_kind_503(client: TestClient, fake_rasa: FakeRasa):
    fake_rasa.status = 500
    response = client.post("/api/chat", json={"message": "hello"})
    assert response.status_code == 503
    assert response.headers["Retry-After"]
    assert response.json()["detail"] == text("chat.unavailable")
    assert "500" not in response.text and "boom" not in response.text


def test_a_button_whose_payload_is_a_link_opens_it(client: TestClient, fake_rasa: FakeRasa):
    fake_rasa.replies = [{"text": "See", "buttons": [
        {"title": "NHS Jobs", "payload": "https://www.jobs.nhs.uk/"},
        {"title": "Bad", "payload": "javascript:alert(1)"}]}]
    buttons = client.post("/api/chat", json={"message": "hi"}).json()["messages"][0]["buttons"]
    assert buttons[0] == {"title": "NHS Jobs", "url": "https://www.jobs.nhs.uk/"}
    assert "url" not in buttons[1] and buttons[1]["payload"] != "javascript:alert(1)"


def test_a_vacancy_card_passes_through(client: TestClient, fake_rasa: FakeRasa):
    card = {"type": "vacancy", "title": "Care assistant", "employer": "Oak House",
            "place": "Hanley", "distance_miles": 1.2, "salary": "£12.60 an hour",
            "closing_date": "2025-06-01", "apply_url": "https://example.org/apply/1",
            "attribution": "Source: Find a job"}
    fake_rasa.replies = [{"custom": card}]
    message = client.post("/api/chat", json={"message": "jobs"}).json()["messages"][0]
    assert message["custom"] == card


# --- The session cookie ----------------------------------------------------------------


def test_the_cookie_is_secure_over_https(tmp_path: Path, fake_rasa: FakeRasa):
    with make_client(tmp_path, fake_rasa) as test_client:
        test_client.base_url = httpx.URL("https://testserver")
        cookie = test_client.post("/api/chat", json={"message": "hi"}).headers["set-cookie"]
    assert "secure" in cookie.lower() and "httponly" in cookie.lower()


def test_forwarded_proto_makes_the_cookie_secure_only_when_trusted(
        client: TestClient, monkeypatch: pytest.MonkeyPatch):
    forwarded = {"x-forwarded-proto": "https"}
    cookie = client.post("/api/chat", json={"message": "hi"}, headers=forwarded)
    assert "secure" not in cookie.headers["set-cookie"].lower()
    monkeypatch.setattr(chat_routes, "trusts_proxy", lambda settings: True)
    cookie = client.post("/api/chat", json={"message": "hi"}, headers=forwarded)
    assert "secure" in cookie.headers["set-cookie"].lower()


# --- Landing from a QR code ------------------------------------------------------------


def db(client: TestClient):
    return session_factory(make_engine(client.app.state.settings.database_url))


def test_a_reload_of_the_landing_page_counts_one_visit(client: TestClient):
    with db(client)() as session, session.begin():
        create_campaign(session, "FB1", "Food bank", kind="food_bank")
        create_campaign(session, "OD1", "Open day", kind="open_day")
    for path in ("/c/FB1", "/c/fb1", "/chat", "/c/FB1", "/c/OD1"):
        assert client.get(path).status_code == 200
    with db(client)() as session:
        visits = session.scalars(select(CampaignVisit)).all()
    assert len(visits) == 2  # FB1 once (reloads not counted) and OD1 once


def test_a_chat_under_way_keeps_the_campaign_that_started_it(client: TestClient,
                                                            fake_rasa: FakeRasa):
    with db(client)() as session, session.begin():
        create_campaign(session, "FB1", "Food bank", kind="food_bank")
        create_campaign(session, "OD1", "Open day", kind="open_day")
    client.get("/c/FB1")
    client.post("/api/chat", json={"message": "hi"})
    client.get("/c/OD1")
    client.get("/c/UNKNOWN")
    client.post("/api/chat", json={"message": "again"})
    assert [r["metadata"]["campaign"] for r in fake_rasa.requests] == ["FB1", "FB1"]
    assert len({r["sender"] for r in fake_rasa.requests}) == 1


def test_a_visit_stores_no_address_or_browser_details(client: TestClient):
    with db(client)() as session, session.begin():
        create_campaign(session, "FB1", "Food bank", kind="food_bank")
    client.get("/c/FB1", headers={"user-agent": "Phone-Browser-42",
                                  "x-forwarded-for": "198.51.100.77"})
    assert set(CampaignVisit.__table__.columns.keys()) == {
        "id", "campaign_id", "channel", "visited_at"}
    stored = Path(make_engine(client.app.state.settings.database_url).url.database).read_bytes()
    for personal in (b"testclient", b"Phone-Browser-42", b"198.51.100.77"):
        assert personal not in stored


def test_the_landing_page_offers_telegram_with_the_campaign(tmp_path: Path,
                                                            fake_rasa: FakeRasa):
    with make_client(tmp_path, fake_rasa, telegram_bot_username="CareCareersBot") as test_client:
        with db(test_client)() as session, session.begin():
            create_campaign(session, "FB1", "Food bank", kind="food_bank")
        tagged = test_client.get("/c/FB1").text
        test_client.cookies.clear()
        untagged = test_client.get("/c/NOPE").text
    assert 'href="https://t.me/CareCareersBot?start=FB1"' in tagged
    assert 'href="https://t.me/CareCareersBot"' in untagged


def test_no_telegram_link_without_a_bot(client: TestClient):
    assert "t.me" not in client.get("/chat").text


def test_the_page_names_its_conversation_for_the_transcript(client: TestClient):
    first = client.get("/chat").text
    again = client.get("/chat").text
    client.cookies.clear()
    other = client.get("/chat").text
    tag = re.compile(r'data-conversation="([0-9a-f]{16})"')
    assert tag.search(first).group(1) == tag.search(again).group(1) != tag.search(other).group(1)
    assert client.get("/chat").headers["cache-control"] == "no-store"


# --- The page: weight, scripts, accessibility ------------------------------------------

PAGE_BUDGET_BYTES = 50 * 1024


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text = ""
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.script_text += data


def parse(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    return parser


def test_the_page_with_its_script_styles_and_icon_is_under_50_kb(client: TestClient):
    page = client.get("/chat")
    tags = parse(page.text).tags
    assets = [a["src"] for t, a in tags if t == "script"] + [
        a["href"] for t, a in tags if t == "link" and a.get("rel") in ("stylesheet", "icon")]
    assert [a for a in assets if re.fullmatch(r"/static/chat\.[0-9a-f]{10}\.js", a)]
    assert [a for a in assets if re.fullmatch(r"/static/favicon\.[0-9a-f]{10}\.svg", a)]
    assert f"<style>{CSS}</style>" in page.text  # the style sheet is in the page itself
    sizes = {"page": len(page.content)} | {url: len(client.get(url).content) for url in assets}
    total = sum(sizes.values())
    print(f"chat page weight: {total} bytes {sizes}")
    assert total < PAGE_BUDGET_BYTES, sizes


def test_the_page_has_no_inline_script_or_event_handler(client: TestClient):
    with db(client)() as session, session.begin():
        create_campaign(session, "FB1", "Food bank", kind="food_bank")
    for path in ("/chat", "/c/FB1", "/privacy"):
        parsed = parse(client.get(path).text)
        scripts = [a for t, a in parsed.tags if t == "script"]
        assert all((a.get("src") or "").startswith("/static/") for a in scripts), path
        assert parsed.script_text.strip() == "", path
        handlers = [(t, k) for t, a in parsed.tags for k in a if k.lower().startswith("on")]
        assert handlers == [], path
        assert "javascript:" not in client.get(path).text


def test_the_page_is_labelled_for_screen_readers(client: TestClient):
    tags = parse(client.get("/chat").text).tags
    log = next(a for t, a in tags if a.get("id") == "log")
    assert log["aria-label"] and "aria-live" not in log  # replies are read from #announce
    announcer = next(a for t, a in tags if a.get("id") == "announce")
    assert announcer["aria-live"] == "polite"
    label = next(a for t, a in tags if t == "label")
    assert label["for"] == "message"
    assert next(a for t, a in tags if a.get("id") == "status")["role"] == "status"
    assert [a for t, a in tags if t == "a" and a.get("href") == "/privacy"]
    assert ("html", {"lang": "en-GB"}) in tags


def test_the_script_only_ever_writes_text(client: TestClient):
    script = client.get("/static/chat.js").text
    for risky in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                  "new Function"):
        assert risky not in script
    assert "textContent" in script


CSS = (Path(__file__).resolve().parents[2] / "web" / "static" / "site.css").read_text()


def test_font_sizes_follow_the_phone_setting():
    sizes = re.findall(r"font-size:\s*([^;}]+)", CSS)
    assert sizes and all(re.fullmatch(r"[\d.]+(rem|em|%)", s.strip()) for s in sizes), sizes


def luminance(hex_colour: str) -> float:
    hex_colour = hex_colour.lstrip("#")
    if len(hex_colour) == 3:
        hex_colour = "".join(c * 2 for c in hex_colour)
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("text, background", [
    ("--ink", "--bg"), ("--ink", "--bot"), ("--brand", "--bg"), ("#fff", "--brand"),
    ("--muted", "--bg"), ("--alert", "--bg"), ("--brand", "--bot"),
])
def test_text_colours_meet_wcag_aa_contrast(text: str, background: str):
    colours = dict(re.findall(r"(--[a-z]+):\s*(#[0-9a-fA-F]{3,6})", CSS))
    ratio = contrast(colours.get(text, text), colours.get(background, background))
    assert ratio >= 4.5, f"{text} on {background}: {ratio:.2f}"


def test_opening_the_page_greets_without_starting_a_conversation(client: TestClient,
                                                                 fake_rasa: FakeRasa):
    page = client.get("/chat")
    assert page.status_code == 200 and greeting().text in html.unescape(page.text)
    assert fake_rasa.requests == []  # the greeting is in the page: Rasa is not asked
    with db(client)() as session:
        assert session.scalars(select(Conversation)).all() == []
    client.post("/api/chat", json={"message": "hello"})
    with db(client)() as session:
        assert session.scalars(select(Conversation)).one().message_count == 1
    # the page's script no longer asks for a greeting: "start" is not something to send
    for body in ({"start": False}, {"start": True}, {"start": True, "message": "hi"}):
        assert client.post("/api/chat", json=body).status_code == 422
    assert [r["message"] for r in fake_rasa.requests] == ["hello"]


def test_the_chat_cookie_is_secure_when_https_only_is_set(tmp_path: Path, fake_rasa: FakeRasa):
    with make_client(tmp_path, fake_rasa, https_only=True) as client:
        cookie = client.post("/api/chat", json={"message": "hello"}).headers["set-cookie"]
    assert "secure" in cookie.lower()


def test_without_https_only_a_plain_http_cookie_is_not_marked_secure(client: TestClient):
    cookie = client.post("/api/chat", json={"message": "hello"}).headers["set-cookie"]
    assert "secure" not in cookie.lower()


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_an_address_that_booked_many_places_today_is_told_to_rasa(
        tmp_path: Path, fake_rasa: FakeRasa, storage: str):
    """The actions never see addresses: the web app counts the bookings of each address
    (scripted bookings with made-up phone numbers could fill an event) and says when to stop.
    In Redis, the look at an address's bookings goes with the chat's limits, in one script."""
    fake_rasa.replies = [{"text": "You're booked!"}, {"custom": {"type": "event_booked"}}]
    shared = {"redis_url": redis_or_fail()} if storage == "redis" else {}
    booker, other = (f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{n}"
                     for n in (7, 8))  # Redis keeps a day of bookings: this run's own
    with make_client(tmp_path, fake_rasa, trust_proxy_headers=True, **shared) as client:
        client.headers["X-Forwarded-For"] = booker
        for _ in range(BOOKINGS_PER_ADDRESS):
            client.cookies.clear()  # a new conversation each time
            answer = client.post("/api/chat", json={"message": "yes, book it"})
            assert [m.get("custom") for m in answer.json()["messages"]] == [None]  # no marker
        assert all("bookings_paused" not in r["metadata"] for r in fake_rasa.requests)
        client.cookies.clear()
        client.post("/api/chat", json={"message": "yes, book it"})
        assert fake_rasa.requests[-1]["metadata"] == {"channel": "web", "bookings_paused": True}
        client.headers["X-Forwarded-For"] = other  # another address may still book
        client.post("/api/chat", json={"message": "yes, book it"})
        assert fake_rasa.requests[-1]["metadata"] == {"channel": "web"}
