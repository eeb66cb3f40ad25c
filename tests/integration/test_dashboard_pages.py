"""Campaigns, vacancies, unanswered questions and the audit log pages."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from carecareers.dashboard.questions import group_unanswered
from carecareers.models import AuditEvent, Campaign, CampaignVisit, Conversation
from carecareers.models.base import utcnow
from tests.conftest import make_settings
from tests.factories import (
    Dashboard,
    dashboard,
    make_adviser,
    make_campaign,
    make_feed_import,
    make_lead,
    make_question,
    make_vacancy,
)


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    settings = make_settings(tmp_path, public_base_url="https://care.example.org")
    with dashboard(engine, settings) as harness:
        harness.log_in_as(make_adviser(harness.session, "admin@example.org", role="admin"))
        yield harness


def campaign_with_traffic(dash: Dashboard) -> Campaign:
    session = dash.session
    campaign = make_campaign(session, "FB1", "Hanley food bank")
    for _ in range(10):
        session.add(CampaignVisit(campaign_id=campaign.id))
    for number in range(4):
        session.add(Conversation(sender_id=f"web-{number}", channel="web",
                                 campaign_id=campaign.id))
    make_lead(session, "Amira", campaign=campaign, status="contacted")
    make_lead(session, "Ben", campaign=campaign)
    make_campaign(session, "SCHOOL1", "Careers fair", kind="school")
    session.flush()
    return campaign


def test_campaigns_are_compared_side_by_side(dash: Dashboard) -> None:
    campaign_with_traffic(dash)
    page = dash.client.get("/advisers/campaigns").text
    row = page[page.index(">FB1</a>"):]
    row = row[:row.index("</tr>")]
    cells = [cell.split("<")[0] for cell in row.split("<td>")[1:]]
    assert cells == ["10", "4", "0", "0", "0", "2", "1", "20%", "50%"]
    assert ">SCHOOL1</a>" in page and 'scope="col"' in page


def test_the_funnel_chart_prints_its_numbers(dash: Dashboard) -> None:
    campaign_with_traffic(dash)
    page = dash.client.get("/advisers/campaigns/FB1").text
    assert "<svg" in page and 'role="img"' in page
    for text in ("Scanned: 10", "Chatted: 4 (40% of scanned)", "Booked: 0 (0% of chatted)",
                 "Attended: 0 (– of booked)", "Leads: 2 (50% of chatted)",
                 "Contacted: 1 (50% of leads)"):
        assert text in page  # in the chart's description
    assert ">10</text>" in page and "4 · 40% of scanned</text>" in page
    assert "https://care.example.org/c/FB1" in page
    today = date.today()
    assert "Visits per day</strong>: 10 in 30 days" in page
    assert f"{today.day} {today:%b %Y}" in page  # the table, day by day
    assert "Visits per day</strong>: 10 in 7 days" in dash.client.get(
        "/advisers/campaigns/FB1?days=7").text


def test_an_unknown_campaign_is_a_404_page(dash: Dashboard) -> None:
    response = dash.client.get("/advisers/campaigns/NOPE")
    assert response.status_code == 404 and "There is no such campaign." in response.text


def test_create_a_campaign(dash: Dashboard) -> None:
    response = dash.post("/advisers/campaigns/new", {
        "code": "open-day-25", "name": "Hospice open day", "kind": "open_day",
        "place": "Douglas Macmillan Hospice", "starts_on": "2025-05-03", "ends_on": ""})
    assert response.status_code == 303
    assert response.headers["location"] == "/advisers/campaigns/OPEN-DAY-25?done=created"
    campaign = dash.fresh().scalar(select(Campaign).where(Campaign.code == "OPEN-DAY-25"))
    assert campaign is not None and campaign.starts_on == date(2025, 5, 3)
    assert "Campaign created." in dash.client.get(response.headers["location"]).text


@pytest.mark.parametrize("form, field, message", [
    ({"code": "has space", "name": "x", "kind": "school"}, "code", "letters, digits"),
    ({"code": "OK1", "name": "", "kind": "school"}, "name", "Give the campaign a name"),
    ({"code": "OK1", "name": "x", "kind": "party"}, "kind", "Choose what kind"),
    ({"code": "OK1", "name": "x", "kind": "school", "starts_on": "3 May"}, "starts_on",
     "YYYY-MM-DD"),
    ({"code": "OK1", "name": "x", "kind": "school", "starts_on": "2025-05-03",
      "ends_on": "2025-05-01"}, "ends_on", "before the start"),
    ({"code": "fb1", "name": "x", "kind": "school"}, "code", "already exists"),
])
def test_campaign_form_errors_show_next_to_the_field(dash: Dashboard, form: dict[str, str],
                                                     field: str, message: str) -> None:
    make_campaign(dash.session, "FB1")
    response = dash.post("/advisers/campaigns/new", form)
    assert response.status_code == 400
    error = response.text.index(f'id="{field}-error"')
    assert message in response.text[error:error + 200]
    assert f'value="{form["name"]}"' in response.text  # what was typed is kept


def test_edit_a_campaign_but_not_its_code(dash: Dashboard) -> None:
    make_campaign(dash.session, "FB1", "Old name")
    form = dash.client.get("/advisers/campaigns/FB1/edit").text
    assert 'value="Old name"' in form and 'name="code"' not in form
    response = dash.post("/advisers/campaigns/FB1/edit", {
        "code": "CHANGED", "name": "New name", "kind": "community", "place": "Town hall"})
    assert response.status_code == 303
    campaign = dash.fresh().scalar(select(Campaign).where(Campaign.code == "FB1"))
    assert campaign is not None and (campaign.name, campaign.kind) == ("New name", "community")
    bad = dash.post("/advisers/campaigns/FB1/edit", {"name": "", "kind": "community"})
    assert bad.status_code == 400 and 'id="name-error"' in bad.text


def test_qr_codes_and_poster_download(dash: Dashboard) -> None:
    make_campaign(dash.session, "FB1")
    png = dash.client.get("/advisers/campaigns/FB1/qr.png")
    assert png.headers["content-type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert 'filename="qr-FB1.png"' in png.headers["content-disposition"]
    svg = dash.client.get("/advisers/campaigns/FB1/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content
    poster = dash.client.get("/advisers/campaigns/FB1/poster")
    assert poster.status_code == 200 and "care.example.org/c/FB1" in poster.text
    assert "script-src" not in poster.headers["content-security-policy"]  # no scripts at all


def test_feeds_show_their_last_import_counts_and_errors(dash: Dashboard) -> None:
    make_feed_import(dash.session, "nhs_jobs", created=12, updated=3, entries=15)
    make_feed_import(dash.session, "adzuna", error="HTTP 401 from the feed: check the key")
    make_vacancy(dash.session, source="nhs_jobs")
    page = dash.client.get("/advisers/vacancies").text
    assert page.index("adzuna") < page.index("nhs_jobs")  # failing feeds first
    assert "HTTP 401 from the feed: check the key" in page and "Failed" in page
    nhs = page[page.index("<th scope=\"row\">nhs_jobs"):]
    nhs = nhs[:nhs.index("</tr>")]
    assert "OK" in nhs and "<td>15</td><td>12</td><td>3</td>" in nhs
    assert nhs.rstrip().endswith("<td>1</td>")  # open vacancies of the source


def test_vacancy_search_finds_what_the_bot_would(dash: Dashboard) -> None:
    make_vacancy(dash.session, "Care assistant nights", outcode="ST4",
                 closes_on=date.today() + timedelta(days=10))
    make_vacancy(dash.session, "Chef", employer="Hotel", outcode="ST4")
    page = dash.client.get("/advisers/vacancies?q=nights&near=ST4&radius=10").text
    assert "Care assistant nights" in page and ">Chef<" not in page
    assert "1 open vacancy within 10 miles of" in page


@pytest.mark.parametrize("query, field, message", [
    ("near=Atlantis", "near", "Cannot find the place"),
    ("q=care&radius=500", "radius", "1 to 100 miles"),
    ("q=care&level=9", "level", "Choose a level"),
])
def test_vacancy_search_errors_show_next_to_the_field(dash: Dashboard, query: str, field: str,
                                                      message: str) -> None:
    page = dash.client.get(f"/advisers/vacancies?{query}")
    assert page.status_code == 400
    error = page.text.index(f'id="{field}-error"')
    assert message in page.text[error:error + 300]


def test_unanswered_questions_are_grouped_and_masked(dash: Dashboard) -> None:
    for text in ("do you pay for uniforms", "Do you pay for uniform?",
                 "pay for uniforms? call 07700 900123"):
        make_question(dash.session, text, group_key="pay uniforms")
    make_question(dash.session, "who pays for my uniforms", group_key="uniforms pay who")
    make_question(dash.session, "email me jo@example.org about nights",
                  group_key="email me jo@example.org about nights")
    make_question(dash.session, "old one", asked_at=utcnow() - timedelta(days=60))
    page = dash.client.get("/advisers/questions").text
    assert "5 questions in 2 groups." in page
    assert "call [phone]" in page and "07700" not in page
    assert "[email]" in page and "jo@example.org" not in page
    assert "old one" not in page
    assert "old one" in dash.client.get("/advisers/questions?days=90").text


def test_groups_merge_by_shared_words(session) -> None:  # type: ignore[no-untyped-def]
    make_question(session, "a", group_key="dbs check cost")
    make_question(session, "b", group_key="cost of dbs check")
    make_question(session, "c", group_key="dbs check")
    make_question(session, "d", group_key="night shifts")
    groups = group_unanswered(session)
    assert sorted(g.count for g in groups) == [1, 3]


def test_the_audit_log_lists_events_and_filters_by_action(dash: Dashboard) -> None:
    lead = make_lead(dash.session, "Amira")
    dash.client.get(f"/advisers/leads/{lead.id}")
    dash.client.get("/advisers/leads/export.csv?status=new")
    page = dash.client.get("/advisers/audit").text
    for text in ("login.succeeded", "lead.viewed", "leads.exported", f"lead:{lead.id}",
                 "admin@example.org", "status=new"):
        assert text in page, text
    assert "Amira" not in page
    only_exports = dash.client.get("/advisers/audit?action=leads.exported").text
    assert "lead.viewed</th>" not in only_exports and "1 event." in only_exports


def test_the_audit_log_paginates(dash: Dashboard) -> None:
    for number in range(60):
        dash.session.add(AuditEvent(actor="x@example.org", action="test.event",
                                    subject=f"n:{number}"))
    dash.session.flush()
    page = dash.client.get("/advisers/audit?action=test.event").text
    assert "Page 1 of 2" in page
    assert 'href="/advisers/audit?action=test.event&amp;page=2"' in page
