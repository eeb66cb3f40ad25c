"""Logging in and out over HTTP: cookies, CSRF, lock-out, expiry, security headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import Engine, select

from carecareers.advisers.accounts import MAX_FAILED_LOGINS, reset_password
from carecareers.catalogue import text
from carecareers.models import AdviserSession, AuditEvent, FollowUp
from tests.conftest import TEST_SECRET_KEY, make_settings
from tests.factories import (
    PASSWORD,
    Dashboard,
    csrf_token,
    dashboard,
    make_adviser,
    make_lead,
)
from web.auth import COOKIE_NAME, SESSION_MAX_AGE
from web.routes.advisers.login import REFUSED

LOGIN = "/advisers/login"

SECRET = TEST_SECRET_KEY


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    with dashboard(engine, make_settings(tmp_path)) as harness:
        yield harness


def login_form(dash: Dashboard, email: str, password: str = PASSWORD,
               next_path: str = "/advisers/leads"):  # type: ignore[no-untyped-def]
    dash.session.flush()
    page = dash.client.get("/advisers/login")
    return dash.client.post("/advisers/login", follow_redirects=False, data={
        "email": email, "password": password, "csrf_token": csrf_token(page.text),
        "next": next_path})


def cookie_header(response, name: str) -> str:  # type: ignore[no-untyped-def]
    return next(h for h in response.headers.get_list("set-cookie") if h.startswith(name + "="))


def test_login_sets_a_signed_httponly_lax_cookie_that_expires(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    response = login_form(dash, "jo@example.org")
    assert response.status_code == 303
    assert response.headers["location"] == "/advisers/leads"
    cookie = cookie_header(response, COOKIE_NAME).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert f"max-age={SESSION_MAX_AGE}" in cookie and "path=/advisers" in cookie
    assert "secure" not in cookie  # plain HTTP here
    assert PASSWORD not in cookie
    assert dash.client.get("/advisers/leads").status_code == 200


def test_over_https_the_cookie_is_secure(engine: Engine, tmp_path: Path) -> None:
    with dashboard(engine, make_settings(tmp_path), base_url="https://testserver") as dash:
        make_adviser(dash.session, "jo@example.org")
        response = login_form(dash, "jo@example.org")
        assert "secure" in cookie_header(response, COOKIE_NAME).lower()


def test_a_wrong_password_shows_the_form_again_with_a_message(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    response = login_form(dash, "jo@example.org", "not my password")
    assert response.status_code == 401
    assert "The email or password is not right" in response.text
    assert 'value="jo@example.org"' in response.text
    assert "not my password" not in response.text
    assert COOKIE_NAME not in response.headers.get("set-cookie", "")


def test_empty_fields_are_asked_for(dash: Dashboard) -> None:
    response = login_form(dash, "", "")
    assert response.status_code == 400
    assert "Enter your email address and your password" in response.text


def test_five_failures_lock_the_account_even_for_the_right_password(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    for _ in range(MAX_FAILED_LOGINS):
        assert login_form(dash, "jo@example.org", "wrong password!").status_code == 401
    response = login_form(dash, "jo@example.org")
    assert response.status_code == 401
    assert text(REFUSED) in response.text  # the same words as any other failure
    assert dash.client.get("/advisers/leads", follow_redirects=False).status_code == 303


def test_logins_are_audited_without_passwords(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    login_form(dash, "jo@example.org", "secret-guess-123")
    login_form(dash, "jo@example.org")
    actions = [(e.action, e.actor) for e in dash.fresh().scalars(
        select(AuditEvent).order_by(AuditEvent.id))]
    assert actions == [("login.failed", "jo@example.org"),
                       ("login.succeeded", "jo@example.org")]
    everything = repr([(e.detail, e.subject) for e in dash.session.scalars(select(AuditEvent))])
    assert "secret-guess-123" not in everything and PASSWORD not in everything


def test_login_without_the_form_token_is_refused(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    dash.session.flush()
    dash.client.get("/advisers/login")
    response = dash.client.post("/advisers/login", data={
        "email": "jo@example.org", "password": PASSWORD}, follow_redirects=False)
    assert response.status_code == 403
    assert "The login form had expired" in response.text
    assert COOKIE_NAME not in response.headers.get("set-cookie", "")


def test_login_with_a_token_from_another_browser_is_refused(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    dash.session.flush()
    old_token = csrf_token(dash.client.get("/advisers/login").text)
    dash.client.cookies.clear()
    dash.client.get("/advisers/login")  # a new login cookie, a new token
    response = dash.client.post("/advisers/login", data={
        "email": "jo@example.org", "password": PASSWORD, "csrf_token": old_token},
        follow_redirects=False)
    assert response.status_code == 403


def test_after_login_the_browser_returns_where_it_was_going(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    first = dash.client.get("/advisers/leads?status=new", follow_redirects=False)
    assert first.status_code == 303
    assert first.headers["location"] == "/advisers/login?next=%2Fadvisers%2Fleads%3Fstatus%3Dnew"
    page = dash.client.get(first.headers["location"])
    assert 'name="next" value="/advisers/leads?status=new"' in page.text
    response = login_form(dash, "jo@example.org", next_path="/advisers/leads?status=new")
    assert response.headers["location"] == "/advisers/leads?status=new"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x",
                                    "/\\evil.example", "/chat", "javascript:alert(1)"])
def test_login_never_redirects_off_the_dashboard(dash: Dashboard, target: str) -> None:
    make_adviser(dash.session, "jo@example.org")
    response = login_form(dash, "jo@example.org", next_path=target)
    assert response.headers["location"] == "/advisers/leads"


def test_logout_ends_the_session(dash: Dashboard) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    dash.log_in_as(adviser)
    response = dash.post("/advisers/logout")
    assert response.status_code == 303 and response.headers["location"] == "/advisers/login"
    assert f'{COOKIE_NAME}=""' in response.headers["set-cookie"]
    assert dash.client.get("/advisers/leads", follow_redirects=False).status_code == 303


def test_logout_without_the_token_is_refused(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "jo@example.org"))
    response = dash.post("/advisers/logout", token="")
    assert response.status_code == 403
    assert dash.client.get("/advisers/leads").status_code == 200


def test_an_expired_session_goes_back_to_the_login_page_with_a_notice(dash: Dashboard) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    dash.log_in_as(adviser)
    for row in dash.fresh().scalars(select(AdviserSession)):
        row.last_seen_at -= timedelta(minutes=31)  # 30 idle minutes end a session
    dash.session.flush()
    response = dash.client.get("/advisers/leads", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/advisers/login?expired=1")
    assert "Your session has ended" in dash.client.get(response.headers["location"]).text


def test_a_forged_cookie_is_not_a_session(dash: Dashboard) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    dash.session.flush()
    forged = URLSafeTimedSerializer("another-key", salt="adviser-session").dumps(
        {"a": adviser.id, "c": "token", "p": "x"})
    dash.client.cookies.set(COOKIE_NAME, forged, path="/advisers")
    response = dash.client.get("/advisers/leads", follow_redirects=False)
    assert response.headers["location"] == "/advisers/login?next=%2Fadvisers%2Fleads"


def test_a_password_reset_ends_existing_sessions(dash: Dashboard) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    dash.log_in_as(adviser)
    reset_password(dash.session, "jo@example.org", "a completely new passphrase")
    dash.session.flush()
    assert dash.fresh().scalars(select(AdviserSession)).all() == []
    response = dash.client.get("/advisers/leads", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"].startswith(LOGIN)


def test_a_disabled_account_loses_its_session(dash: Dashboard) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    dash.log_in_as(adviser)
    adviser.active = False
    dash.session.flush()
    assert dash.client.get("/advisers/leads", follow_redirects=False).status_code == 303


@pytest.mark.parametrize("token", ["", "stale"])
def test_a_form_without_this_sessions_token_is_refused(dash: Dashboard, token: str) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    lead = make_lead(dash.session)
    dash.log_in_as(adviser)
    if token == "stale":  # a token from an earlier session of the same adviser
        token = dash.token()
        dash.post("/advisers/logout")
        dash.log_in_as(adviser)
    response = dash.post(f"/advisers/leads/{lead.id}/note",
                         {"outcome": "note", "note": "called"}, token=token)
    assert response.status_code == 403
    assert "This form has expired" in response.text
    assert 'href="/advisers/' in response.text  # a way back
    assert "Traceback" not in response.text
    assert dash.fresh().scalars(select(FollowUp)).all() == []


def test_a_post_after_the_session_expired_goes_to_the_login_page(dash: Dashboard) -> None:
    lead = make_lead(dash.session)
    dash.session.flush()
    response = dash.client.post(f"/advisers/leads/{lead.id}/note",
                                data={"outcome": "note", "note": "x", "csrf_token": "t"},
                                follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/advisers/login"


def test_pages_carry_a_strict_content_security_policy(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "jo@example.org", role="admin"))
    for path in ("/advisers/login", "/advisers/leads"):
        headers = dash.client.get(path).headers
        policy = headers["content-security-policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"


TEMPLATES = Path(__file__).resolve().parents[2] / "web" / "templates" / "advisers"


@pytest.mark.parametrize("template", sorted(TEMPLATES.glob("*.html")), ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_handlers(template: Path) -> None:
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text), "inline <script>"
    assert not re.search(r"\son[a-z]+\s*=", text, re.IGNORECASE), "inline event handler"
    assert "style=" not in text, "inline style (the CSP forbids it)"
