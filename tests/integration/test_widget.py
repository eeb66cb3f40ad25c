"""The jobs widget's server side: the script with its data in one answer, the chat it opens
in a frame (a session in a header, never a cookie), and what is counted by website."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterator
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from carecareers.campaigns.service import create_campaign, find_campaign
from carecareers.campaigns.widget import (
    WidgetChoice,
    count,
    site_counts,
    site_of,
    snippet,
    website_campaign,
)
from carecareers.clock import Clock
from carecareers.conversation.relay import Relay
from carecareers.models import CampaignVisit, Conversation, Provider, WidgetCount
from tests.conftest import make_settings
from tests.factories import Dashboard, dashboard, make_adviser, make_provider, make_vacancy
from tests.support.fake_rasa import FakeRasa, echo

TODAY = date(2026, 12, 6)
SITE = "https://www.oakwood-care.example"


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    settings = make_settings(tmp_path, carecareers_today="2026-12-06",
                             public_base_url="https://jobs.example.org")
    with dashboard(engine, settings) as harness:
        yield harness


def world(dash: Dashboard) -> str:
    session = dash.session
    oakwood = make_provider(session, "oakwood", "Oakwood Care")
    make_vacancy(session, "Care worker", source="provider_csv:oakwood", role_code="care_worker",
                 outcode="ST13", location_text="Leek", posted_on=date(2026, 12, 1),
                 closes_on=date(2026, 12, 31), salary_min=12.71, salary_period="hour",
                 url="https://oakwood.example/apply/1")
    make_vacancy(session, "Healthcare assistant", source="nhs_jobs", outcode="ST13",
                 role_code="healthcare_assistant", posted_on=date(2026, 12, 2))
    code = website_campaign(session, oakwood, "Oakwood Care website").code
    session.flush()
    return code


def script_data(body: str) -> dict:
    """The data the script is called with: the JSON after the function's last '})('."""
    head, _, call = body.rpartition("})(")
    assert head.startswith("// The care jobs widget") and call.endswith(");\n")
    return json.loads(call[:-3])


def views(dash: Dashboard) -> list[tuple[str, int, int, int]]:
    dash.session.expire_all()
    return [(r.site, r.views, r.chats_opened, r.chats_started)
            for r in dash.session.scalars(select(WidgetCount).order_by(WidgetCount.site))]


def test_the_script_carries_the_providers_own_vacancies_words_and_chat(dash: Dashboard) -> None:
    code = world(dash)
    answer = dash.client.get(f"/widget.js?provider=oakwood&c={code}",
                             headers={"Referer": f"{SITE}/jobs"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert answer.headers["cache-control"] == "public, max-age=300"
    assert answer.headers["cross-origin-resource-policy"] == "cross-origin"
    assert answer.headers["content-encoding"] == "gzip"  # the client said it takes gzip
    assert "set-cookie" not in answer.headers
    data = script_data(answer.text)
    assert data["heading"] == "Care jobs at Oakwood Care"
    assert [j["title"] for j in data["jobs"]] == ["Care worker"]  # its own feed's only
    job = data["jobs"][0]
    assert job["apply_url"] == "https://oakwood.example/apply/1"
    assert job["closes"] == "31 December 2026" and job["salary"] == "£12.71 an hour"
    assert re.fullmatch(r"https://jobs\.example\.org/jobs/\d+", job["page_url"])
    assert data["chat"] == f"https://jobs.example.org/embed/chat?c={code}"
    assert data["texts"]["chat_open"] == "Questions? Chat with us"
    assert ".w{" in data["style"]
    assert views(dash) == [(SITE, 1, 0, 0)]  # the origin only, never the page's path


def test_an_area_widget_and_a_tag_with_a_mistake(dash: Dashboard) -> None:
    world(dash)
    area = script_data(dash.client.get("/widget.js?area=st13&limit=10").text)
    assert area["heading"] == "Care jobs in ST13"
    assert sorted(j["title"] for j in area["jobs"]) == ["Care worker", "Healthcare assistant"]
    assert area["chat"] == "https://jobs.example.org/embed/chat"  # no campaign: untagged
    broken = dash.client.get("/widget.js?provider=nobody")
    assert broken.status_code == 400
    assert broken.text == ('console.warn("The care jobs tag on this page has a mistake: '
                           'There is no such provider.");')
    assert dash.client.get("/widget.js?limit=11").status_code == 422
    assert views(dash) == []  # nothing counted without a campaign


def test_the_preview_in_our_own_dashboard_is_not_counted(dash: Dashboard) -> None:
    code = world(dash)
    dash.client.get(f"/widget.js?provider=oakwood&c={code}",
                    headers={"Referer": "https://jobs.example.org/advisers/website"})
    dash.client.get(f"/widget.js?provider=oakwood&c={code}")  # no Referer at all
    assert views(dash) == [("unknown", 1, 0, 0)]


def fake_assistant(dash: Dashboard, tmp_path: Path) -> FakeRasa:
    """Rasa answers with what it was sent, through the app's relay in the test's transaction."""
    app = dash.client.app
    rasa = FakeRasa(echo)
    app.state.relay = Relay(rasa.client(), f"sqlite:///{tmp_path / 'tracker.db'}",  # type: ignore[attr-defined]
                            app.state.session_factory,  # type: ignore[attr-defined]
                            clock=Clock())
    return rasa


def test_the_chat_in_the_frame_keeps_its_session_in_a_header_not_a_cookie(
        dash: Dashboard, tmp_path: Path) -> None:
    rasa = fake_assistant(dash, tmp_path)
    code = world(dash)
    page = dash.client.get(f"/embed/chat?c={code}", headers={"Referer": f"{SITE}/"})
    assert page.status_code == 200
    assert "set-cookie" not in page.headers
    policy = page.headers["content-security-policy"]
    assert "frame-ancestors *" in policy and "script-src 'self'" in policy
    assert "x-frame-options" not in page.headers
    assert '<base target="_blank">' in page.text
    token = re.search(r'data-session="([^"]+)"', page.text)
    assert token
    campaign = find_campaign(dash.session, code)
    visits = dash.session.scalars(select(CampaignVisit.channel).where(
        CampaignVisit.campaign_id == campaign.id)).all()
    assert visits == ["widget"]
    assert views(dash) == [(SITE, 0, 1, 0)]

    session = token.group(1)
    for said in ("hello", "what does a care worker do"):
        answer = dash.client.post("/api/chat", json={"message": said},
                                  headers={"X-Chat-Session": session})
        assert answer.status_code == 200, answer.text
        assert "set-cookie" not in answer.headers
        session = answer.headers["x-chat-session"]
    assert views(dash) == [(SITE, 0, 1, 1)]  # started once, however many messages
    assert rasa.messages == ["hello", "what does a care worker do"]
    dash.session.expire_all()
    tagged = dash.session.scalars(select(Conversation.campaign_id)).all()
    assert tagged == [campaign.id]
    # our own chat page still uses its cookie
    assert "set-cookie" in dash.client.get("/chat").headers
    ours = dash.client.get("/chat")
    assert ours.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in ours.headers["content-security-policy"]


def test_a_forged_or_missing_header_session_starts_a_new_untagged_one(
        dash: Dashboard, tmp_path: Path) -> None:
    fake_assistant(dash, tmp_path)
    code = world(dash)
    dash.client.get(f"/embed/chat?c={code}", headers={"Referer": f"{SITE}/"})
    answer = dash.client.post("/api/chat", json={"message": "hi"},
                              headers={"X-Chat-Session": "forged.value"})
    assert answer.status_code == 200
    assert answer.headers["x-chat-session"] and "set-cookie" not in answer.headers
    assert views(dash) == [(SITE, 0, 1, 0)]  # not counted: not the widget's chat


def test_a_switched_off_campaign_counts_nothing(dash: Dashboard) -> None:
    code = world(dash)
    campaign = find_campaign(dash.session, code)
    campaign.switched_off_at = datetime(2026, 12, 5, 9, 0, tzinfo=timezone.utc)
    dash.session.flush()
    data = script_data(dash.client.get(f"/widget.js?provider=oakwood&c={code}",
                                       headers={"Referer": SITE}).text)
    assert data["chat"] == "https://jobs.example.org/embed/chat"
    assert dash.client.get(f"/embed/chat?c={code}", headers={"Referer": SITE}).status_code == 200
    assert views(dash) == []


def test_counts_by_site_for_a_provider_and_for_everyone(dash: Dashboard) -> None:
    world(dash)
    session = dash.session
    other = make_provider(session, "beech", "Beech House")
    oak = website_campaign(session, dash_provider(dash, "oakwood"), "Oakwood website")
    beech = website_campaign(session, other, "Beech website")
    programme = create_campaign(session, "ALL-AREA", "Area jobs", kind="online")
    for campaign, site, what, times in ((oak, SITE, "views", 3), (oak, SITE, "chats_opened", 2),
                                        (oak, "https://news.example", "views", 5),
                                        (beech, "https://beech.example", "views", 4),
                                        (programme, "https://council.example", "views", 1)):
        for _ in range(times):
            count(session, campaign, site, what, TODAY)
    count(session, oak, SITE, "views", date(2026, 10, 1))  # outside the 30 days
    session.flush()
    mine = site_counts(session, oak.provider_id, TODAY)
    assert [(r.site, r.views, r.chats_opened) for r in mine] == [
        ("https://news.example", 5, 0), (SITE, 3, 2)]
    everyone = site_counts(session, None, TODAY)
    assert [r.site for r in everyone] == ["https://news.example", "https://beech.example",
                                          SITE, "https://council.example"]


def dash_provider(dash: Dashboard, code: str) -> Provider | None:
    return dash.session.scalar(select(Provider).where(Provider.code == code))


@pytest.mark.parametrize(("referer", "site"), [
    ("https://www.oakwood-care.example/jobs?x=1", "https://www.oakwood-care.example"),
    ("http://localhost:8123/", "http://localhost:8123"),
    ("HTTPS://Care.Example", "https://care.example"),
    ("javascript:alert(1)", "unknown"), ("", "unknown"), (None, "unknown"),
    ("https://" + "a" * 300 + ".example/", "unknown"),
])
def test_the_site_is_the_origin_only(referer: str | None, site: str) -> None:
    assert site_of(referer) == site


def test_the_snippet_is_one_script_tag() -> None:
    tag = snippet("https://jobs.example.org/", WidgetChoice(provider="oakwood", campaign="WEB-OAK"))
    assert tag == ('<script async src="https://jobs.example.org/widget.js?provider=oakwood'
                   '&amp;limit=5&amp;c=WEB-OAK"></script>')


def test_a_provider_copies_its_own_tag_and_sees_only_its_own_counts(dash: Dashboard) -> None:
    code = world(dash)
    oakwood = dash_provider(dash, "oakwood")
    other = make_provider(dash.session, "beech", "Beech House")
    count(dash.session, find_campaign(dash.session, code), SITE, "views", TODAY)
    count(dash.session, website_campaign(dash.session, other, "Beech website"),
          "https://beech.example", "views", TODAY)
    dash.log_in_as(make_adviser(dash.session, "manager@oakwood.example", "provider", oakwood))
    page = dash.client.get("/advisers/website")
    assert page.status_code == 200
    shown = html.unescape(re.search(r'<textarea[^>]*>([^<]*)</textarea>', page.text).group(1))
    assert shown == (f'<script async src="https://jobs.example.org/widget.js?provider='
                     f'oakwood&amp;limit=5&amp;c={code}"></script>')  # its own, its campaign
    assert f'<script async src="/widget.js?provider=oakwood&amp;limit=5&amp;c={code}">' \
        in page.text  # the live preview, from this site
    assert SITE in page.text and "beech.example" not in page.text
    # a provider user cannot make a tag for another provider
    other_tag = dash.client.get(f"/advisers/website?provider={other.id}&show=own")
    assert "provider=oakwood" in other_tag.text and "provider=beech" not in other_tag.text
    role = dash.client.get("/advisers/website?show=role&role=care_worker&limit=3")
    assert html.escape(f"widget.js?role=care_worker&amp;limit=3&amp;c={code}") in role.text
    wrong = dash.client.get("/advisers/website?show=area&area=nowhere")
    assert wrong.status_code == 400
    assert "Give an area like ST13 or ST" in wrong.text and "<textarea" not in wrong.text


def test_staff_make_a_programme_tag_for_an_area_with_a_campaign(dash: Dashboard) -> None:
    world(dash)
    create_campaign(dash.session, "LEEK-WEB", "Leek council website", kind="online")
    dash.log_in_as(make_adviser(dash.session, "adviser@example.org"))
    page = dash.client.get("/advisers/website?provider=&show=area&area=st13&campaign=LEEK-WEB")
    assert page.status_code == 200
    assert html.escape("widget.js?area=ST13&amp;limit=5&amp;c=LEEK-WEB") in page.text
    own = dash.client.get("/advisers/website?provider=&show=own")
    assert own.status_code == 400 and "Choose a provider to show its own jobs" in own.text
    missing = dash.client.get("/advisers/website?provider=99999")
    assert missing.status_code == 400 and "Choose a provider from the list" in missing.text
