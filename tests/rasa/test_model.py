"""Rasa's own checks: the training data validates, the held-out NLU scores, stories hold,
and no answer typed at a form's question reads as stopping, a greeting or a no."""

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
# Names, emails, phone numbers and postcodes typed at a form's question must never be read
# as one of these: each would end the form, greet back or refuse instead of taking the answer.
NEVER_FOR_FORM_ANSWERS = ("stop", "greet", "deny")
FORM_ANSWERS = "tests/nlu/form_answers.yml"


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


@pytest.fixture(scope="module")
def form_answer_predictions(model: Path, tmp_path_factory: pytest.TempPathFactory,
                            ) -> list[dict[str, object]]:
    """What the model makes of each held-out form answer (text, predicted intent)."""
    out = tmp_path_factory.mktemp("form-answer-results")
    # Rasa evaluates intents only when the test data has two labels or more: one greeting,
    # labelled as such, goes with the form answers and is left out of what is returned.
    data = out / "form_answers_and_a_greeting.yml"
    data.write_text((PROJECT_ROOT / FORM_ANSWERS).read_text()
                    + "- intent: greet\n  examples: |\n    - hello there\n")
    result = rasa("test", "nlu", "--nlu", str(data), "--model", str(model),
                  "--out", str(out), "--no-plot", "--successes")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    found: list[dict[str, object]] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        found += json.loads(path.read_text()) if path.exists() else []
    return [p for p in found if p.get("text") != "hello there"]


def test_every_held_out_form_answer_is_predicted(
        form_answer_predictions: list[dict[str, object]]) -> None:
    examples = [line for line in (PROJECT_ROOT / FORM_ANSWERS).read_text().splitlines()
                if line.strip().startswith("- ") and "intent:" not in line]
    assert len(form_answer_predictions) == len(examples) >= 60


def test_names_emails_phones_and_postcodes_are_never_stop_greet_or_deny(
        form_answer_predictions: list[dict[str, object]]) -> None:
    wrong = sorted((str(p["text"]), str(p["intent_prediction"]["name"]))  # type: ignore[index]
                   for p in form_answer_predictions
                   if p["intent_prediction"]["name"] in NEVER_FOR_FORM_ANSWERS)  # type: ignore[index]
    assert wrong == [], f"form answers read as {NEVER_FOR_FORM_ANSWERS}: {wrong}"
