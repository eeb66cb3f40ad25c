"""Leads in the dashboard: filters, search, the lead page, follow-ups and exports."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from carecareers.models import AuditEvent, FollowUp, Lead, LeadRoute
from tests.conftest import make_settings
from tests.factories import (
    Dashboard,
    dashboard,
    make_adviser,
    make_campaign,
    make_lead,
    make_provider,
    make_vacancy,
)


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    with dashboard(engine, make_settings(tmp_path)) as harness:
        harness.adviser = make_adviser(harness.session, "adviser@example.org")  # type: ignore[attr-defined]
        harness.log_in_as(harness.adviser)  # type: ignore[attr-defined]
        yield harness


def names_listed(dash: Dashboard, query: str = "") -> set[str]:
    page = dash.client.get("/advisers/leads" + (f"?{query}" if query else ""))
    assert page.status_code == 200, page.text
    return {name for name in ("Amira", "Ben", "Chloe", "Dev") if f">{name}</a>" in page.text}


@pytest.fixture
def four_leads(dash: Dashboard) -> dict[str, Lead]:
    session = dash.session
    north, south = make_provider(session, "NORTH"), make_provider(session, "SOUTH")
    food_bank = make_campaign(session, "FB1")
    day = datetime(2025, 3, 10, 12, tzinfo=timezone.utc)
    return {
        "Amira": make_lead(session, "Amira", providers=[north], campaign=food_bank,
                           interests=["care_worker"], outcode="ST4", age_band="16_17",
                           created_at=day, phone="07700 900111", wants_callback=True),
        "Ben": make_lead(session, "Ben", providers=[south], interests=["nurse"],
                         outcode="ST10", age_band="18_24", created_at=day + timedelta(days=1),
                         contact_method="email", phone=None, email="ben.jones@example.org"),
        "Chloe": make_lead(session, "Chloe", providers=[north, south],
                           interests=["care_worker", "nurse"], outcode="WS15",
                           age_band="25_plus", created_at=day + timedelta(days=2),
                           status="contacted", phone="+44 7700 900333"),
        "Dev": make_lead(session, "Dev", interests=["healthcare_assistant"], outcode="B1",
                         age_band="18_24", created_at=day + timedelta(days=3), status="closed"),
    }


@pytest.mark.parametrize("query, expected", [
    ("", {"Amira", "Ben", "Chloe", "Dev"}),
    ("status=new", {"Amira", "Ben"}),
    ("status=contacted", {"Chloe"}),
    ("interest=care_worker", {"Amira", "Chloe"}),
    ("interest=nurse", {"Ben", "Chloe"}),
    ("interest=care", set()),  # a whole interest, not a part of one
    ("area=ST", {"Amira", "Ben"}),
    ("area=st4", {"Amira"}),
    ("area=WS", {"Chloe"}),
    ("campaign=fb1", {"Amira"}),
    ("provider=NORTH", {"Amira", "Chloe"}),
    ("provider=SOUTH", {"Ben", "Chloe"}),
    ("age_band=18_24", {"Ben", "Dev"}),
    ("created_from=2025-03-11", {"Ben", "Chloe", "Dev"}),
    ("created_to=2025-03-11", {"Amira", "Ben"}),
    ("created_from=2025-03-11&created_to=2025-03-12", {"Ben", "Chloe"}),
    ("callback=1", {"Amira"}),
    ("q=chl", {"Chloe"}),
    ("q=BEN.JONES", {"Ben"}),
    ("q=07700900111", {"Amira"}),
    ("q=07700+900+333", {"Chloe"}),  # stored as +44 7700 900333
    ("q=900333", {"Chloe"}),
    ("q=nobody", set()),
    ("status=new&area=ST&provider=SOUTH", {"Ben"}),
])
def test_filters_and_search(dash: Dashboard, four_leads: dict[str, Lead], query: str,
                            expected: set[str]) -> None:
    assert names_listed(dash, query) == expected


@pytest.mark.parametrize("query, field, message", [
    ("status=lost", "status", "Choose a status"),
    ("area=12345", "area", "start of a postcode"),
    ("created_from=yesterday", "created_from", "YYYY-MM-DD"),
    ("created_from=2025-03-12&created_to=2025-03-01", "created_to", "before the start"),
    ("age_band=old", "age_band", "Choose an age band"),
    ("q=" + "x" * 101, "q", "at most 100"),
])
def test_a_bad_filter_is_explained_next_to_its_field(dash: Dashboard, query: str, field: str,
                                                    message: str) -> None:
    page = dash.client.get(f"/advisers/leads?{query}")
    assert page.status_code == 400
    error = page.text.index(f'id="{field}-error"')
    assert message in page.text[error:error + 300]
    assert f'aria-describedby="{field}-error"' in page.text or \
        f'{field}-hint {field}-error' in page.text
    assert "Traceback" not in page.text


def test_dates_are_uk_days_in_summer_time_too(dash: Dashboard) -> None:
    # 23:30 UTC on 1 July is 00:30 on 2 July in the UK.
    make_lead(dash.session, "Amira", created_at=datetime(2025, 7, 1, 23, 30, tzinfo=timezone.utc))
    assert names_listed(dash, "created_from=2025-07-02") == {"Amira"}
    assert names_listed(dash, "created_to=2025-07-01") == set()
    assert names_listed(dash, "created_from=2025-07-02&created_to=2025-07-02") == {"Amira"}


def test_callbacks_stand_out_in_the_list(dash: Dashboard, four_leads: dict[str, Lead]) -> None:
    page = dash.client.get("/advisers/leads").text
    row = page[page.index(f'/advisers/leads/{four_leads["Amira"].id}"') - 200:]
    assert '<tr class="callback">' in row[:200]
    assert page.count("Callback requested") == 1


def test_the_list_is_paginated(dash: Dashboard) -> None:
    for number in range(30):
        make_lead(dash.session, f"Person{number:02d}",
                  created_at=datetime(2025, 1, 1, tzinfo=timezone.utc) + timedelta(hours=number))
    first = dash.client.get("/advisers/leads").text
    assert "30 leads." in first and "Page 1 of 2" in first
    assert ">Person29</a>" in first and ">Person04</a>" not in first
    second = dash.client.get("/advisers/leads?page=2").text
    assert ">Person04</a>" in second and ">Person29</a>" not in second
    assert 'href="/advisers/leads?page=1"' in second
    assert "Page 2 of 2" in dash.client.get("/advisers/leads?page=99").text


def test_filters_are_kept_in_page_and_export_links(dash: Dashboard) -> None:
    for number in range(30):
        make_lead(dash.session, f"Person{number:02d}")
    page = dash.client.get("/advisers/leads?status=new&area=ST").text
    assert 'href="/advisers/leads?status=new&amp;area=ST&amp;page=2"' in page
    assert 'href="/advisers/leads/export.csv?status=new&amp;area=ST"' in page


def test_the_lead_page_shows_answers_consent_campaign_vacancies_and_history(
        dash: Dashboard) -> None:
    session = dash.session
    provider = make_provider(session, "DM", "Douglas Macmillan")
    campaign = make_campaign(session, "OPEN1", "Hospice open day", kind="open_day")
    shown = make_vacancy(session, "Healthcare assistant apprentice")
    lead = make_lead(session, "Amira", providers=[provider], campaign=campaign,
                     shown_vacancy_ids=[shown.id, 999999], interests=["care_worker"],
                     wants_callback=True)
    session.add(FollowUp(lead_id=lead.id, outcome="left_message", note="Try after 4pm"))
    session.flush()
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    for text in ("Amira", "07700", "care worker", "2025-01", "OPEN1: Hospice open day",
                 "Douglas Macmillan", "Healthcare assistant apprentice", "Left a message",
                 "Try after 4pm", "Callback requested",
                 "1 vacancy shown to them has since been removed"):
        assert text in page, text


def test_viewing_a_lead_is_audited(dash: Dashboard) -> None:
    lead = make_lead(dash.session, "Amira")
    dash.client.get(f"/advisers/leads/{lead.id}")
    (event,) = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "lead.viewed")).all()
    assert (event.actor, event.subject) == ("adviser@example.org", f"lead:{lead.id}")
    assert "Amira" not in repr(event.detail)


def test_mark_contacted(dash: Dashboard) -> None:
    lead = make_lead(dash.session, "Amira", created_at=datetime(2025, 1, 1, tzinfo=timezone.utc))
    response = dash.post(f"/advisers/leads/{lead.id}/contacted", {"note": "Rang at 10"})
    assert response.status_code == 303
    assert response.headers["location"] == f"/advisers/leads/{lead.id}?done=contacted#history"
    session = dash.fresh()
    stored = session.get(Lead, lead.id)
    assert stored is not None and stored.status == "contacted"
    assert stored.last_activity_at.year > 2025
    (follow_up,) = session.scalars(select(FollowUp)).all()
    assert (follow_up.outcome, follow_up.note) == ("contacted", "Rang at 10")
    assert follow_up.adviser_id == dash.adviser.id  # type: ignore[attr-defined]
    page = dash.client.get(response.headers["location"]).text
    assert "Marked as contacted." in page and "by adviser@example.org" in page


def test_add_a_note_with_an_outcome(dash: Dashboard) -> None:
    lead = make_lead(dash.session, "Amira")
    response = dash.post(f"/advisers/leads/{lead.id}/note",
                         {"outcome": "interview", "note": "Interview on Tuesday"})
    assert response.status_code == 303
    (follow_up,) = dash.fresh().scalars(select(FollowUp)).all()
    assert follow_up.outcome == "interview"
    assert dash.session.get(Lead, lead.id).status == "contacted"  # type: ignore[union-attr]


@pytest.mark.parametrize("data, field, message", [
    ({"outcome": "note", "note": "  "}, "note-note", "Write a note"),
    ({"outcome": "made-up", "note": "x"}, "note-outcome", "Choose an outcome"),
    ({"outcome": "note", "note": "x" * 2001}, "note-note", "at most 2000"),
])
def test_a_bad_note_is_explained_next_to_its_field(dash: Dashboard, data: dict[str, str],
                                                   field: str, message: str) -> None:
    lead = make_lead(dash.session, "Amira")
    response = dash.post(f"/advisers/leads/{lead.id}/note", data)
    assert response.status_code == 400
    error = response.text.index(f'id="{field}-error"')
    assert message in response.text[error:error + 200]
    assert dash.fresh().scalars(select(FollowUp)).all() == []
    assert dash.session.get(Lead, lead.id).status == "new"  # type: ignore[union-attr]


def test_close_a_lead(dash: Dashboard) -> None:
    lead = make_lead(dash.session, "Amira")
    assert dash.post(f"/advisers/leads/{lead.id}/close", {"reason": ""}).status_code == 400
    response = dash.post(f"/advisers/leads/{lead.id}/close",
                         {"reason": "hired", "note": "Started at DM"})
    assert response.status_code == 303
    session = dash.fresh()
    assert session.get(Lead, lead.id).status == "closed"  # type: ignore[union-attr]
    assert session.scalars(select(FollowUp.outcome)).all() == ["closed:hired"]
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert "Closed: started work or training" in page
    assert f"/advisers/leads/{lead.id}/contacted" not in page
    again = dash.post(f"/advisers/leads/{lead.id}/contacted")
    assert again.status_code == 400 and "This lead is closed." in again.text


def test_reassign_a_lead_to_another_provider(dash: Dashboard) -> None:
    north, south = make_provider(dash.session, "NORTH"), make_provider(dash.session, "SOUTH",
                                                                        "South Care")
    lead = make_lead(dash.session, "Amira", providers=[north])
    assert dash.post(f"/advisers/leads/{lead.id}/reassign",
                     {"provider": "NOPE"}).status_code == 400
    response = dash.post(f"/advisers/leads/{lead.id}/reassign",
                         {"provider": "south", "note": "Closer to home"})
    assert response.status_code == 303
    session = dash.fresh()
    routes = session.scalars(select(LeadRoute.provider_id).where(
        LeadRoute.lead_id == lead.id)).all()
    assert routes == [south.id]
    (follow_up,) = session.scalars(select(FollowUp)).all()
    assert follow_up.note == "Reassigned to South Care: Closer to home"


def test_a_withdrawn_lead_cannot_be_followed_up(dash: Dashboard) -> None:
    lead = make_lead(dash.session, "Amira", status="withdrawn")
    page = dash.client.get(f"/advisers/leads/{lead.id}").text
    assert "do not contact this person" in page and "/note" not in page
    response = dash.post(f"/advisers/leads/{lead.id}/note", {"outcome": "spoke", "note": "x"})
    assert response.status_code == 400
    assert dash.fresh().scalars(select(FollowUp)).all() == []


def read_csv(body: bytes) -> list[dict[str, str]]:
    assert body.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_export_is_excel_safe_and_follows_the_filters(
        dash: Dashboard, four_leads: dict[str, Lead]) -> None:
    make_lead(dash.session, "=HYPERLINK(\"http://evil\")", outcode="ST2",
              phone="+44 7700 900999", email="@x.example")
    response = dash.client.get("/advisers/leads/export.csv?area=ST")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"].startswith("attachment; filename=\"leads-")
    rows = read_csv(response.content)
    assert {row["first_name"] for row in rows} == {
        "Amira", "Ben", "'=HYPERLINK(\"http://evil\")"}
    evil = next(row for row in rows if row["first_name"].startswith("'="))
    assert evil["phone"] == "'+44 7700 900999" and evil["email"] == "'@x.example"
    amira = next(row for row in rows if row["first_name"] == "Amira")
    assert amira["campaign"] == "FB1" and amira["providers"] == "NORTH"
    assert amira["consent_version"] == "2025-01" and amira["wants_callback"] == "yes"


def test_an_export_is_audited_with_filters_and_count_but_no_lead_data(
        dash: Dashboard, four_leads: dict[str, Lead]) -> None:
    dash.client.get("/advisers/leads/export.csv?status=new&q=Amira")
    (event,) = dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "leads.exported")).all()
    assert event.actor == "adviser@example.org"
    assert event.detail["rows"] == 1 and event.detail["format"] == "csv"
    assert event.detail["filters"]["status"] == "new"
    assert "Amira" not in json.dumps(event.detail)
    assert "07700" not in json.dumps(event.detail)


def test_the_json_export(dash: Dashboard, four_leads: dict[str, Lead]) -> None:
    response = dash.client.get("/advisers/leads/export.json?interest=nurse")
    assert response.status_code == 200
    items = response.json()
    assert sorted(item["first_name"] for item in items) == ["Ben", "Chloe"]
    assert all(isinstance(item["interests"], list) for item in items)


def test_an_export_with_bad_filters_is_refused(dash: Dashboard) -> None:
    response = dash.client.get("/advisers/leads/export.csv?created_from=soon")
    assert response.status_code == 400
    assert dash.fresh().scalars(select(AuditEvent).where(
        AuditEvent.action == "leads.exported")).all() == []


def test_a_possible_duplicate_is_flagged_on_the_lead_page(dash: Dashboard) -> None:
    original = make_lead(dash.session, "Amira", phone="07700 900999")
    second = make_lead(dash.session, "Mallory", phone="07700 900999",
                       duplicate_of_id=original.id)
    dash.session.flush()
    flagged = dash.client.get(f"/advisers/leads/{second.id}").text
    plain = dash.client.get(f"/advisers/leads/{original.id}").text
    assert "Possible duplicate" in flagged and f"lead {original.id} has the same" in flagged
    assert "Possible duplicate" not in plain
