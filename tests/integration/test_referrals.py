"""Staff referrals from the dashboard to the chat and back: a provider makes a link for a member
of staff, a friend who scans it chats as usual and is counted for the link, the provider sees
only counts (never who), a lead the friend agrees to share goes to the provider, and a link
switched off opens the chat but counts nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, func, select
from sqlalchemy.orm import Session

from carecareers.careers.content import load_content
from carecareers.clock import FixedClock, as_utc
from carecareers.conversation.relay import Relay
from carecareers.forms.validation import parse_age
from carecareers.geo import default_gazetteer
from carecareers.leads import InterestDetails, record_interest
from carecareers.leads.form import ConsentContext, consent_for
from carecareers.models import (
    AuditEvent,
    Campaign,
    CampaignVisit,
    Conversation,
    LeadRoute,
    ValuesCompletion,
)
from carecareers.referrals import create_referral, referral_funnel, switch_off, switch_on
from carecareers.settings import PROJECT_ROOT
from tests.conftest import make_settings
from tests.factories import (
    Dashboard,
    dashboard,
    make_adviser,
    make_campaign,
    make_lead,
    make_provider,
)
from tests.support.fake_rasa import FakeRasa, echo
from web.session import COOKIE_NAME, _serializer

CONTENT = PROJECT_ROOT / "content"
NOW = datetime(2026, 12, 6, 10, 30, tzinfo=timezone.utc)
BASE_URL = "https://care.example.org"
CODE = re.compile(r"^R[ABCDEFGHJKMNPQRSTUVWXYZ23456789]{7}$")


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    settings = make_settings(tmp_path, public_base_url=BASE_URL)
    with dashboard(engine, settings) as harness:
        app = harness.client.app
        app.state.clock = FixedClock(NOW)  # type: ignore[attr-defined]
        yield harness


@pytest.fixture
def rasa(dash: Dashboard, tmp_path: Path) -> FakeRasa:
    """A scripted Rasa behind the app's chat, the relay writing in the test's transaction."""
    fake = FakeRasa(echo)
    app = dash.client.app
    app.state.relay = Relay(fake.client(), f"sqlite:///{tmp_path / 'tracker.db'}",  # type: ignore[attr-defined]
                            app.state.session_factory,  # type: ignore[attr-defined]
                            BASE_URL, clock=FixedClock(NOW))
    return fake


def make_referral(dash: Dashboard, label: str = "Jade") -> str:
    """Make a link through the form, as the logged-in account; return its code."""
    before = set(dash.session.scalars(select(Campaign.code)))
    response = dash.post("/advisers/referrals", {"label": label},
                         token=dash.token("/advisers/referrals"))
    assert response.status_code == 303, response.text
    assert "done=created" in response.headers["location"]
    [code] = set(dash.fresh().scalars(select(Campaign.code))) - before
    return code


def referral(session: Session, code: str) -> Campaign:
    session.expire_all()
    found = session.scalar(select(Campaign).where(Campaign.code == code))
    assert found is not None
    return found


def visits(session: Session, campaign: Campaign) -> int:
    return session.scalar(select(func.count()).select_from(CampaignVisit).where(
        CampaignVisit.campaign_id == campaign.id)) or 0


def friend_chats(dash: Dashboard, path: str) -> tuple[TestClient, str]:
    """A friend's browser opens `path` and says hello; return it and its sender id."""
    browser = TestClient(dash.client.app)
    assert browser.get(path).status_code == 200
    assert browser.post("/api/chat", json={"message": "hello"}).status_code == 200
    secret = dash.client.app.state.settings.secret_key  # type: ignore[attr-defined]
    return browser, _serializer(secret).loads(browser.cookies[COOKIE_NAME])["s"]


def conversation(session: Session, sender: str) -> Conversation:
    session.expire_all()
    found = session.scalar(select(Conversation).where(Conversation.sender_id == sender))
    assert found is not None
    return found


@contextmanager
def counted_queries(session: Session) -> Iterator[list[str]]:
    """The SQL statements the session sends inside the block."""
    statements: list[str] = []
    connection = session.connection()

    def note(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(connection, "before_cursor_execute", note)


def counts_in_row(page: str, code: str) -> list[int]:
    """The six numbers of one link's row on the referrals page."""
    row = re.search(rf'<tr id="referral-{code}">(.*?)</tr>', page, re.DOTALL)
    assert row, f"no row for {code}"
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row.group(1))]


def test_a_provider_makes_a_link_and_a_scan_is_counted_and_tags_the_chat(
        dash: Dashboard, rasa: FakeRasa) -> None:
    provider = make_provider(dash.session, name="Oakwood Care")
    dash.log_in_as(make_adviser(dash.session, "manager@oakwood.example", "provider", provider))
    code = make_referral(dash, "  Jade  ")

    link = referral(dash.session, code)
    assert CODE.match(code)
    assert (link.name, link.kind, link.provider_id) == ("Jade", "referral", provider.id)
    assert link.switched_off_at is None and as_utc(link.created_at) == NOW
    page = dash.client.get(f"/advisers/referrals?provider={provider.id}&done=created").text
    assert "Link made. Share its QR code with the member of staff." in page
    assert f"{BASE_URL}/c/{code}" in page and counts_in_row(page, code) == [0] * 6
    assert f'src="/advisers/referrals/{code}/qr.svg"' in page
    svg = dash.client.get(f"/advisers/referrals/{code}/qr.svg")
    assert svg.status_code == 200 and svg.headers["content-type"] == "image/svg+xml"
    png = dash.client.get(f"/advisers/referrals/{code}/qr.png")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    [created] = dash.session.scalars(select(AuditEvent).where(
        AuditEvent.action == "referral.created"))
    assert created.subject == f"campaign:{code}" and created.actor == "manager@oakwood.example"
    assert "Jade" not in json.dumps(created.detail)  # the staff member's name stays out

    _, sender = friend_chats(dash, f"/c/{code}")
    assert visits(dash.session, link) == 1
    assert conversation(dash.session, sender).campaign_id == link.id
    assert rasa.requests[-1]["metadata"]["campaign"] == code


def test_every_step_of_the_funnel_is_counted_for_its_own_link(dash: Dashboard) -> None:
    ours = make_provider(dash.session, name="Oakwood Care")
    theirs = make_provider(dash.session, name="Other Care")
    s = dash.session
    jade = create_referral(s, ours, "Jade", "manager@oakwood.example", NOW)
    tom = create_referral(s, ours, "Tom", "manager@oakwood.example", NOW)
    elsewhere = create_referral(s, theirs, "Jade", "boss@other.example", NOW)
    poster = make_campaign(s, "POSTER1")
    for campaign, scans in ((jade, 5), (tom, 1), (elsewhere, 3), (poster, 2)):
        s.add_all(CampaignVisit(campaign_id=campaign.id, visited_at=NOW) for _ in range(scans))
    for n, campaign in enumerate([jade] * 4 + [tom, elsewhere, None]):
        s.add(Conversation(sender_id=f"web-funnel-{n}", channel="web", message_count=1,
                           campaign_id=campaign.id if campaign else None))
    for campaign in (jade, jade, elsewhere, None):
        s.add(ValuesCompletion(campaign_id=campaign.id if campaign else None,
                               completed_on=date(2026, 12, 5)))
    # Jade's friends' leads: what Oakwood did with each, and what another provider did.
    outcomes = [("contacted", None), ("interview", None), ("started", None),
                ("not_taken_forward", None), ("not_contacted", "started"),
                (None, "contacted")]
    for n, (own, other) in enumerate(outcomes):
        lead = make_lead(s, f"Friend{n}", campaign=jade,
                         providers=[p for p, o in ((ours, own), (theirs, other)) if o])
        for route in lead.routes:
            route.outcome = own if route.provider_id == ours.id else other
    postered = make_lead(s, campaign=poster, providers=[ours])  # not a referral: not counted
    postered.routes[0].outcome = "started"
    s.flush()

    with counted_queries(s) as queries:
        funnel = {row.label: row for row in referral_funnel(s, ours.id)}
    assert len(queries) == 1  # one query for every link, not one a link
    assert list(funnel) == ["Jade", "Tom"]
    assert (funnel["Jade"].scanned, funnel["Jade"].chatted, funnel["Jade"].values_checks,
            funnel["Jade"].leads, funnel["Jade"].contacted, funnel["Jade"].started) == (
        5, 4, 2, 6, 3, 1)
    dash.log_in_as(make_adviser(s, "manager@oakwood.example", "provider", ours))
    page = dash.client.get("/advisers/referrals").text
    assert counts_in_row(page, jade.code) == [5, 4, 2, 6, 3, 1]
    assert counts_in_row(page, tom.code) == [1, 1, 0, 0, 0, 0]
    assert elsewhere.code not in page and poster.code not in page
    # Staff see any provider's links, choosing which.
    dash.client.cookies.clear()
    dash.log_in_as(make_adviser(s, "adviser@example.org", "adviser"))
    staff = dash.client.get(f"/advisers/referrals?provider={theirs.id}").text
    assert counts_in_row(staff, elsewhere.code) == [3, 1, 1, 0, 0, 0]
    assert jade.code not in staff and "Links of Other Care" in staff


def test_no_friend_is_named_on_the_referrals_page(dash: Dashboard) -> None:
    provider = make_provider(dash.session, name="Oakwood Care")
    jade = create_referral(dash.session, provider, "Jade", "manager@oakwood.example", NOW)
    make_lead(dash.session, "Priyanka", campaign=jade, providers=[provider],
              phone="07700 900987", email="priyanka.friend@example.org", postcode="ST4 6QG")
    dash.log_in_as(make_adviser(dash.session, "manager@oakwood.example", "provider", provider))
    page = dash.client.get("/advisers/referrals").text
    assert counts_in_row(page, jade.code) == [0, 0, 0, 1, 0, 0]
    for personal in ("Priyanka", "07700 900987", "priyanka.friend", "ST4 6QG"):
        assert personal not in page, personal
    # The lead itself, which the friend agreed to share, is in the provider's leads.
    assert "Priyanka" in dash.client.get("/advisers/leads").text


def test_a_provider_cannot_see_or_switch_another_providers_links(dash: Dashboard) -> None:
    ours = make_provider(dash.session, name="Oakwood Care")
    theirs = make_provider(dash.session, name="Other Care")
    other = create_referral(dash.session, theirs, "Marek", "boss@other.example", NOW)
    dash.log_in_as(make_adviser(dash.session, "manager@oakwood.example", "provider", ours))
    token = dash.token("/advisers/referrals")

    assert "Marek" not in dash.client.get("/advisers/referrals").text
    assert dash.client.get(f"/advisers/referrals?provider={theirs.id}").status_code == 403
    for path in (f"/advisers/referrals/{other.code}/qr.svg",
                 f"/advisers/referrals/{other.code}/qr.png"):
        assert dash.client.get(path).status_code == 403
    assert dash.post(f"/advisers/referrals/{other.code}/switch-off",
                     token=token).status_code == 403
    assert referral(dash.session, other.code).switched_off_at is None
    made = dash.post("/advisers/referrals", {"label": "Sneaky", "provider": str(theirs.id)},
                     token=token)
    assert made.status_code == 403
    assert dash.client.get("/advisers/referrals/RNOSUCH2/qr.svg").status_code == 404
    poster = make_campaign(dash.session, "POSTER2")  # a campaign, but not a referral link
    assert dash.post(f"/advisers/referrals/{poster.code}/switch-off",
                     token=token).status_code == 404
    assert dash.client.get("/advisers/referrals?provider=abc").status_code == 404
    assert dash.session.scalar(select(func.count()).select_from(Campaign).where(
        Campaign.name == "Sneaky")) == 0


def test_a_link_switched_off_opens_the_chat_but_counts_nothing_until_switched_on(
        dash: Dashboard, rasa: FakeRasa) -> None:
    provider = make_provider(dash.session, name="Oakwood Care")
    dash.log_in_as(make_adviser(dash.session, "manager@oakwood.example", "provider", provider))
    code = make_referral(dash)
    link = referral(dash.session, code)

    off = dash.post(f"/advisers/referrals/{code}/switch-off",
                    token=dash.token("/advisers/referrals"))
    assert off.status_code == 303 and "done=switched_off" in off.headers["location"]
    assert referral(dash.session, code).switched_off_at is not None
    page = dash.client.get(off.headers["location"]).text
    assert "Link switched off." in page and "Off since 6 Dec 2026" in page
    assert f'action="/advisers/referrals/{code}/switch-on"' in page

    browser, sender = friend_chats(dash, f"/c/{code}")
    assert visits(dash.session, link) == 0
    assert conversation(dash.session, sender).campaign_id is None
    assert "campaign" not in rasa.requests[-1]["metadata"]

    on = dash.post(f"/advisers/referrals/{code}/switch-on",
                   token=dash.token("/advisers/referrals"))
    assert on.status_code == 303 and referral(dash.session, code).switched_off_at is None
    assert "Link switched on again." in dash.client.get(on.headers["location"]).text
    _, later = friend_chats(dash, f"/c/{code}")
    assert visits(dash.session, link) == 1
    assert conversation(dash.session, later).campaign_id == link.id
    actions = list(dash.session.scalars(select(AuditEvent.action).where(
        AuditEvent.subject == f"campaign:{code}").order_by(AuditEvent.id)))
    assert actions == ["referral.created", "referral.switched_off", "referral.switched_on"]


def test_the_form_says_what_to_fix_and_keeps_nothing(dash: Dashboard) -> None:
    provider = make_provider(dash.session, name="Oakwood Care")
    dash.log_in_as(make_adviser(dash.session, "manager@oakwood.example", "provider", provider))
    make_referral(dash, "Sam")
    before = dash.session.scalar(select(func.count()).select_from(Campaign))
    token = dash.token("/advisers/referrals")
    for label, says in (("", "Enter a first name or a code"),
                        ("x" * 41, "up to 40 letters"),
                        ("<script>", "Enter a first name or a code"),
                        ("--", "Enter a first name or a code"),
                        ("sam", "You already have a link with this name")):
        response = dash.post("/advisers/referrals", {"label": label}, token=token)
        assert response.status_code == 400, label
        assert says in response.text and 'aria-invalid="true"' in response.text
    assert dash.session.scalar(select(func.count()).select_from(Campaign)) == before
    # Another provider may use the same name.
    other = make_provider(dash.session, name="Other Care")
    create_referral(dash.session, other, "Sam", "boss@other.example", NOW)


def test_a_referral_lead_goes_to_the_referring_provider_wherever_the_friend_lives(
        dash: Dashboard) -> None:
    session = dash.session
    local = make_provider(session, name="Stoke Care", areas=["ST"])
    referrer = make_provider(session, name="Walsall Homes", areas=["WS"])
    jade = create_referral(session, referrer, "Jade", "manager@walsall.example", NOW)
    context = ConsentContext(CONTENT, f"{BASE_URL}/privacy", 365, default_gazetteer())
    careers = load_content(CONTENT)
    question = consent_for(session, context, careers, "email", "ST4 6QG", "care work", jade.code)
    assert "Walsall Homes" in question.text and "Stoke Care" in question.text
    plain = consent_for(session, context, careers, "email", "ST4 6QG", "care work")
    assert "Walsall Homes" not in plain.text

    lead = record_interest(session, InterestDetails(
        sender_id="web-friend-1", first_name="Ola", age=parse_age("19"), contact_method="email",
        contact_detail="ola@example.org", outcode="ST4", postcode="ST4 6QG", channel="web",
        campaign_code=jade.code), question, NOW)
    routed = set(session.scalars(select(LeadRoute.provider_id).where(
        LeadRoute.lead_id == lead.id)))
    assert {local.id, referrer.id} <= routed
    dash.log_in_as(make_adviser(session, "manager@walsall.example", "provider", referrer))
    assert "Ola" in dash.client.get("/advisers/leads").text
    assert counts_in_row(dash.client.get("/advisers/referrals").text, jade.code)[3] == 1

    # A link switched off brings nothing more: not named, not attributed, not routed.
    switch_off(session, jade, "manager@walsall.example", NOW)
    question = consent_for(session, context, careers, "email", "ST4 6QG", "care work", jade.code)
    assert "Walsall Homes" not in question.text
    after = record_interest(session, InterestDetails(
        sender_id="web-friend-3", first_name="Lin", age=parse_age("18"), contact_method="email",
        contact_detail="lin@example.org", outcode="ST4", postcode="ST4 6QG", channel="web",
        campaign_code=jade.code), question, NOW)
    assert after.campaign_id is None and referrer.id not in {r.provider_id for r in after.routes}
    switch_on(session, jade, "manager@walsall.example", NOW)

    # A provider no longer active gets nothing, and is not named.
    referrer.active = False
    session.flush()
    question = consent_for(session, context, careers, "email", "ST4 6QG", "care work", jade.code)
    assert "Walsall Homes" not in question.text
    later = record_interest(session, InterestDetails(
        sender_id="web-friend-2", first_name="Kai", age=parse_age("20"), contact_method="email",
        contact_detail="kai@example.org", outcode="ST4", postcode="ST4 6QG", channel="web",
        campaign_code=jade.code), question, NOW)
    assert referrer.id not in set(session.scalars(select(LeadRoute.provider_id).where(
        LeadRoute.lead_id == later.id)))


def test_staff_see_a_provider_campaign_but_cannot_edit_it_with_the_campaign_form(
        dash: Dashboard) -> None:
    provider = make_provider(dash.session, name="Oakwood Care")
    jade = create_referral(dash.session, provider, "Jade", "manager@oakwood.example", NOW)
    poster = make_campaign(dash.session, "POSTER3")
    dash.log_in_as(make_adviser(dash.session, "admin@example.org", "admin"))
    listed = dash.client.get("/advisers/campaigns").text
    assert jade.code in listed and "Staff referral" in listed
    page = dash.client.get(f"/advisers/campaigns/{jade.code}")
    assert page.status_code == 200 and "Staff referral" in page.text
    assert f"/advisers/campaigns/{jade.code}/edit" not in page.text
    assert f"/advisers/campaigns/{poster.code}/edit" in dash.client.get(
        f"/advisers/campaigns/{poster.code}").text
    assert dash.client.get(f"/advisers/campaigns/{jade.code}/edit").status_code == 403
    edit = dash.post(f"/advisers/campaigns/{jade.code}/edit",
                     {"name": "Renamed", "kind": "food_bank"},
                     token=dash.token(f"/advisers/campaigns/{jade.code}"))
    assert edit.status_code == 403
    assert referral(dash.session, jade.code).kind == "referral"


def test_a_referral_made_today_counts_from_today(dash: Dashboard) -> None:
    """The clock passed in stamps the link and its audit record."""
    provider = make_provider(dash.session)
    later = NOW + timedelta(days=3)
    link = create_referral(dash.session, provider, "Ana-María O'Neil 2", "x@example.org", later)
    assert link.name == "Ana-María O'Neil 2"
    event = dash.session.scalar(select(AuditEvent).where(
        AuditEvent.subject == f"campaign:{link.code}"))
    assert event is not None and as_utc(event.at) == later


def test_an_account_without_a_provider_has_no_links_and_makes_none(dash: Dashboard) -> None:
    provider = make_provider(dash.session)
    user = make_adviser(dash.session, "manager@example.org", "provider", provider)
    user.provider_id = None
    dash.log_in_as(user)
    page = dash.client.get("/advisers/referrals")
    assert page.status_code == 200 and 'action="/advisers/referrals"' not in page.text
    made = dash.post("/advisers/referrals", {"label": "Jade", "provider": str(provider.id)},
                     token=dash.token("/advisers/referrals"))
    assert made.status_code == 403
