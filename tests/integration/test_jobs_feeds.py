"""Open vacancies for other websites: a provider's own, an area's or a role's, as JSON and
RSS with caching headers and no cookies; and each vacancy's page, with JobPosting markup
only for what a provider published itself."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from sqlalchemy import Engine

from tests.conftest import make_settings
from tests.factories import Dashboard, dashboard, make_provider, make_vacancy

TODAY = date(2026, 12, 6)


@pytest.fixture
def dash(engine: Engine, tmp_path: Path) -> Iterator[Dashboard]:
    settings = make_settings(tmp_path, carecareers_today="2026-12-06",
                             public_base_url="https://jobs.example.org")
    with dashboard(engine, settings) as harness:
        yield harness


def world(dash: Dashboard) -> dict[str, int]:
    session = dash.session
    make_provider(session, "oakwood", "Oakwood Care")
    ids = {
        "own": make_vacancy(session, "Care worker", source="provider_csv:oakwood",
                            role_code="care_worker", outcode="ST13", postcode="ST13 5NR",
                            location_text="Leek", posted_on=date(2026, 12, 1),
                            closes_on=date(2026, 12, 31), salary_min=12.71,
                            salary_period="hour", url="https://oakwood.example/apply/1").id,
        "own_old": make_vacancy(session, "Night carer", source="jsonld:oakwood",
                                role_code="care_worker", outcode="ST13",
                                posted_on=date(2026, 11, 1)).id,
        "closed": make_vacancy(session, "Senior carer", source="provider_csv:oakwood",
                               closes_on=date(2026, 12, 1), outcode="ST13").id,
        "board": make_vacancy(session, "Healthcare assistant", source="nhs_jobs",
                              role_code="healthcare_assistant", outcode="ST4",
                              postcode="ST4 6QG", posted_on=date(2026, 12, 2)).id,
        "other": make_vacancy(session, "Care worker", source="provider_csv:elsewhere",
                              role_code="care_worker", outcode="WS1").id,
    }
    make_vacancy(session, "Care worker (copy)", source="adzuna", outcode="ST13",
                 duplicate_of_id=ids["own"])
    session.flush()
    return ids


def titles(response_json: dict) -> list[str]:
    return [v["title"] for v in response_json["vacancies"]]


def test_a_providers_own_an_areas_and_a_roles_open_vacancies(dash: Dashboard) -> None:
    ids = world(dash)
    own = dash.client.get("/jobs.json?provider=oakwood")
    assert own.status_code == 200
    assert titles(own.json()) == ["Care worker", "Night carer"]  # newest first
    first = own.json()["vacancies"][0]
    assert first["page_url"] == f"https://jobs.example.org/jobs/{ids['own']}"
    assert first["apply_url"] == "https://oakwood.example/apply/1"
    assert first["salary"] == "£12.71 an hour" and first["closing_date"] == "2026-12-31"
    area = dash.client.get("/jobs.json?area=st").json()
    assert sorted(titles(area)) == ["Care worker", "Healthcare assistant", "Night carer"]
    role = dash.client.get("/jobs.json?role=care_worker&limit=50").json()
    assert sorted(titles(role)) == ["Care worker", "Care worker", "Night carer"]
    assert titles(dash.client.get("/jobs.json?area=ST13&limit=1").json()) == ["Care worker"]


def test_feeds_are_cached_shared_and_set_no_cookie(dash: Dashboard) -> None:
    world(dash)
    first = dash.client.get("/jobs.json?provider=oakwood")
    assert first.headers["cache-control"] == "public, max-age=300"
    assert first.headers["access-control-allow-origin"] == "*"
    assert "set-cookie" not in first.headers
    etag = first.headers["etag"]
    again = dash.client.get("/jobs.json?provider=oakwood", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    other = dash.client.get("/jobs.json?area=ST4", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["etag"] != etag


def test_the_rss_feed_links_each_vacancy_to_its_page(dash: Dashboard) -> None:
    ids = world(dash)
    response = dash.client.get("/jobs.rss?provider=oakwood")
    assert response.headers["content-type"].startswith("application/rss+xml")
    channel = ElementTree.fromstring(response.content).find("channel")
    assert channel is not None
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Care worker", "Night carer"]
    assert items[0].findtext("link") == f"https://jobs.example.org/jobs/{ids['own']}"
    assert "Leek" in (items[0].findtext("description") or "")
    assert items[0].findtext("pubDate") == "Tue, 01 Dec 2026 00:00:00 +0000"


def test_bad_filters_get_a_clear_answer(dash: Dashboard) -> None:
    world(dash)
    assert dash.client.get("/jobs.json?provider=nobody").status_code == 404
    assert dash.client.get("/jobs.json?provider=nobody").json()["detail"] == \
        "There is no such provider."
    assert dash.client.get("/jobs.json?area=1234").status_code == 400
    assert dash.client.get("/jobs.rss?role=astronaut").status_code == 400
    assert dash.client.get("/jobs.json?limit=500").status_code == 422


def test_only_a_providers_own_vacancy_is_marked_up_as_a_job_posting(dash: Dashboard) -> None:
    ids = world(dash)
    page = dash.client.get(f"/jobs/{ids['own']}")
    assert page.status_code == 200
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert found, page.text
    posting = json.loads(found.group(1))
    assert posting["@type"] == "JobPosting" and posting["title"] == "Care worker"
    assert posting["datePosted"] == "2026-12-01"
    assert posting["validThrough"].startswith("2026-12-31")
    assert posting["jobLocation"]["address"]["postalCode"] == "ST13 5NR"
    assert posting["baseSalary"]["value"] == {"@type": "QuantitativeValue", "unitText": "HOUR",
                                              "minValue": 12.71}
    assert 'href="https://oakwood.example/apply/1"' in page.text
    board = dash.client.get(f"/jobs/{ids['board']}")
    assert board.status_code == 200 and "application/ld+json" not in board.text
    assert dash.client.get(f"/jobs/{ids['closed']}").status_code == 404
    assert dash.client.get("/jobs/999999").status_code == 404
