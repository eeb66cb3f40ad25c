"""Held-out entity extraction: age, role, location and qualification reach F1 0.9 each."""

from __future__ import annotations

import pytest

from bench.entities import TARGET_F1, entity_report
from carecareers.runtime.processes import MODEL_PATH

SCORED = ("age", "role", "location", "qualification")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, float]]:
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does)")
    return entity_report(MODEL_PATH, tmp_path_factory.mktemp("entity-results"))


@pytest.mark.parametrize("entity", SCORED)
def test_held_out_entity_f1(report: dict[str, dict[str, float]], entity: str) -> None:
    scores = report[entity]
    assert scores["support"] >= 15, f"too few held-out {entity} examples"
    assert scores["f1-score"] >= TARGET_F1, f"{entity}: {scores}"
