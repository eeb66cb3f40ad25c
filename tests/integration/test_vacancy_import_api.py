"""GET /api/vacancies on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from vacancy_helpers import (
    CONTENT,
    FEEDS,
    TODAY,
    import_feed,
    nhs_job,
    noon_on,
    write_nhs_feed,
)

from carecareers.db import session_factory
from carecareers.settings import Settings
from web.routes.vacancies import router

pytest_plugins = ["vacancy_fixtures"]


@pytest.fixture
def client(vacancy_engine: Engine, tmp_path: Path) -> TestClient:
    # The route searches as of its clock's day, so these jobs close relative to it.
    closes = (TODAY + timedelta(days=60)).isoformat()
    jobs = [
        nhs_job(1, closeDate=closes),
        nhs_job(2, title="Apprentice Care Worker", closeDate=closes,
                locations="Stafford, ST16 3SA"),
        nhs_job(3, title="Apprentice Healthcare Support Worker", closeDate=closes,
                locations="Newcastle-under-Lyme, ST5 1LZ"),
        nhs_job(4, title="Senior Carer", closeDate=closes, locations="Hanley, ST1 3EE"),
    ]
    feed = write_nhs_feed(tmp_path / "nhs.xml", jobs)
    import_feed(vacancy_engine, "nhs_jobs", feed, today=TODAY)
    import_feed(vacancy_engine, "adzuna", FEEDS / "adzuna.json", today=TODAY)
    app = FastAPI()
    app.state.clock = noon_on(TODAY)
    app.state.session_factory = session_factory(vacancy_engine)
    app.state.settings = Settings(database_url=str(vacancy_engine.url), content_dir=CONTENT)
    app.include_router(router)
    return TestClient(app)


def test_vacancies_near_a_postcode(client: TestClient) -> None:
    response = client.get("/api/vacancies", params={"near": "ST4 6QG", "radius_miles": 5})

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == len(body["vacancies"]) == 4
    first = body["vacancies"][0]
    assert set(first) >= {"title", "employer", "place", "distance_miles", "salary",
                          "closing_date", "apply_url", "source", "attribution"}
    assert (first["distance_miles"], first["source"]) == (0.0, "nhs_jobs")
    assert first["salary"] == "£24,465 a year"
    assert first["attribution"]["text"].startswith(
        "Contains NHS Jobs data, Open Government Licence")
    assert first["attribution"]["url"].startswith("https://")
    distances = [v["distance_miles"] for v in body["vacancies"]]
    assert distances == sorted(distances)
    adzuna = next(v for v in body["vacancies"] if v["source"] == "adzuna")
    assert adzuna["attribution"]["text"] == "Jobs by Adzuna"


def test_words_apprenticeship_and_paging(client: TestClient) -> None:
    params = {"q": "care", "near": "Stoke-on-Trent", "radius_miles": 20,
              "apprenticeship": "true", "limit": 1, "offset": 1}
    body = client.get("/api/vacancies", params=params).json()

    assert body["total"] == 2
    assert len(body["vacancies"]) == 1
    assert body["vacancies"][0]["apprenticeship"] is True


def test_no_parameters_lists_the_newest(client: TestClient) -> None:
    body = client.get("/api/vacancies", params={"limit": 50}).json()
    assert body["total"] == 7
    assert all(v["distance_miles"] is None for v in body["vacancies"])


def test_an_unknown_place_is_a_400_with_a_clear_message(client: TestClient) -> None:
    response = client.get("/api/vacancies", params={"near": "Narnia"})

    assert response.status_code == 400
    assert "Narnia" in response.json()["detail"]
    assert "postcode" in response.json()["detail"]


@pytest.mark.parametrize("params", [
    {"limit": 51},
    {"limit": 0},
    {"offset": -1},
    {"radius_miles": 0},
    {"radius_miles": 500},
    {"radius_miles": "far"},
    {"apprenticeship": "perhaps"},
    {"near": "x" * 101},
    {"level": 9},
])
def test_bad_parameters_are_a_422(client: TestClient, params: dict[str, object]) -> None:
    assert client.get("/api/vacancies", params=params).status_code == 422
