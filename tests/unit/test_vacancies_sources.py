"""Each feed format's reader and mapper, on the fixtures written in that format."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from carecareers.vacancies.errors import FeedError, UnknownSource
from carecareers.vacancies.records import BadEntry, VacancyRecord
from carecareers.vacancies.sources import FORMATS, attribution_of, format_of
from carecareers.vacancies.sources.dwp_find_a_job import job_id

FEEDS = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def records(source: str, name: str) -> list[VacancyRecord | BadEntry]:
    return list(FORMATS[source].records(FEEDS / name))


def good(source: str, name: str) -> dict[str, VacancyRecord]:
    found = records(source, name)
    assert all(isinstance(r, VacancyRecord) for r in found), found
    return {r.source_id: r for r in found if isinstance(r, VacancyRecord)}


def reasons(source: str, name: str) -> list[tuple[int, str]]:
    return [(r.index, r.reason) for r in records(source, name) if isinstance(r, BadEntry)]


def test_sources_name_a_format_and_an_optional_label() -> None:
    assert format_of("nhs_jobs").name == "nhs_jobs"
    assert format_of("provider_csv:dove-meadows").name == "provider_csv"
    for bad in ("monster", "nhs_jobs:", "NHS_JOBS", "provider_csv:Bad Label"):
        with pytest.raises(UnknownSource):
            format_of(bad)
    nhs = attribution_of("nhs_jobs")
    assert nhs is not None and nhs.text.startswith("Contains NHS Jobs data")
    assert attribution_of("provider_csv:acme") is None
    assert attribution_of("retired_source") is None


def test_nhs_jobs() -> None:
    jobs = good("nhs_jobs", "nhs_jobs.xml")
    hsw = jobs["9f1c2a77-5b0e-4d5e-9a51-000000000101"]
    assert hsw.title == "Healthcare Support Worker"
    assert hsw.employer == "University Hospitals of North Midlands NHS Trust"
    assert hsw.location_text == "Royal Stoke University Hospital, Stoke-on-Trent, ST4 6QG"
    assert hsw.postcode == "ST4 6QG"
    assert hsw.description.startswith("<p>Join our <strong>Ward 120</strong>")
    assert (hsw.posted_on, hsw.closes_on) == (date(2026, 11, 20), date(2027, 1, 15))
    assert hsw.url == "https://www.jobs.nhs.uk/candidate/jobadvert/C9333-26-1001"
    assert hsw.contract_type == "Permanent"
    tna = jobs["9f1c2a77-5b0e-4d5e-9a51-000000000104"]
    assert tna.location_text == "St George's Hospital, Stafford, ST16 3SR"
    info = FORMATS["nhs_jobs"].check(FEEDS / "nhs_jobs.xml")
    assert (info.entries, info.total_pages) == (5, 1)


def test_nhs_jobs_bad_entries() -> None:
    assert reasons("nhs_jobs", "nhs_jobs_bad_entries.xml") == [
        (2, "missing id"), (3, "missing title"), (4, "bad closing date")]


def test_nhs_jobs_with_a_namespace(tmp_path: Path) -> None:
    path = tmp_path / "ns.xml"
    path.write_text('<nhsJobs xmlns="urn:x"><vacancyDetails><id>1</id><title>Carer</title>'
                    "</vacancyDetails></nhsJobs>", encoding="utf-8")
    assert [r.title for r in FORMATS["nhs_jobs"].records(path)] == ["Carer"]  # type: ignore[union-attr]


@pytest.mark.parametrize(("name", "message"), [
    ("nhs_jobs_truncated.xml", "NHS Jobs feed is truncated: it ends at line 40"),
    ("nhs_jobs_malformed.xml", "not well-formed XML: mismatched tag at line 12"),
    ("nhs_jobs_wrong_root.xml", "the root element is <rss>"),
])
def test_nhs_jobs_bad_files(name: str, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        FORMATS["nhs_jobs"].check(FEEDS / name)


def test_an_empty_xml_file(tmp_path: Path) -> None:
    (tmp_path / "empty.xml").write_text("", encoding="utf-8")
    with pytest.raises(FeedError, match="empty"):
        FORMATS["nhs_jobs"].check(tmp_path / "empty.xml")


def test_find_an_apprenticeship() -> None:
    jobs = good("find_apprenticeship", "find_apprenticeship.json")
    hsw = jobs["VAC2000061001"]
    assert (hsw.is_apprenticeship, hsw.level, hsw.postcode) == (True, 2, "ST16 3SA")
    assert (hsw.latitude, hsw.longitude) == (52.8211, -2.1269)
    assert (hsw.salary_min, hsw.salary_period) == (24465, "year")
    assert hsw.location_text == "Stafford, ST16 3SA"
    assert "Expected duration: 12 Months" in hsw.description
    assert hsw.url.endswith("VAC2000061001")
    minimum = jobs["VAC2000061002"]
    assert minimum.salary_text == "Apprenticeship minimum wage"
    # Named by rule: the normaliser prices it on the posting day (test_vacancies_normalise).
    assert (minimum.pay_rule, minimum.salary_min, minimum.posted_on) == (
        "apprentice_minimum", None, date(2026, 11, 21))
    assert jobs["VAC2000061003"].level == 3
    assert jobs["VAC2000061003"].extra_text == "Lead adult care worker (level 3)"
    info = FORMATS["find_apprenticeship"].check(FEEDS / "find_apprenticeship.json")
    assert (info.total_pages, info.meta["total"]) == (1, 3)


def test_find_an_apprenticeship_bad_entries() -> None:
    assert reasons("find_apprenticeship", "find_apprenticeship_bad_entries.json") == [
        (2, "not an object"), (3, "not an object"), (4, "missing id"), (5, "missing title"),
        (6, "bad closing date"), (7, "bad level")]


def test_dwp_find_a_job() -> None:
    jobs = good("dwp_find_a_job", "dwp_find_a_job.json")
    assert set(jobs) == {"13200001", "13200002", "13200003"}
    days = jobs["13200001"]
    assert (days.employer, days.salary_text) == ("Trentside Care Home", "£12.60 per hour")
    assert days.location_text == "Longton, Stoke-on-Trent, ST3 1HA"
    assert days.closes_on == date(2027, 1, 20)
    assert reasons("dwp_find_a_job", "dwp_find_a_job_bad_entries.json") == [
        (2, "missing id"), (3, "missing title"), (4, "bad posted date")]


def test_dwp_job_ids_come_from_the_url() -> None:
    assert job_id("https://findajob.dwp.gov.uk/details/13200001") == "13200001"
    assert job_id("https://findajob.dwp.gov.uk/details/13200001?src=api") == "13200001"
    assert job_id("https://example.org/job?jobId=555").startswith("555")
    assert job_id("https://example.org/job/abc").startswith("url-")


def test_adzuna() -> None:
    jobs = good("adzuna", "adzuna.json")
    senior = jobs["4921837001"]
    assert senior.title == "Senior Care Assistant"
    assert (senior.latitude, senior.longitude) == (52.8069, -2.1166)
    assert senior.salary_text == "£25,500 a year"
    assert senior.contract_type == "permanent, full time"
    assert senior.closes_on is None and senior.posted_on == date(2026, 11, 24)
    assert jobs["4921837002"].salary_text.endswith("(estimated by Adzuna)")
    assert jobs["4921837002"].location_text == "Hanley, Stoke-on-Trent"
    assert jobs["4921837003"].salary_text == ""
    assert reasons("adzuna", "adzuna_bad_entries.json") == [
        (2, "missing id"), (3, "missing title"), (4, "bad posted date")]


def test_jsonld_single_list_and_page() -> None:
    single = good("jsonld", "jsonld_single.json")["BH-2026-014"]
    assert (single.employer, single.postcode) == ("Blurton Hospice", "ST3 3NZ")
    assert (single.salary_min, single.salary_max, single.salary_period) == (12.45, 13.10, "hour")
    assert single.contract_type == "full time, part time"
    assert single.closes_on == date(2027, 1, 8)
    listed = good("jsonld", "jsonld_list.json")
    assert set(listed) == {"CH-101", "102"}
    assert listed["CH-101"].employer == "Cannock Chase Care Homes"
    assert listed["102"].location_text == "Rugeley, WS15 2AB"
    page = records("jsonld", "jsonld_page.html")
    assert [getattr(r, "source_id", None) for r in page] == ["SCC-7", None, "SCC-8"]
    assert isinstance(page[1], BadEntry) and page[1].reason == "malformed JSON-LD"
    assert page[2].location_text == "Stone, Staffordshire ST15 8AA"  # type: ignore[union-attr]


def test_jsonld_bad_files(tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="truncated"):
        FORMATS["jsonld"].check(FEEDS / "jsonld_truncated.json")
    (tmp_path / "text.txt").write_text("hello", encoding="utf-8")
    with pytest.raises(FeedError, match="neither JSON nor HTML"):
        FORMATS["jsonld"].check(tmp_path / "text.txt")
    (tmp_path / "none.html").write_text("<html><body>No jobs today</body></html>")
    assert FORMATS["jsonld"].check(tmp_path / "none.html").entries == 0


def test_provider_csv() -> None:
    rows = good("provider_csv", "provider_csv.csv")
    apprentice = rows["DMH-002"]
    assert (apprentice.is_apprenticeship, apprentice.level) == (True, 2)
    assert (apprentice.posted_on, apprentice.closes_on) == (date(2026, 11, 20), date(2027, 2, 28))
    assert rows["DMH-001"].is_apprenticeship is False
    assert rows["DMH-001"].location_text == "12 Dove Lane, Uttoxeter, ST14 8AA"
    assert "Hours per week: 36" in rows["DMH-001"].description
    assert reasons("provider_csv", "provider_csv_bad_entries.csv") == [
        (2, "missing title"), (3, "bad closing date"), (4, "bad level"),
        (5, "bad apprenticeship value"), (6, "wrong number of columns"), (7, "missing id")]


def test_provider_csv_from_excel_with_a_bom_and_too_few_columns(tmp_path: Path) -> None:
    path = tmp_path / "excel.csv"
    path.write_bytes("\ufeffReference,Title,Closing_Date\nX-1,Carer,01/02/2027\nX-2,Short\n"
                     .encode("utf-8"))
    found = list(FORMATS["provider_csv"].records(path))
    assert isinstance(found[0], VacancyRecord) and found[0].closes_on == date(2027, 2, 1)
    assert isinstance(found[1], BadEntry) and found[1].reason == "wrong number of columns"


@pytest.mark.parametrize(("name", "message"), [
    ("provider_csv_truncated.csv", "truncated or malformed"),
    ("provider_csv_missing_columns.csv", "missing column\\(s\\) reference, title"),
])
def test_provider_csv_bad_files(name: str, message: str) -> None:
    with pytest.raises(FeedError, match=message):
        FORMATS["provider_csv"].check(FEEDS / name)


def test_a_csv_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("reference,title\nA,Caf\xe9 carer\n".encode("latin-1"))
    with pytest.raises(FeedError, match="not UTF-8"):
        FORMATS["provider_csv"].check(path)
