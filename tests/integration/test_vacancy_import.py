"""import_source on SQLite and PostgreSQL: every format, bad entries, bad files, re-imports."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from vacancy_helpers import (
    FEEDS,
    TODAY,
    count_vacancies,
    factory_for,
    import_feed,
    nhs_job,
    noon_on,
    vacancies,
    write_nhs_feed,
)

from carecareers.models import FeedImport
from carecareers.vacancies.errors import FeedError, UnknownSource
from carecareers.vacancies.importing import record_failed_import

GOOD_FEEDS = [
    ("nhs_jobs", "nhs_jobs.xml", 5),
    ("find_apprenticeship", "find_apprenticeship.json", 3),
    ("dwp_find_a_job", "dwp_find_a_job.json", 3),
    ("adzuna", "adzuna.json", 3),
    ("jsonld", "jsonld_single.json", 1),
    ("jsonld", "jsonld_list.json", 2),
    ("jsonld", "jsonld_page.html", 2),
    ("provider_csv", "provider_csv.csv", 3),
]

BAD_FILES = [
    ("nhs_jobs", "nhs_jobs_truncated.xml", "truncated"),
    ("nhs_jobs", "nhs_jobs_malformed.xml", "not well-formed"),
    ("nhs_jobs", "nhs_jobs_wrong_root.xml", "not an NHS Jobs"),
    ("find_apprenticeship", "find_apprenticeship_truncated.json", "truncated"),
    ("dwp_find_a_job", "dwp_find_a_job_malformed.json", "not valid JSON"),
    ("adzuna", "adzuna_truncated.json", "truncated"),
    ("jsonld", "jsonld_truncated.json", "truncated"),
    ("provider_csv", "provider_csv_truncated.csv", "truncated or malformed"),
    ("provider_csv", "provider_csv_missing_columns.csv", "missing column"),
    ("find_apprenticeship", "nhs_jobs.xml", "not JSON"),
]

pytest_plugins = ["vacancy_fixtures"]


@pytest.mark.parametrize(("source", "name", "expected"), GOOD_FEEDS)
def test_each_format_imports_its_fixture(vacancy_engine: Engine, source: str, name: str,
                                         expected: int) -> None:
    summary = import_feed(vacancy_engine, source, FEEDS / name)

    assert (summary.created, summary.updated, summary.unchanged) == (expected, 0, 0)
    stored = vacancies(vacancy_engine, source=source)
    assert len(stored) == expected
    assert all(v.status == "open" and v.title and v.content_hash for v in stored)
    assert all(v.latitude is not None and v.outcode for v in stored)


def test_nhs_jobs_entries_are_normalised(vacancy_engine: Engine) -> None:
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
    by_ref = {v.url.rsplit("/", 1)[-1]: v for v in vacancies(vacancy_engine)}

    hsw = by_ref["C9333-26-1001"]
    assert hsw.role_code == "healthcare_assistant"
    assert (hsw.postcode, hsw.outcode) == ("ST4 6QG", "ST4")
    assert hsw.description.startswith("Join our Ward 120 team at Royal Stoke & help")
    assert "<" not in hsw.description
    assert (hsw.salary_min, hsw.salary_max, hsw.salary_period) == (24465, 24465, "year")
    apprentice = by_ref["C9333-26-1002"]
    assert (apprentice.is_apprenticeship, apprentice.level) == (True, 2)
    assert apprentice.closes_on.isoformat() == "2027-02-01"
    nurse = by_ref["C9333-26-1003"]  # "Band 5", posted 15 November 2026: the 2026/27 row
    assert (nurse.role_code, nurse.salary_min, nurse.salary_max) == ("registered_nurse", 32074,
                                                                     39043)
    assert by_ref["M9447-26-2001"].role_code == "nursing_associate"
    assert by_ref["M9447-26-2002"].salary_period == "hour"


def test_bad_entries_are_skipped_and_reported(vacancy_engine: Engine) -> None:
    summary = import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs_bad_entries.xml")

    assert summary.entries == 7
    assert summary.created == 1
    assert summary.duplicates == 1
    assert summary.skipped == 5
    assert summary.skipped_reasons == {
        "missing id": 1, "missing title": 1, "bad closing date": 1, "already closed": 1,
        "duplicate id": 1,
    }
    assert [e.index for e in summary.skipped_examples] == [2, 3, 4, 5, 7]
    assert summary.skipped_examples[1].source_id == "bad-0003"
    assert [v.source_id for v in vacancies(vacancy_engine)] == ["bad-0001"]


@pytest.mark.parametrize(("source", "name", "reasons"), [
    ("find_apprenticeship", "find_apprenticeship_bad_entries.json",
     {"not an object": 2, "missing id": 1, "missing title": 1, "bad closing date": 1,
      "bad level": 1}),
    ("dwp_find_a_job", "dwp_find_a_job_bad_entries.json",
     {"missing id": 1, "missing title": 1, "bad posted date": 1}),
    ("adzuna", "adzuna_bad_entries.json",
     {"missing id": 1, "missing title": 1, "bad posted date": 1}),
    ("provider_csv", "provider_csv_bad_entries.csv",
     {"missing title": 1, "bad closing date": 1, "bad level": 1, "bad apprenticeship value": 1,
      "wrong number of columns": 1, "missing id": 1}),
    ("jsonld", "jsonld_page.html", {"malformed JSON-LD": 1}),
])
def test_bad_entries_of_each_format(vacancy_engine: Engine, source: str, name: str,
                                    reasons: dict[str, int]) -> None:
    summary = import_feed(vacancy_engine, source, FEEDS / name)

    assert summary.skipped_reasons == reasons
    assert summary.created >= 1
    assert summary.skipped_examples


@pytest.mark.parametrize(("source", "name", "message"), BAD_FILES)
def test_a_bad_file_raises_feed_error_and_changes_nothing(
    vacancy_engine: Engine, source: str, name: str, message: str
) -> None:
    good = next(name for known, name, _ in GOOD_FEEDS if known == source)
    import_feed(vacancy_engine, source, FEEDS / good)
    before = [(v.id, v.content_hash, v.status) for v in vacancies(vacancy_engine)]

    with pytest.raises(FeedError, match=message):
        import_feed(vacancy_engine, source, FEEDS / name, complete=True)

    assert [(v.id, v.content_hash, v.status) for v in vacancies(vacancy_engine)] == before


def test_a_missing_file_is_a_feed_error(vacancy_engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(FeedError, match="no such feed file"):
        import_feed(vacancy_engine, "nhs_jobs", tmp_path / "nowhere.xml")


def test_an_unknown_source_is_refused(vacancy_engine: Engine) -> None:
    with pytest.raises(UnknownSource, match="unknown source 'monster'"):
        import_feed(vacancy_engine, "monster", FEEDS / "nhs_jobs.xml")


def test_importing_twice_changes_nothing(vacancy_engine: Engine) -> None:
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
    first = [(v.id, v.content_hash) for v in vacancies(vacancy_engine)]

    again = import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")

    assert (again.created, again.updated, again.unchanged, again.expired) == (0, 0, 5, 0)
    assert [(v.id, v.content_hash) for v in vacancies(vacancy_engine)] == first


def test_a_changed_entry_is_updated_in_place(vacancy_engine: Engine, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [nhs_job(1), nhs_job(2)]))
    before = {v.source_id: v for v in vacancies(vacancy_engine)}

    changed = nhs_job(2, salary="£24,937 - £26,598 a year", closeDate="2027-02-28")
    summary = import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [nhs_job(1), changed]))

    assert (summary.created, summary.updated, summary.unchanged) == (0, 1, 1)
    after = {v.source_id: v for v in vacancies(vacancy_engine)}
    assert after["job-0002"].id == before["job-0002"].id
    assert (after["job-0002"].salary_min, after["job-0002"].salary_max) == (24937, 26598)
    assert after["job-0002"].closes_on.isoformat() == "2027-02-28"
    assert after["job-0002"].content_hash != before["job-0002"].content_hash


def test_vacancies_past_their_closing_date_expire(vacancy_engine: Engine,
                                                  tmp_path: Path) -> None:
    feed = write_nhs_feed(tmp_path / "feed.xml",
                          [nhs_job(1, closeDate="2026-12-05"), nhs_job(2, closeDate="2027-03-01")])
    import_feed(vacancy_engine, "nhs_jobs", feed)

    summary = import_feed(vacancy_engine, "nhs_jobs", feed, today=date(2026, 12, 6))

    assert summary.expired == 1
    statuses = {v.source_id: v.status for v in vacancies(vacancy_engine)}
    assert statuses == {"job-0001": "expired", "job-0002": "open"}


def test_a_complete_feed_expires_the_vacancies_it_no_longer_lists(
    vacancy_engine: Engine, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [nhs_job(n) for n in (1, 2, 3)]))
    import_feed(vacancy_engine, "dwp_find_a_job", FEEDS / "dwp_find_a_job.json")

    partial = import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [nhs_job(1)]))
    assert partial.expired == 0
    complete = import_feed(vacancy_engine, "nhs_jobs", feed, complete=True)

    assert complete.expired == 2
    statuses = {v.source_id: v.status for v in vacancies(vacancy_engine, source="nhs_jobs")}
    assert statuses == {"job-0001": "open", "job-0002": "expired", "job-0003": "expired"}
    assert {v.status for v in vacancies(vacancy_engine, source="dwp_find_a_job")} == {"open"}


def test_an_expired_vacancy_listed_again_reopens(vacancy_engine: Engine, tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [nhs_job(1), nhs_job(2)]))
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(feed, [nhs_job(1)]), complete=True)

    both = write_nhs_feed(feed, [nhs_job(1), nhs_job(2)])
    summary = import_feed(vacancy_engine, "nhs_jobs", both)

    assert summary.updated == 1
    assert {v.status for v in vacancies(vacancy_engine)} == {"open"}


def test_a_complete_import_refuses_one_page_of_many(vacancy_engine: Engine,
                                                    tmp_path: Path) -> None:
    feed = write_nhs_feed(tmp_path / "page1.xml", [nhs_job(1)], total_pages=3)
    with pytest.raises(FeedError, match="one page of 3"):
        import_feed(vacancy_engine, "nhs_jobs", feed, complete=True)
    assert import_feed(vacancy_engine, "nhs_jobs", feed).created == 1


def test_the_same_job_in_two_feeds_is_linked_to_the_first(vacancy_engine: Engine) -> None:
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
    summary = import_feed(vacancy_engine, "find_apprenticeship",
                          FEEDS / "find_apprenticeship.json")

    assert summary.cross_feed_duplicates == 1
    nhs = {v.url.rsplit("/", 1)[-1]: v for v in vacancies(vacancy_engine, source="nhs_jobs")}
    faa = {v.source_id: v for v in vacancies(vacancy_engine, source="find_apprenticeship")}
    assert faa["VAC2000061001"].duplicate_of_id == nhs["C9333-26-1002"].id
    assert faa["VAC2000061002"].duplicate_of_id is None
    assert all(v.duplicate_of_id is None for v in nhs.values())


def test_a_duplicate_stands_alone_once_its_original_expires(vacancy_engine: Engine,
                                                            tmp_path: Path) -> None:
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
    import_feed(vacancy_engine, "find_apprenticeship", FEEDS / "find_apprenticeship.json")

    empty = write_nhs_feed(tmp_path / "empty.xml", [])
    import_feed(vacancy_engine, "nhs_jobs", empty, complete=True)

    faa = {v.source_id: v for v in vacancies(vacancy_engine, source="find_apprenticeship")}
    assert faa["VAC2000061001"].duplicate_of_id is None


def test_each_import_is_recorded(vacancy_engine: Engine) -> None:
    summary = import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs_bad_entries.xml")

    with factory_for(vacancy_engine)() as session:
        row = session.get(FeedImport, summary.feed_import_id)
        assert row is not None
        assert (row.source, row.created, row.skipped, row.entries, row.duplicates) == (
            "nhs_jobs", 1, 5, 7, 1)
        assert row.finished_at is not None and row.error is None
        assert row.details["skipped_reasons"]["missing title"] == 1
    assert json.loads(json.dumps(summary.as_dict()))["skipped_examples"][0]["entry"] == 2


def test_a_failed_import_can_be_recorded_in_its_own_transaction(vacancy_engine: Engine) -> None:
    with pytest.raises(FeedError) as failure:
        import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs_truncated.xml")
    with factory_for(vacancy_engine)() as session, session.begin():
        record_failed_import(session, "nhs_jobs", "https://example.org/f?app_key=SECRET",
                             str(failure.value), noon_on(TODAY).now())

    with factory_for(vacancy_engine)() as session:
        row = session.scalars(select(FeedImport)).one()
    assert "truncated" in (row.error or "")
    assert "SECRET" not in row.location
    assert count_vacancies(vacancy_engine) == 0


def test_sources_with_labels_are_kept_apart(vacancy_engine: Engine) -> None:
    import_feed(vacancy_engine, "provider_csv:dove-meadows", FEEDS / "provider_csv.csv")
    import_feed(vacancy_engine, "provider_csv:good-care", FEEDS / "provider_csv_bad_entries.csv")

    summary = import_feed(vacancy_engine, "provider_csv:good-care",
                          FEEDS / "provider_csv_bad_entries.csv", complete=True)

    assert summary.expired == 0
    assert len(vacancies(vacancy_engine, source="provider_csv:dove-meadows", status="open")) == 3


def test_progress_is_reported(vacancy_engine: Engine) -> None:
    seen: list[int] = []
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml", progress=seen.append)
    assert seen and seen[-1] == 5


def test_large_feeds_read_the_stored_rows_once_with_the_same_results(
    vacancy_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("carecareers.vacancies.importing.PRELOAD_ENTRIES", 1)
    feed = tmp_path / "feed.xml"
    import_feed(vacancy_engine, "nhs_jobs", FEEDS / "nhs_jobs.xml")
    import_feed(vacancy_engine, "nhs_jobs:second", write_nhs_feed(feed, [nhs_job(1), nhs_job(2)]))

    faa = import_feed(vacancy_engine, "find_apprenticeship", FEEDS / "find_apprenticeship.json")
    changed = nhs_job(2, salary="Band 4")
    again = import_feed(vacancy_engine, "nhs_jobs:second", write_nhs_feed(feed, [changed]),
                        complete=True)

    assert faa.cross_feed_duplicates == 1
    assert (again.created, again.updated, again.unchanged, again.expired) == (0, 1, 0, 1)
    second = {v.source_id: v for v in vacancies(vacancy_engine, source="nhs_jobs:second")}
    # Band 4, posted 20 November 2026: the 2026/27 row of content/careers/pay.yml.
    assert (second["job-0001"].status, second["job-0002"].salary_min) == ("expired", 28392)
