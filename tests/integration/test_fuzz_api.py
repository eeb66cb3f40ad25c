"""Hostile and broken input against POST /api/chat, the chat's form (POST /chat) and GET
/api/vacancies (SQLite and PostgreSQL).

Property-based (hypothesis) and schema-based (schemathesis) tests with a fake Rasa: malformed
JSON, wrong types, huge bodies, control and invalid Unicode characters, HTML and script,
Rasa's `/intent{...}` syntax and SQL-looking text. Whatever arrives, the app answers with a
clear 4xx or a reply, never a 5xx; nothing typed reaches Rasa as an intent; and nothing but
well-formed conversation counters is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, func, select

from carecareers import catalogue
from carecareers.clock import clock_for
from carecareers.conversation.rasa_client import MAX_MESSAGE_CHARS
from carecareers.conversation.relay import NO_REPLY, UNAVAILABLE
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import Conversation, PersonAddress
from carecareers.models.base import Base
from carecareers.runtime.demo import seed_demo
from tests.conftest import create_postgres_database, drop_postgres_database, make_settings
from tests.support.fake_rasa import FakeRasa
from web.app import create_app
from web.ratelimit import ChatLimiter, Limit
from web.routes.chat import MAX_BODY_BYTES, ChatRequest

NO_REPLY_TEXT = catalogue.text(NO_REPLY)
UNAVAILABLE_TEXT = catalogue.text(UNAVAILABLE)

FUZZ = settings(max_examples=60, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
UNLIMITED = Limit(requests=10**9, window_seconds=1.0)  # fuzzing is not flooding
CHAT_ANSWERS = {200, 413, 415, 422}
FORM = "application/x-www-form-urlencoded"
VACANCY_ANSWERS = {200, 400, 422}
# Characters Python (and so Rasa, which strips what it receives) treats as whitespace or
# that are invisible, which could hide a leading "/" from a naive check.
SNEAKY = [" ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1f", "\x85", "\xa0", "\u1680",
          "\u2000", "\u200b", "\u2028", "\u202f", "\u3000", "\ufeff", "\x00", "/"]
HOSTILE = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "javascript:alert(1)",
    "'; DROP TABLE leads; --", "\" OR 1=1 --", "%' OR '1'='1", "1; SELECT pg_sleep(5)",
    "{{7*7}}", "${jndi:ldap://x}", "../../etc/passwd", "\u202eevil", "\x00", "\ud800",
    "/restart", "/greet{\"role\": \"nurse\"}", "EXTERNAL_reminder",
]


@dataclass
class Api:
    client: TestClient
    rasa: FakeRasa
    engine: Engine
    rows_before: dict[str, int]

    def post_chat(self, content: bytes, content_type: str | None = "application/json",
                  path: str = "/api/chat") -> httpx.Response:
        self.rasa.requests.clear()
        headers = {"content-type": content_type} if content_type else {}
        return self.client.post(path, content=content, headers=headers)

    def post_form(self, content: bytes, content_type: str | None = FORM) -> httpx.Response:
        return self.post_chat(content, content_type, "/chat")


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
                for table in Base.metadata.sorted_tables}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
        ) -> Iterator[Api]:
    root = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{root / 'app.db'}" if request.param == "sqlite" else (
        create_postgres_database())
    try:
        yield from _api(root, url)
    finally:
        if request.param == "postgresql":
            drop_postgres_database(url)


def _api(root: Path, url: str) -> Iterator[Api]:
    settings_ = make_settings(root, database_url=url)
    upgrade(url)
    engine = make_engine(url)
    with session_factory(engine)() as session, session.begin():
        seed_demo(session, settings_, clock_for(settings_))
    rasa = FakeRasa(lambda body: [{"recipient_id": body["sender"],
                                   "text": f"You said: {body['message']}"}])
    app = create_app(settings_, rasa=rasa.client())
    app.state.chat_limiter = ChatLimiter(UNLIMITED, UNLIMITED)
    with TestClient(app) as client:
        yield Api(client, rasa, engine, row_counts(engine))
    engine.dispose()


def assert_clear_answer(response: httpx.Response, allowed: set[int]) -> None:
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    assert isinstance(response.json(), dict)


def assert_clear_page(response: httpx.Response, allowed: set[int]) -> None:
    """The chat page, whatever its status, with the greeting's buttons or the turn's."""
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="composer"' in response.text


def assert_plain_text_reached_rasa(api: Api) -> None:
    """At most one message reached Rasa, as text Rasa will not read as `/intent{...}`
    (the server itself sends none: the page's greeting is drawn without asking Rasa)."""
    assert len(api.rasa.messages) <= 1
    for text in api.rasa.messages:
        assert isinstance(text, str) and 0 < len(text) <= MAX_MESSAGE_CHARS
        assert not text.strip().startswith("/"), f"reached Rasa as an intent: {text!r}"
        assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4),
    max_leaves=12,
)
chat_bodies = st.one_of(
    json_values,
    st.fixed_dictionaries({}, optional={"message": json_values, "button": json_values,
                                        "start": json_values, "extra": json_values}),
)
injections = st.builds(
    lambda lead, intent, confidence, entities, rest: f"{lead}/{intent}{confidence}{entities}{rest}",
    st.text(st.sampled_from(SNEAKY), max_size=6),
    st.sampled_from(["greet", "restart", "session_start", "confirm_delete_my_data",
                     "register_interest", "affirm", "EXTERNAL_x", "nlu_fallback"]),
    st.sampled_from(["", "@1.0", "@0.01"]),
    st.one_of(st.just(""), st.dictionaries(
        st.sampled_from(["role", "location", "age", "lead_email"]), st.text(max_size=8),
        max_size=2).map(json.dumps)),
    st.text(max_size=8),
)
hostile_text = st.one_of(
    st.text(st.characters(codec=None), min_size=1, max_size=200),  # with lone surrogates
    st.lists(st.sampled_from(HOSTILE + SNEAKY), min_size=1, max_size=6).map("".join),
    st.text(min_size=MAX_MESSAGE_CHARS - 2, max_size=MAX_MESSAGE_CHARS + 2),
)


@FUZZ
@given(body=chat_bodies)
def test_any_json_body_gets_a_clear_answer(api: Api, body: object) -> None:
    response = api.post_chat(json.dumps(body).encode())
    assert_clear_answer(response, CHAT_ANSWERS)
    assert_plain_text_reached_rasa(api)
    if response.status_code == 200:
        assert all(isinstance(m, dict) for m in response.json()["messages"])


@FUZZ
@given(content=st.binary(max_size=300),
       content_type=st.sampled_from([None, "application/json", "text/plain",
                                     "application/json; charset=latin-1",
                                     "multipart/form-data; boundary=x",
                                     "application/x-www-form-urlencoded"]))
@example(content=b'{"message": "hi"', content_type="application/json")
@example(content=b'{"message": "\xff\xfe"}', content_type="application/json")
@example(content=b"[" * 10_000, content_type="application/json")
def test_malformed_bodies_get_a_clear_4xx(api: Api, content: bytes,
                                          content_type: str | None) -> None:
    response = api.post_chat(content, content_type)
    assert_clear_answer(response, CHAT_ANSWERS)
    assert_plain_text_reached_rasa(api)


form_fields = st.lists(st.tuples(
    st.sampled_from(["message", "button", "session", "start", ""]) | st.text(max_size=8),
    st.one_of(st.text(max_size=30), hostile_text, injections)), max_size=4)


@FUZZ
@given(fields=form_fields)
@example(fields=[("message", "")])
@example(fields=[("message", "hi"), ("message", "again")])
@example(fields=[("message", "hi"), ("button", "x")])
@example(fields=[("message", "/restart")])
def test_any_form_post_gets_the_page_with_a_clear_status(api: Api,
                                                         fields: list[tuple[str, str]]) -> None:
    encoded = urlencode(fields, encoding="utf-8", errors="surrogatepass").encode()
    response = api.post_form(encoded)
    assert_clear_page(response, CHAT_ANSWERS)
    assert_plain_text_reached_rasa(api)


@FUZZ
@given(content=st.binary(max_size=300),
       content_type=st.sampled_from([None, FORM, "text/plain", "application/json",
                                     "multipart/form-data; boundary=x", FORM + "; charset=x"]))
@example(content=b"message=%ff%fe", content_type=FORM)
@example(content=b"message=%00%01&&&=", content_type=FORM)
@example(content=b"\xff\xfe=\x00", content_type=FORM)
def test_malformed_form_bodies_get_the_page_with_a_4xx(api: Api, content: bytes,
                                                         content_type: str | None) -> None:
    response = api.post_form(content, content_type)
    assert_clear_page(response, CHAT_ANSWERS)
    assert_plain_text_reached_rasa(api)


@FUZZ
@given(text=injections)
@example(text="/greet")
@example(text="/ /greet")
@example(text="\u3000/confirm_delete_my_data")
@example(text="/\x85/restart")
def test_typed_intent_syntax_never_reaches_rasa_as_an_intent(api: Api, text: str) -> None:
    response = api.post_chat(json.dumps({"message": text}).encode())
    assert_clear_answer(response, CHAT_ANSWERS)
    assert_plain_text_reached_rasa(api)


@FUZZ
@given(text=hostile_text)
@example(text="<script>alert(1)</script>")
@example(text="'; DROP TABLE leads; --")
@example(text="\ud800")
def test_hostile_text_is_passed_on_as_plain_text(api: Api, text: str) -> None:
    response = api.post_chat(json.dumps({"message": text}).encode())
    assert_clear_answer(response, CHAT_ANSWERS)
    assert_plain_text_reached_rasa(api)
    assert response.headers["content-type"].startswith("application/json")


@FUZZ
@given(cookie=st.text(max_size=300))
def test_a_garbage_session_cookie_starts_a_new_conversation(api: Api, cookie: str) -> None:
    api.client.cookies.clear()
    api.rasa.requests.clear()
    response = api.client.post("/api/chat", json={"message": "hello"},
                               headers={"cookie": "cc_chat=" + cookie.encode(
                                   "ascii", "ignore").decode().replace(";", "")})
    api.client.cookies.clear()
    assert_clear_answer(response, {200})
    assert api.rasa.messages == ["hello"]


URL_SAFE_HOSTILE = [text for text in HOSTILE if text != "\ud800"]  # a URL is UTF-8
rasa_replies = st.lists(st.fixed_dictionaries({"recipient_id": st.text(max_size=8)}, optional={
    "text": st.text(max_size=40),
    "buttons": st.lists(st.fixed_dictionaries({"title": st.text(max_size=10),
                                               "payload": st.text(max_size=20)}), max_size=3),
    "custom": json_values,
    "image": st.text(max_size=20),
}), max_size=3)
rasa_answers = st.one_of(  # what Rasa, or a proxy in front of it, may answer
    st.tuples(st.just(200), rasa_replies.map(lambda value: json.dumps(value).encode())),
    st.tuples(st.sampled_from([200, 400, 404, 500, 502, 503, 504]),
              st.one_of(json_values.map(lambda value: json.dumps(value).encode()),
                        st.just(b"<html><body>Bad Gateway</body></html>"),
                        st.binary(max_size=50))),
)


@FUZZ
@given(answer=rasa_answers)
@example(answer=(200, b"[]"))
@example(answer=(502, b"<html><body>Bad Gateway</body></html>"))
@example(answer=(200, b'[{"recipient_id": "x"}]'))
def test_whatever_rasa_answers_the_visitor_gets_a_kind_reply(
        api: Api, answer: tuple[int, bytes]) -> None:
    api.rasa.raw = answer
    try:
        response = api.post_chat(b'{"message": "what jobs are there"}')
    finally:
        api.rasa.raw = None
    assert response.status_code in {200, 503}, (response.status_code, response.text[:300])
    messages = response.json()["messages"]
    if response.status_code == 503:
        assert messages == [{"text": UNAVAILABLE_TEXT}]
    if answer == (200, b"[]"):
        assert messages[0]["text"] == NO_REPLY_TEXT


vacancy_values = st.one_of(
    st.sampled_from(URL_SAFE_HOSTILE + ["", "ST4", "nan", "inf", "-1", "1e309", "true", "0" * 400]),
    st.text(st.characters(codec="utf-8"), max_size=120))
vacancy_params = st.dictionaries(
    st.sampled_from(["q", "near", "radius_miles", "apprenticeship", "role", "level",
                     "closing_within_days", "limit", "offset", "unknown"]),
    vacancy_values, max_size=5)


@FUZZ
@given(params=vacancy_params)
@example(params={"q": "'; DROP TABLE vacancies; --"})
@example(params={"q": "%_%\\", "near": "ST4 6QG"})
@example(params={"q": "\x00", "role": "\x00", "near": "\x00"})
def test_vacancy_search_survives_any_query(api: Api, params: dict[str, str]) -> None:
    response = api.client.get("/api/vacancies", params=params)
    assert_clear_answer(response, VACANCY_ANSWERS)
    if response.status_code == 200:
        found = response.json()
        assert isinstance(found["total"], int) and isinstance(found["vacancies"], list)


def test_huge_bodies_are_refused_before_they_are_read(api: Api) -> None:
    huge = json.dumps({"message": "x" * (MAX_BODY_BYTES * 64)}).encode()
    assert api.post_chat(huge).status_code == 413

    def chunks() -> Iterator[bytes]:  # no Content-Length: cut off while streaming
        yield b'{"message": "'
        for _ in range(MAX_BODY_BYTES // 1024 + 8):
            yield b"y" * 1024
        yield b'"}'

    streamed = api.client.post("/api/chat", content=chunks(),
                               headers={"content-type": "application/json"})
    assert streamed.status_code == 413
    assert api.client.get("/api/vacancies", params={"q": "z" * 20_000}).status_code == 422
    assert api.rasa.messages == []


@pytest.mark.parametrize("path", [
    "/api/vacancies?q=%ff%fe", "/api/vacancies?near=%ed%a0%80", "/api/vacancies?q=%00",
    "/api/vacancies?limit=%00", "/api/vacancies?q=a&q=b&q=c", "/c/%ff", "/c/%00",
    "/c/" + "x" * 5000, "/c/%3Cscript%3E",
])
def test_invalid_utf8_and_nul_in_urls_get_a_clear_answer(api: Api, path: str) -> None:
    response = api.client.get(path)
    assert response.status_code < 500, (response.status_code, response.text[:300])


def test_schemathesis_finds_no_server_error(api: Api) -> None:
    """Every public operation of the OpenAPI schema, positive and negative cases: no 5xx."""
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.generation import GenerationMode

    schema = schemathesis.openapi.from_asgi("/openapi.json", api.client.app)
    # /api/chat and the chat's form read their bodies themselves, so the schema does not
    # describe them: describe them here.
    schema.raw_schema["paths"]["/api/chat"]["post"]["requestBody"] = {
        "required": True,
        "content": {"application/json": {"schema": ChatRequest.model_json_schema()}},
    }
    schema.raw_schema["paths"]["/chat"]["post"]["requestBody"] = {
        "required": True,
        "content": {FORM: {"schema": ChatRequest.model_json_schema()}},
    }
    public = schema.include(path_regex=r"^/(api/|c/|chat$|privacy$|healthz$|livez$)")
    cases = st.one_of(public.as_strategy(GenerationMode.POSITIVE),
                      public.as_strategy(GenerationMode.NEGATIVE))

    @settings(max_examples=150, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=cases)
    def no_server_error(case: object) -> None:
        response = case.call()  # type: ignore[attr-defined]
        case.validate_response(response, checks=[not_a_server_error])  # type: ignore[attr-defined]

    no_server_error()


def test_nothing_but_well_formed_conversation_counters_was_stored(api: Api) -> None:
    """Runs last: the fuzzing above stored no lead, question or text, only message counters
    and the web chats they came from (whose address is their own random sender id)."""
    after = row_counts(api.engine)
    grown = {name for name, count in after.items() if count != api.rows_before[name]}
    assert grown <= {"conversations", "campaign_visits", "person_addresses"}, grown
    with api.engine.connect() as connection:
        for conversation in connection.execute(select(Conversation.__table__)):
            assert re.fullmatch(r"web-[0-9a-f]{32}", conversation.sender_id)
            assert conversation.channel == "web" and conversation.message_count >= 1
        for chat in connection.execute(select(PersonAddress.__table__)):
            assert re.fullmatch(r"web-[0-9a-f]{32}", chat.sender_id)
            assert (chat.channel, chat.address) == ("web", chat.sender_id)
