"""Each engine keeps the counts that choose a search's plan (how many candidates the words'
and places' indexes hold) for ranking.PROBE_SECONDS: a repeated search does not count them
again, and a search planned from counts an import has since made stale still finds the
same page and total as ranking every match, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event
from test_vacancy_search_ranking import assert_same, random_jobs
from vacancy_helpers import import_feed, write_nhs_feed

from carecareers.vacancies import ranking

pytest_plugins = ["vacancy_fixtures"]

QUERIES: list[dict[str, Any]] = [
    {"q": "care"}, {"q": "care", "near": "ST4", "radius_miles": 25},
    {"near": "ST4", "radius_miles": 40}, {"q": "nurse", "near": "ST16", "radius_miles": 40},
    {"q": "night care", "near": "ST4", "radius_miles": 50}, {"q": "support worker", "level": 2},
]


def counts_issued(engine: Engine, **options: Any) -> list[str]:
    """The COUNT statements one search sends."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if re.match(r"\s*SELECT count\(\*\)", statement):
            seen.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        assert_same(engine, ranking.TOTAL_CAP, **options, limit=5)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> None:
    """A cap and window small enough for 240 vacancies to need every step of a search."""
    monkeypatch.setattr(ranking, "TOTAL_CAP", 12)
    monkeypatch.setattr(ranking, "COUNT_BY_WORDS", 40)
    monkeypatch.setattr(ranking, "WINDOW", 4)


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in
                                                                   q.items()))
def test_a_repeated_search_counts_the_indexes_once(vacancy_engine: Engine, tmp_path: Path,
                                                   query: dict[str, Any],
                                                   small_cap: None) -> None:
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "many.xml",
                                                           random_jobs(240, seed=5)))
    first = counts_issued(vacancy_engine, **query)
    second = counts_issued(vacancy_engine, **query)

    assert len(second) < len(first)  # the same search, without counting the indexes


def test_counts_expire_after_probe_seconds(vacancy_engine: Engine, tmp_path: Path,
                                           small_cap: None,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "many.xml",
                                                           random_jobs(240, seed=5)))
    query = {"q": "care", "near": "ST4", "radius_miles": 25}
    first = counts_issued(vacancy_engine, **query)
    kept = counts_issued(vacancy_engine, **query)
    monkeypatch.setattr(ranking, "PROBE_SECONDS", 0.0)
    expired = counts_issued(vacancy_engine, **query)
    assert len(kept) < len(first) <= len(expired)  # counted again, even within one search


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: ",".join(f"{k}={v}" for k, v in
                                                                   q.items()))
def test_a_plan_from_stale_counts_finds_the_same_page(vacancy_engine: Engine, tmp_path: Path,
                                                      query: dict[str, Any],
                                                      small_cap: None) -> None:
    """Counts taken with 12 vacancies plan the search after 240 more arrive, and back."""
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "few.xml",
                                                           random_jobs(12, seed=9)))
    assert_same(vacancy_engine, ranking.TOTAL_CAP, **query, limit=5)
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "many.xml",
                                                           random_jobs(240, seed=5)))
    for offset in (0, 3):
        assert_same(vacancy_engine, ranking.TOTAL_CAP, **query, limit=3, offset=offset)
    import_feed(vacancy_engine, "nhs_jobs", write_nhs_feed(tmp_path / "few.xml",
                                                           random_jobs(12, seed=9)),
                complete=True)
    assert_same(vacancy_engine, ranking.TOTAL_CAP, **query, limit=5)
