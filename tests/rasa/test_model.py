"""Rasa's own checks: the training data validates, the held-out NLU scores, stories hold."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from carecareers.runtime.processes import MODEL_PATH, RASA_BIN, RASA_QUIET_ENV
from carecareers.settings import PROJECT_ROOT

MIN_INTENT_MACRO_F1 = 0.85
MIN_RESPONSE_SELECTION_ACCURACY = 0.80


def rasa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [str(RASA_BIN), *args], cwd=PROJECT_ROOT, env={**os.environ, **RASA_QUIET_ENV},
        capture_output=True, text=True, timeout=1200, check=False,
    )


@pytest.fixture(scope="module")
def model() -> Path:
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does)")
    return MODEL_PATH


def test_training_data_validates() -> None:
    result = rasa("data", "validate", "--data", "nlu", "stories", "--domain", "domain",
                  "--config", "config.yml")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


@pytest.fixture(scope="module")
def nlu_results(model: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("nlu-results")
    result = rasa("test", "nlu", "--nlu", "tests/nlu/heldout.yml", "--model", str(model),
                  "--out", str(out), "--no-plot")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return out


def test_held_out_intent_macro_f1(nlu_results: Path) -> None:
    report = json.loads((nlu_results / "intent_report.json").read_text())
    macro_f1 = report["macro avg"]["f1-score"]
    weak = sorted((v["f1-score"], k) for k, v in report.items()
                  if isinstance(v, dict) and "support" in v and k not in (
                      "macro avg", "weighted avg", "micro avg"))[:5]
    assert macro_f1 >= MIN_INTENT_MACRO_F1, f"macro-F1 {macro_f1:.3f}; weakest: {weak}"


def test_held_out_faq_answers_are_selected(nlu_results: Path) -> None:
    report = json.loads((nlu_results / "response_selection_report.json").read_text())
    accuracy = report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0))
    assert accuracy >= MIN_RESPONSE_SELECTION_ACCURACY, f"response selection {accuracy:.3f}"


def test_conversation_stories(model: Path, tmp_path: Path) -> None:
    result = rasa("test", "core", "--stories", "tests/stories", "--model", str(model),
                  "--out", str(tmp_path), "--fail-on-prediction-errors", "--no-plot")
    failed = tmp_path / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, detail[-4000:] + result.stdout[-2000:] + result.stderr[-2000:]
