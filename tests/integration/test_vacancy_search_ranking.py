"""The indexed search gives the same pages as ranking every match in Python, on both databases.

`reference_search` is the search as it was before the indexes: load every open vacancy,
match words as substrings, score, measure the distance and sort. The indexed search must
return the same page, in the same order, with the same total (exact up to the cap), both
when one index finds few candidates and, with the cap and window made tiny, when it reads
in rings and along the closing-date index.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from vacancy_helpers import (
    TODAY,
    factory_for,
    gazetteer,
    import_feed,
    nhs_job,
    roles,
    write_nhs_feed,
)

from carecareers.geo import haversine_miles
from carecareers.models import Vacancy
from carecareers.vacancies import ranking
from carecareers.vacancies.search import (
    DEFAULT_RADIUS_MILES,
    SearchResult,
    parse_query,
    search_vacancies,
)

pytest_plugins = ["vacancy_fixtures"]

TITLES = [
    "Healthcare Support Worker", "Apprentice Healthcare Support Worker (Level 2)",
    "Care Assistant", "Senior Carer", "Night Care Assistant", "Registered Nurse",
    "Staff Nurse - Care of the Elderly", "Mental Health Support Worker", "Phlebotomist",
    "Lead Adult Care Worker Apprenticeship (Level 3)", "Ward Clerk", "Home Manager",
    "Nursery Nurse", "Cook", "HCA - Nights",
]
EMPLOYERS = ["Dove Meadows Care Home", "University Hospitals NHS Trust", "Home Care Ltd",
             "Healthcare Homes", "St Mary's Hospice", "Nightingale Medical Practice"]
PLACES = ["Stoke-on-Trent, ST4 6QG", "Hanley, ST1 3EE", "Newcastle-under-Lyme, ST5 1LZ",
          "Stafford, ST16 3SA", "Leek, ST13 5AA", "Cannock, WS11 1AA", "Birmingham, B1 1AA",
          "Derby, DE1 1AA", "Manchester, M1 1AE", "Working from home"]
QUERIES: list[dict[str, Any]] = [
    {"q": "care"}, {"q": "care home"}, {"q": "nurse"}, {"q": "carer"},
    {"q": "healthcare assistant"}, {"q": "night care"}, {"q": "apprenticeships"},
    {"q": "hca nights"}, {"q": "mental health nurse"}, {"q": "ward"}, {"q": "cook"},
    {"near": "ST4", "radius_miles": 15}, {"near": "ST4", "radius_miles": 60},
    {"near": "Stafford", "radius_miles": 5}, {"q": "care", "near": "ST4", "radius_miles": 25},
    {"q": "nurse", "near": "ST16", "radius_miles": 40}, {"q": "ho", "near": "ST4"},
    {"q": "care", "near": "B1", "radius_miles": 70, "apprenticeship": True},
    {"q": "support worker", "level": 2}, {"q": "care", "closing_within_days": 20},
    {"role": "nurse", "near": "ST5", "radius_miles": 30},
    {"q": "night care", "near": "ST4", "radius_miles": 50}, {"q": "astronaut"},
    {"q": "astronaut", "near": "ST4", "radius_miles": 50},
    {"q": "meadows homes nightingale"}, {"q": "meadows homes nights", "near": "ST4"},
]


def random_jobs(count: int, seed: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    jobs = []
    for number in range(1, count + 1):
        job = nhs_job(number, title=rng.choice(TITLES), employer=rng.choice(EMPLOYERS),
                      locations=rng.choice(PLACES),
                      postDate=(TODAY - timedelta(days=rng.randint(0, 30))).isoformat(),
                      closeDate=(TODAY + timedelta(days=rng.randint(0, 60))).isoformat())
        if rng.random() < 0.15:
            del job["closeDate"]
        jobs.append(job)
    return jobs


@pytest.fixture
def many(vacancy_engine: Engine, tmp_path: Path) -> Engine:
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "many.xml",
                                                           random_jobs(240, seed=5)))
    return vacancy_engine


@dataclass
class Expected:
    ids: list[int]
    distances: list[float | None]
    total: int


def reference_search(engine: Engine, *, limit: int = 10, offset: int = 0,
                     **options: Any) -> Expected:
    """Rank every match in Python, as the search did before the indexes."""
    query = parse_query(options.get("q"), options.get("role"), roles())
    place = gazetteer().locate(options["near"]) if "near" in options else None
    radius = options.get("radius_miles") or DEFAULT_RADIUS_MILES
    apprenticeship = options.get("apprenticeship")
    if apprenticeship is None and query.wants_apprenticeship:
        apprenticeship = True
    with factory_for(engine)() as session:
        rows = list(session.scalars(select(Vacancy)))
    by_id = {row.id: row for row in rows}
    scored = []
    for row in rows:
        if not _visible(row, by_id, apprenticeship, options):
            continue
        score = _score(row, query)
        if not query.empty and score == 0:
            continue
        distance = None
        if place is not None:
            if row.latitude is None or row.longitude is None:
                continue
            distance = haversine_miles(place.latitude, place.longitude, row.latitude,
                                       row.longitude)
            if distance > radius:
                continue
        scored.append(((-score, distance or 0.0, row.closes_on or date.max, row.id), distance))
    if place is None and query.empty:  # newest first
        scored = [((0, 0, by_id[key[3]].posted_on or date.min, key[3]), None)
                  for key, _ in scored]
        scored.sort(key=lambda item: item[0][2:], reverse=True)
    else:
        scored.sort(key=lambda item: item[0])
    page = scored[offset:offset + limit]
    return Expected([key[3] for key, _ in page],
                    [round(d, 1) if d is not None else None for _, d in page], len(scored))


def _visible(row: Vacancy, by_id: dict[int, Vacancy], apprenticeship: bool | None,
             options: dict[str, Any]) -> bool:
    def is_open(vacancy: Vacancy) -> bool:
        return vacancy.status == "open" and (vacancy.closes_on is None
                                             or vacancy.closes_on >= TODAY)

    original = by_id.get(row.duplicate_of_id) if row.duplicate_of_id else None
    if not is_open(row) or (original is not None and is_open(original)):
        return False
    if apprenticeship is not None and row.is_apprenticeship != apprenticeship:
        return False
    if options.get("level") is not None and row.level != options["level"]:
        return False
    within = options.get("closing_within_days")
    return within is None or (row.closes_on is not None
                              and row.closes_on <= TODAY + timedelta(days=within))


def _score(row: Vacancy, query: Any) -> int:
    score = 3 if row.role_code and row.role_code in query.roles else 0
    for term in query.terms:
        if term in row.title.lower():
            score += 2
        elif term in row.employer.lower():
            score += 1
    return score


def indexed_search(engine: Engine, **options: Any) -> SearchResult:
    with factory_for(engine)() as session:
        return search_vacancies(session, today=TODAY, gazetteer=gazetteer(), roles=roles(),
                                **options)


def assert_same(engine: Engine, cap: int, **options: Any) -> None:
    expected = reference_search(engine, **options)
    found = indexed_search(engine, **options)
    assert [hit.id for hit in found.vacancies] == expected.ids, options
    assert [hit.distance_miles for hit in found.vacancies] == expected.distances, options
    assert (found.total, found.total_exact) == (min(expected.total, cap),
                                                expected.total <= cap), options


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in
                                                                   q.items()))
def test_same_page_as_ranking_every_match(many: Engine, query: dict[str, Any]) -> None:
    for offset in (0, 7):
        assert_same(many, ranking.TOTAL_CAP, **query, limit=7, offset=offset)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in
                                                                   q.items()))
def test_same_page_when_read_in_order_past_the_cap(many: Engine, query: dict[str, Any],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ranking, "WINDOW", 4)
    monkeypatch.setattr(ranking, "RING_START_MILES", 0.2)
    for cap, by_words in ((6, 6), (12, 40)):
        monkeypatch.setattr(ranking, "TOTAL_CAP", cap)
        monkeypatch.setattr(ranking, "COUNT_BY_WORDS", by_words)
        for offset in (0, 3):
            assert_same(many, cap, **query, limit=3, offset=offset)


def test_the_reference_sees_enough_matches(many: Engine) -> None:
    """The comparisons above are between many matches, not a handful."""
    assert reference_search(many, q="care").total > 100
    assert reference_search(many, near="ST4", radius_miles=60).total > 100


def test_past_the_cap_every_step_is_taken(many: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    """With a tiny cap the queries above go through rings, the closing-date index and the
    search for rows scoring more than a window's last, so the comparisons cover them."""
    monkeypatch.setattr(ranking, "WINDOW", 4)
    steps: set[str] = set()
    for name in ("_by_rings", "_by_closing_date", "_top"):
        original = getattr(ranking._Search, name)

        def spy(self: Any, need: int, *args: Any, _name: str = name,
                _original: Any = original) -> Any:
            result = _original(self, need, *args)
            above = args[-1]
            if _name != "_top":
                steps.add(_name)
            elif above and result[0]:
                steps.add("higher scores" + (" (small index)" if result[1] else " (in order)"))
            return result

        monkeypatch.setattr(ranking._Search, name, spy)
    for cap, by_words in ((6, 6), (12, 40)):
        monkeypatch.setattr(ranking, "TOTAL_CAP", cap)
        monkeypatch.setattr(ranking, "COUNT_BY_WORDS", by_words)
        for query in QUERIES:
            indexed_search(many, **query, limit=3)
    assert steps == {"_by_rings", "_by_closing_date", "higher scores (small index)",
                     "higher scores (in order)"}
