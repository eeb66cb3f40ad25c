"""feeds.yml, the demo feed, the CSV template and safe feed locations."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from carecareers.careers.content import load_content
from carecareers.geo import gazetteer_for
from carecareers.runtime.demo import render_demo_feed
from carecareers.vacancies.errors import UnknownSource
from carecareers.vacancies.feeds import FeedConfigError, feeds_yml, load_feeds
from carecareers.vacancies.fetch import redact
from carecareers.vacancies.normalise import Normaliser
from carecareers.vacancies.records import VacancyRecord
from carecareers.vacancies.roles import role_index_for
from carecareers.vacancies.salary import pay_rates_for
from carecareers.vacancies.sources import FORMATS
from carecareers.vacancies.sources.provider_csv import COLUMNS

ROOT = Path(__file__).resolve().parents[2]
CONTENT = ROOT / "content"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "feeds.yml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_configured_feeds_load_and_the_demo_is_local() -> None:
    feeds = load_feeds(feeds_yml(CONTENT), environ={})
    assert [f.name for f in feeds] == ["demo-nhs-jobs"]
    demo = feeds[0]
    assert demo.source == "nhs_jobs" and demo.complete and demo.ready
    assert Path(demo.location).is_file()


def test_variables_relative_paths_and_disabled_feeds(tmp_path: Path) -> None:
    path = write(tmp_path, """
feeds:
  - {name: local, source: provider_csv, location: feeds/acme.csv}
  - {name: off, source: nhs_jobs, location: x.xml, enabled: false}
  - name: api
    source: adzuna
    location: https://api.example.org/search?app_id=${APP_ID}&app_key=${APP_KEY}
    headers: {X-Key: "${APP_KEY}"}
""")
    local, api = load_feeds(path, environ={"APP_ID": "id1"})

    assert local.location == str(tmp_path / "feeds" / "acme.csv")
    assert not api.ready and api.missing_variables == ("APP_KEY",)
    ready = load_feeds(path, environ={"APP_ID": "id1", "APP_KEY": "k2"})[1]
    assert ready.location.endswith("app_id=id1&app_key=k2")
    assert ready.headers == {"X-Key": "k2"}


@pytest.mark.parametrize(("text", "error"), [
    ("feeds: nope", FeedConfigError),
    ("feeds:\n  - {name: a, location: x}", FeedConfigError),
    ("feeds:\n  - {name: a, source: monster, location: x}", UnknownSource),
    ("feeds: [unclosed", FeedConfigError),
])
def test_bad_feed_files(tmp_path: Path, text: str, error: type[Exception]) -> None:
    with pytest.raises(error):
        load_feeds(write(tmp_path, text), environ={})


@pytest.mark.parametrize("seeded", [date(2026, 11, 29), date(2028, 6, 1)])
def test_the_demo_feed_is_a_realistic_nhs_jobs_sample(tmp_path: Path, seeded: date) -> None:
    template = (CONTENT / "demo" / "nhs_jobs_sample.xml").read_text(encoding="utf-8")
    path = tmp_path / "demo.xml"
    path.write_text(render_demo_feed(template, seeded, load_content(CONTENT)), encoding="utf-8")
    normaliser = Normaliser(gazetteer_for(CONTENT), role_index_for(CONTENT),
                            pay_rates_for(CONTENT), seeded)
    records = list(FORMATS["nhs_jobs"].records(path))
    assert all(isinstance(r, VacancyRecord) for r in records)
    values = [normaliser.normalise(r).values for r in records if isinstance(r, VacancyRecord)]

    assert 20 <= len(values) <= 30
    assert sum(v["is_apprenticeship"] for v in values) >= 4
    assert all(v["title"].startswith("Sample: ") for v in values)
    closing = sorted(v["closes_on"] for v in values)
    assert closing[0] > seeded
    assert sum(c <= seeded + timedelta(days=15) for c in closing) >= 2
    assert sum(c >= seeded + timedelta(days=64) for c in closing) >= 10
    assert all(v["posted_on"] <= seeded for v in values if v.get("posted_on"))
    assert all(v["outcode"] and v["latitude"] for v in values)
    assert all(v["outcode"].startswith(("ST", "WS", "DE", "B")) for v in values)
    assert len({v["dedupe_key"] for v in values}) == len(values)


def test_the_csv_template_has_the_documented_columns() -> None:
    header = (CONTENT / "templates" / "provider_vacancies.csv").read_text(
        encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == COLUMNS
    doc = (ROOT / "docs" / "provider-csv-template.md").read_text(encoding="utf-8")
    assert all(f"`{column}`" in doc for column in COLUMNS)
    info = FORMATS["provider_csv"].check(CONTENT / "templates" / "provider_vacancies.csv")
    assert info.entries == 2


@pytest.mark.parametrize(("location", "safe"), [
    ("https://api.adzuna.com/x?app_id=1&app_key=SECRET&what=care",
     "https://api.adzuna.com/x?app_id=***&app_key=***&what=care"),
    ("https://user:pw@example.org/feed.xml?token=abc", "https://example.org/feed.xml?token=***"),
    ("content/demo/nhs_jobs_sample.xml", "content/demo/nhs_jobs_sample.xml"),
])
def test_locations_are_redacted(location: str, safe: str) -> None:
    assert redact(location) == safe
