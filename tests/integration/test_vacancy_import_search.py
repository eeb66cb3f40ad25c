"""search_vacancies on SQLite and PostgreSQL: distance, relevance, filters, duplicates."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from vacancy_helpers import (
    FEEDS,
    TODAY,
    factory_for,
    gazetteer,
    import_feed,
    nhs_job,
    roles,
    write_nhs_feed,
)

from carecareers.geo import UnknownPlace
from carecareers.vacancies.search import SearchResult, search_vacancies

pytest_plugins = ["vacancy_fixtures"]


def search(engine: Engine, **options: Any) -> SearchResult:
    options.setdefault("today", TODAY)
    with factory_for(engine)() as session:
        return search_vacancies(session, gazetteer=gazetteer(), roles=roles(), **options)


@pytest.fixture
def spread(vacancy_engine: Engine, tmp_path: Path) -> Engine:
    """Five care jobs at known distances from ST4 (Stoke)."""
    jobs = [
        nhs_job(1, title="Care Assistant", locations="Stafford, ST16 3SA"),
        nhs_job(2, title="Care Assistant", locations="Stoke-on-Trent, ST4 6QG"),
        nhs_job(3, title="Care Assistant", locations="Birmingham, B1 1AA"),
        nhs_job(4, title="Care Assistant", locations="Newcastle-under-Lyme, ST5 1LZ"),
        nhs_job(5, title="Healthcare Support Worker", locations="Hanley, ST1 3EE"),
    ]
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "spread.xml", jobs))
    return vacancy_engine


@pytest.fixture
def fixtures_loaded(vacancy_engine: Engine) -> Engine:
    for source, name in [("nhs_jobs", "nhs_jobs.xml"),
                         ("find_apprenticeship", "find_apprenticeship.json"),
                         ("dwp_find_a_job", "dwp_find_a_job.json"),
                         ("adzuna", "adzuna.json"),
                         ("provider_csv", "provider_csv.csv")]:
        import_feed(vacancy_engine, source, FEEDS / name)
    return vacancy_engine


def test_nearest_first_within_the_radius(spread: Engine) -> None:
    result = search(spread, near="ST4 6QG", radius_miles=15)

    places = [hit.place.split(",")[0] for hit in result.vacancies]
    assert places == ["Stoke-on-Trent", "Hanley", "Newcastle-under-Lyme", "Stafford"]
    distances = [hit.distance_miles for hit in result.vacancies]
    assert distances == sorted(distances)
    assert distances[0] == 0.0 and 10 < distances[-1] < 15
    assert result.total == 4


def test_the_radius_defaults_to_ten_miles(spread: Engine) -> None:
    assert search(spread, near="ST4").total == 3


def test_a_town_or_an_alias_locates_the_search(spread: Engine) -> None:
    assert search(spread, near="Stafford", radius_miles=2).vacancies[0].place.startswith(
        "Stafford")
    assert search(spread, near="Hanley", radius_miles=1).vacancies[0].place.startswith("Hanley")
    assert search(spread, near="birmingham", radius_miles=5).total == 1


def test_an_unknown_place_is_an_error(spread: Engine) -> None:
    with pytest.raises(UnknownPlace, match="Atlantis"):
        search(spread, near="Atlantis")
    with pytest.raises(UnknownPlace):
        search(spread, near="ZZ9 9ZZ")


def test_relevance_comes_before_distance(spread: Engine) -> None:
    result = search(spread, q="healthcare support worker", near="ST4", radius_miles=15)

    assert result.vacancies[0].title == "Healthcare Support Worker"
    assert result.total == 1


def test_roles_match_by_synonym(fixtures_loaded: Engine) -> None:
    by_q = search(fixtures_loaded, q="HCA jobs", near="Stoke-on-Trent", radius_miles=30)
    by_role = search(fixtures_loaded, role="healthcare support worker", near="ST4",
                     radius_miles=30)

    assert by_q.total == by_role.total >= 2
    assert {hit.role_code for hit in by_q.vacancies} == {"healthcare_assistant"}
    carers = search(fixtures_loaded, q="carer", near="ST4", radius_miles=30)
    assert carers.total >= 4
    assert carers.vacancies[0].role_code == "care_worker"


def test_a_job_in_two_feeds_is_shown_once(fixtures_loaded: Engine) -> None:
    result = search(fixtures_loaded, q="apprentice healthcare support worker", near="ST16",
                    radius_miles=2)

    titles = [hit.title for hit in result.vacancies]
    assert titles.count("Apprentice Healthcare Support Worker (Level 2)") == 1
    hit = next(h for h in result.vacancies if h.title.startswith("Apprentice Healthcare"))
    assert hit.source == "nhs_jobs"
    assert hit.attribution is not None
    assert hit.attribution.text.startswith("Contains NHS Jobs data, Open Government Licence")


def test_apprenticeship_and_level_filters(fixtures_loaded: Engine) -> None:
    apprenticeships = search(fixtures_loaded, apprenticeship=True, limit=50)
    level_three = search(fixtures_loaded, apprenticeship=True, level=3)
    typed = search(fixtures_loaded, q="apprenticeships", near="Stoke-on-Trent", radius_miles=30)

    assert apprenticeships.total == 4  # five, one of them in two feeds
    assert all(hit.is_apprenticeship for hit in apprenticeships.vacancies)
    assert [hit.title for hit in level_three.vacancies] == ["Lead Adult Care Worker Apprenticeship"]
    assert typed.total >= 3 and all(hit.is_apprenticeship for hit in typed.vacancies)


def test_closing_within_days(fixtures_loaded: Engine) -> None:
    soon = search(fixtures_loaded, closing_within_days=14)
    assert [hit.title for hit in soon.vacancies] == ["Clinical Support Worker - Community"]


def test_closed_and_expired_vacancies_are_not_shown(fixtures_loaded: Engine) -> None:
    later = search(fixtures_loaded, near="ST13", radius_miles=3, today=date(2026, 12, 11))
    assert "Clinical Support Worker - Community" not in [h.title for h in later.vacancies]
    assert search(fixtures_loaded, today=date(2030, 1, 1)).total == 3  # Adzuna: no closing date


def test_pages_of_results(spread: Engine) -> None:
    first = search(spread, near="ST4", radius_miles=50, limit=2)
    second = search(spread, near="ST4", radius_miles=50, limit=2, offset=2)
    everything = search(spread, near="ST4", radius_miles=50, limit=10)

    assert first.total == second.total == 5
    assert [h.id for h in first.vacancies + second.vacancies] == [
        h.id for h in everything.vacancies[:4]]


def test_without_a_place_or_words_newest_first(fixtures_loaded: Engine) -> None:
    result = search(fixtures_loaded, limit=3)
    posted = [hit.posted_date for hit in result.vacancies]
    assert posted == sorted(posted, reverse=True)
    assert result.total == 16  # 17 imported, one of them in two feeds
    assert all(hit.distance_miles is None for hit in result.vacancies)


def test_words_are_matched_safely(fixtures_loaded: Engine) -> None:
    assert search(fixtures_loaded, q="100% _care_").total >= 0
    assert search(fixtures_loaded, q="Dove Meadows").total == 3


def test_hits_carry_what_a_card_shows(fixtures_loaded: Engine) -> None:
    hit = search(fixtures_loaded, q="registered nurse", near="ST4 6QG").vacancies[0]
    card = hit.as_dict()

    assert card["title"] == "Registered Nurse - Ward 108"
    assert card["salary"] == "Band 5"
    assert card["closing_date"] == "2027-01-31"
    assert card["apply_url"].endswith("C9333-26-1003")
    assert card["source"] == "nhs_jobs"
    assert card["attribution"]["url"].startswith("https://www.nationalarchives.gov.uk/")
    adzuna = search(fixtures_loaded, q="registered manager").vacancies[0].as_dict()
    assert adzuna["attribution"]["text"] == "Jobs by Adzuna"
    assert adzuna["salary"].startswith("£36,000 to £42,000 a year")
