"""The dashboard at OWASP ASVS level 2: login, sessions, cookies, provider scope, audit.

Runs on SQLite and PostgreSQL (the `engine` fixture), migrated to head (0005).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from carecareers.advisers import accounts
from carecareers.advisers.sessions import digest, purge_ended_sessions
from carecareers.catalogue import text
from carecareers.models import AdviserSession, AuditEvent, FollowUp, Lead, LeadRoute
from carecareers.models.base import utcnow
from tests.conftest import make_settings
from tests.factories import (
    PASSWORD,
    Dashboard,
    csrf_token,
    dashboard,
    make_adviser,
    make_campaign,
    make_lead,
    make_provider,
)
from web.auth import COOKIE_NAME
from web.routes.advisers.login import REFUSED


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    with dashboard(engine, make_settings(tmp_path)) as harness:
        yield harness


def attempt(dash: Dashboard, email: str, password: str):  # type: ignore[no-untyped-def]
    dash.session.flush()
    page = dash.client.get("/advisers/login")
    return dash.client.post("/advisers/login", follow_redirects=False, data={
        "email": email, "password": password, "csrf_token": csrf_token(page.text),
        "next": "/advisers/leads"})


def error_text(html: str) -> str:
    found = re.search(r'<p id="login-error">(.*?)</p>', html, re.S)
    return found.group(1).strip() if found else ""


# -- V2.2 authentication: off the event loop, throttled, one answer ---------------------------


def test_the_password_is_checked_off_the_event_loop(dash: Dashboard,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    make_adviser(dash.session, "jo@example.org")
    on_loop: list[bool] = []

    check = accounts._verify

    def checking(password_hash: str, password: str) -> bool:
        try:
            asyncio.get_running_loop()
            on_loop.append(True)
        except RuntimeError:
            on_loop.append(False)
        return check(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", checking)
    assert attempt(dash, "jo@example.org", PASSWORD).status_code == 303
    assert on_loop == [False]


def test_every_failed_login_gets_the_same_answer(dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    disabled = make_adviser(dash.session, "gone@example.org")
    disabled.active = False
    locked = make_adviser(dash.session, "locked@example.org")
    locked.locked_until = utcnow() + timedelta(minutes=10)
    answers = [attempt(dash, "nobody@example.org", "whatever it is"),   # unknown account
               attempt(dash, "jo@example.org", "not my password"),      # wrong password
               attempt(dash, "gone@example.org", PASSWORD),             # disabled
               attempt(dash, "locked@example.org", PASSWORD)]           # locked, right password
    assert {a.status_code for a in answers} == {401}
    assert {error_text(a.text) for a in answers} == {text(REFUSED)}
    for answer in answers:
        assert not re.search(r"locked until|disabled|no account|unknown", answer.text, re.I)


def test_one_address_is_paused_after_20_failures_whatever_the_accounts(
        dash: Dashboard) -> None:
    make_adviser(dash.session, "jo@example.org")
    for i in range(20):
        assert attempt(dash, f"guess{i}@example.org", "a wrong guess").status_code == 401
    paused = attempt(dash, "jo@example.org", PASSWORD)  # even the right password waits
    assert paused.status_code == 429 and error_text(paused.text) == text(REFUSED)
    assert COOKIE_NAME not in paused.headers.get("set-cookie", "")


def test_the_address_pause_does_not_reach_other_addresses(engine: Engine,
                                                          tmp_path: Path) -> None:
    with dashboard(engine, make_settings(tmp_path, trust_proxy_headers=True)) as dash:
        make_adviser(dash.session, "jo@example.org")
        dash.session.flush()
        dash.client.headers["X-Forwarded-For"] = "198.51.100.7"
        for i in range(20):
            attempt(dash, f"guess{i}@example.org", "a wrong guess")
        assert attempt(dash, "jo@example.org", PASSWORD).status_code == 429
        dash.client.headers["X-Forwarded-For"] = "198.51.100.8"
        assert attempt(dash, "jo@example.org", PASSWORD).status_code == 303


# -- V3 sessions: on the server, revoked, idle and absolute timeouts --------------------------


def test_the_cookie_holds_a_random_token_the_database_only_its_digest(dash: Dashboard) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    dash.log_in_as(adviser)
    token = dash.client.cookies.get(COOKIE_NAME)
    rows = dash.fresh().scalars(select(AdviserSession)).all()
    assert token and len(token) >= 40
    assert [row.token_digest for row in rows] == [digest(token)]


def test_logout_revokes_the_session_so_a_copied_cookie_is_useless(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "jo@example.org"))
    stolen = dash.client.cookies.get(COOKIE_NAME)
    assert dash.post("/advisers/logout").status_code == 303
    assert dash.fresh().scalars(select(AdviserSession)).all() == []
    dash.client.cookies.set(COOKIE_NAME, stolen, path="/advisers")
    assert dash.client.get("/advisers/leads", follow_redirects=False).status_code == 303


def test_logging_in_again_does_not_end_another_browsers_session(dash: Dashboard) -> None:
    adviser = make_adviser(dash.session, "jo@example.org")
    dash.log_in_as(adviser)
    first = dash.client.cookies.get(COOKIE_NAME)
    dash.client.cookies.clear()
    dash.log_in_as(adviser)
    assert dash.client.cookies.get(COOKIE_NAME) != first
    assert len(dash.fresh().scalars(select(AdviserSession)).all()) == 2


def test_activity_keeps_a_session_alive_past_30_minutes_in_all(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "jo@example.org"))
    for _ in range(3):  # 3 x 20 minutes, each ending in a request
        for row in dash.fresh().scalars(select(AdviserSession)):
            row.last_seen_at -= timedelta(minutes=20)
            row.created_at -= timedelta(minutes=20)
        dash.session.flush()
        assert dash.client.get("/advisers/leads", follow_redirects=False).status_code == 200


def test_a_session_ends_after_8_hours_even_when_active(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "jo@example.org"))
    for row in dash.fresh().scalars(select(AdviserSession)):
        row.created_at -= timedelta(hours=8, minutes=1)
    dash.session.flush()
    response = dash.client.get("/advisers/leads", follow_redirects=False)
    assert response.status_code == 303 and "expired=1" in response.headers["location"]


def test_ended_sessions_are_purged(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "jo@example.org"))
    assert purge_ended_sessions(dash.fresh(), dash.clock.now()) == 0
    assert purge_ended_sessions(dash.session, utcnow() + timedelta(minutes=31)) == 1


# -- V3.4 / V14.4: Secure cookies and HSTS from HTTPS_ONLY, behind a TLS proxy ----------------


def test_https_only_marks_cookies_secure_and_sends_hsts_behind_a_tls_proxy(
        engine: Engine, tmp_path: Path) -> None:
    with dashboard(engine, make_settings(tmp_path, https_only=True)) as dash:
        make_adviser(dash.session, "jo@example.org")
        dash.session.flush()
        page = dash.client.get("/advisers/login")  # plain HTTP from the proxy
        assert page.headers["strict-transport-security"].startswith("max-age=31536000")
        assert "secure" in page.headers["set-cookie"].lower()
        # The browser sends its Secure cookie to the proxy over HTTPS; the proxy passes it on.
        login_cookie = page.headers["set-cookie"].split(";")[0]
        dash.client.cookies.clear()
        response = dash.client.post("/advisers/login", follow_redirects=False, data={
            "email": "jo@example.org", "password": PASSWORD,
            "csrf_token": csrf_token(page.text), "next": "/advisers/leads"},
            headers={"cookie": login_cookie})
        assert response.status_code == 303
        session_cookie = next(h for h in response.headers.get_list("set-cookie")
                              if h.startswith(COOKIE_NAME + "="))
        assert "secure" in session_cookie.lower()
        assert "strict-transport-security" in dash.client.get("/chat").headers


def test_without_https_only_plain_http_gets_neither(dash: Dashboard) -> None:
    page = dash.client.get("/advisers/login")
    assert "strict-transport-security" not in page.headers
    assert "secure" not in page.headers["set-cookie"].lower()


# -- V4 access control: a provider's own follow-ups, its own route of a shared lead -----------


@pytest.fixture
def shared(dash: Dashboard) -> tuple[Dashboard, Lead, dict[str, object]]:
    a, b = make_provider(dash.session, "PROVA"), make_provider(dash.session, "PROVB")
    lead = make_lead(dash.session, "Sam", providers=[a, b])
    people = {"a": make_adviser(dash.session, "hr@a.example", role="provider", provider=a),
              "b": make_adviser(dash.session, "hr@b.example", role="provider", provider=b),
              "staff": make_adviser(dash.session, "adviser@example.org")}
    return dash, lead, people


def route_statuses(dash: Dashboard, lead: Lead) -> list[str]:
    return list(dash.fresh().scalars(select(LeadRoute.status).where(LeadRoute.lead_id == lead.id)
                                     .order_by(LeadRoute.provider_id)))


def test_a_provider_sees_only_its_own_organisations_follow_ups(shared) -> None:  # type: ignore[no-untyped-def]
    dash, lead, people = shared
    dash.log_in_as(people["b"])
    dash.post(f"/advisers/leads/{lead.id}/note", {"outcome": "note", "note": "B-only remark"})
    dash.client.cookies.clear()
    dash.log_in_as(people["a"])
    assert "B-only remark" not in dash.client.get(f"/advisers/leads/{lead.id}").text
    dash.post(f"/advisers/leads/{lead.id}/note", {"outcome": "note", "note": "A remark"})
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert "A remark" in page and "B-only remark" not in page
    dash.client.cookies.clear()
    dash.log_in_as(people["staff"])
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert "A remark" in page and "B-only remark" in page


def test_a_provider_closes_only_its_own_route_of_a_shared_lead(shared) -> None:  # type: ignore[no-untyped-def]
    dash, lead, people = shared
    dash.log_in_as(people["a"])
    closed = dash.post(f"/advisers/leads/{lead.id}/close", {"reason": "not_interested"})
    assert closed.status_code == 303
    assert dash.fresh().get(Lead, lead.id).status == "new"  # B still has it open
    assert route_statuses(dash, lead) == ["closed", "new"]
    assert "Lead closed" not in dash.client.get(f"/advisers/leads/{lead.id}").text
    again = dash.post(f"/advisers/leads/{lead.id}/close", {"reason": "other"})
    assert again.status_code == 400  # closed for A already
    dash.client.cookies.clear()
    dash.log_in_as(people["b"])
    assert dash.post(f"/advisers/leads/{lead.id}/contacted").status_code == 303
    assert dash.fresh().get(Lead, lead.id).status == "contacted"
    assert dash.post(f"/advisers/leads/{lead.id}/close", {"reason": "hired"}).status_code == 303
    assert dash.fresh().get(Lead, lead.id).status == "closed"  # every provider closed it
    assert route_statuses(dash, lead) == ["closed", "closed"]


def test_a_provider_marking_contacted_leaves_the_other_providers_route_new(shared) -> None:  # type: ignore[no-untyped-def]
    dash, lead, people = shared
    dash.log_in_as(people["a"])
    assert dash.post(f"/advisers/leads/{lead.id}/contacted").status_code == 303
    assert route_statuses(dash, lead) == ["contacted", "new"]
    dash.client.cookies.clear()
    dash.log_in_as(people["b"])  # B can still mark its own contact
    assert dash.post(f"/advisers/leads/{lead.id}/contacted").status_code == 303
    assert route_statuses(dash, lead) == ["contacted", "contacted"]


def test_staff_closing_a_lead_closes_it_for_every_provider(shared) -> None:  # type: ignore[no-untyped-def]
    dash, lead, people = shared
    dash.log_in_as(people["staff"])
    assert dash.post(f"/advisers/leads/{lead.id}/close", {"reason": "duplicate"}).status_code == 303
    assert dash.fresh().get(Lead, lead.id).status == "closed"
    assert route_statuses(dash, lead) == ["closed", "closed"]
    follow_ups = dash.session.scalars(select(FollowUp).where(FollowUp.lead_id == lead.id)).all()
    assert [f.outcome for f in follow_ups] == ["closed:duplicate"]


# -- V7.2 audit: campaign edits ---------------------------------------------------------------


def test_creating_and_editing_a_campaign_are_audited(dash: Dashboard) -> None:
    dash.log_in_as(make_adviser(dash.session, "adviser@example.org"))
    created = dash.post("/advisers/campaigns/new", {
        "code": "SPRING-FAIR", "name": "Spring fair", "kind": "community", "place": "Hanley"})
    assert created.status_code == 303
    edited = dash.post("/advisers/campaigns/SPRING-FAIR/edit", {
        "name": "Spring jobs fair", "kind": "community", "place": "Hanley",
        "starts_on": "2027-03-01"})
    assert edited.status_code == 303
    events = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action.like("campaign.%")).order_by(AuditEvent.id)).all()
    assert [(e.action, e.actor, e.subject) for e in events] == [
        ("campaign.created", "adviser@example.org", "campaign:SPRING-FAIR"),
        ("campaign.edited", "adviser@example.org", "campaign:SPRING-FAIR")]
    assert events[1].detail["changes"] == {"name": ["Spring fair", "Spring jobs fair"],
                                           "starts_on": [None, "2027-03-01"]}


def test_saving_a_campaign_unchanged_adds_no_audit_entry(dash: Dashboard) -> None:
    make_campaign(dash.session, "SAME", "Same")
    dash.log_in_as(make_adviser(dash.session, "adviser@example.org"))
    campaign_form = dash.client.get("/advisers/campaigns/SAME/edit").text
    kind = re.search(r'<option value="(\w+)" selected', campaign_form)
    assert kind
    dash.post("/advisers/campaigns/SAME/edit", {"name": "Same", "kind": kind.group(1)})
    assert dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "campaign.edited")).all() == []
