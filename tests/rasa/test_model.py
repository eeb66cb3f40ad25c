"""Rasa's own checks: the training data validates, the held-out NLU scores (intents, FAQ
answers and entities), stories hold, and no answer typed at a form's question reads as
stopping, a greeting or a no. One Rasa process runs them all and loads the model once
(rasa_plugins/evaluate.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.entities import HELDOUT as ENTITIES_HELDOUT
from bench.entities import TARGET_F1 as MIN_ENTITY_F1
from carecareers.runtime.model import evaluate
from carecareers.runtime.processes import MODEL_PATH, RASA_PYTHON
from carecareers.settings import PROJECT_ROOT

MIN_INTENT_MACRO_F1 = 0.85
MIN_RESPONSE_SELECTION_ACCURACY = 0.80
# Names, emails, phone numbers and postcodes typed at a form's question must never be read
# as one of these: each would end the form, greet back or refuse instead of taking the answer.
NEVER_FOR_FORM_ANSWERS = ("stop", "greet", "deny")
FORM_ANSWERS = "tests/nlu/form_answers.yml"
SCORED_ENTITIES = ("age", "role", "location", "qualification")


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Everything Rasa found, from one run: validate.json, nlu/<set>/, stories(.json)."""
    if not RASA_PYTHON.exists():
        pytest.fail(f"Rasa is not installed at {RASA_PYTHON}: run `make setup`")
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does)")
    out = tmp_path_factory.mktemp("rasa-results")
    # Rasa evaluates intents only when the test data has two labels or more: one greeting,
    # labelled as such, goes with the form answers and is left out of what is read back.
    form_answers = out / "form_answers_and_a_greeting.yml"
    form_answers.write_text((PROJECT_ROOT / FORM_ANSWERS).read_text()
                            + "- intent: greet\n  examples: |\n    - hello there\n")
    return evaluate(out, model=MODEL_PATH, validate=True, stories="tests/stories",
                    nlu={"heldout": "tests/nlu/heldout.yml", "form_answers": form_answers,
                         "entities": ENTITIES_HELDOUT})


def test_training_data_validates(results: Path) -> None:
    log = (results / "rasa.log").read_text()
    assert json.loads((results / "validate.json").read_text())["ok"], log[-4000:]


def test_held_out_intent_macro_f1(results: Path) -> None:
    report = json.loads((results / "nlu" / "heldout" / "intent_report.json").read_text())
    macro_f1 = report["macro avg"]["f1-score"]
    weak = sorted((v["f1-score"], k) for k, v in report.items()
                  if isinstance(v, dict) and "support" in v and k not in (
                      "macro avg", "weighted avg", "micro avg"))[:5]
    assert macro_f1 >= MIN_INTENT_MACRO_F1, f"macro-F1 {macro_f1:.3f}; weakest: {weak}"


def test_held_out_faq_answers_are_selected(results: Path) -> None:
    report = json.loads(
        (results / "nlu" / "heldout" / "response_selection_report.json").read_text())
    accuracy = report.get("accuracy", report.get("micro avg", {}).get("f1-score", 0.0))
    assert accuracy >= MIN_RESPONSE_SELECTION_ACCURACY, f"response selection {accuracy:.3f}"


@pytest.mark.parametrize("entity", SCORED_ENTITIES)
def test_held_out_entity_f1(results: Path, entity: str) -> None:
    report = json.loads(
        (results / "nlu" / "entities" / "DIETClassifier_report.json").read_text())
    scores = report[entity]
    assert scores["support"] >= 15, f"too few held-out {entity} examples"
    assert scores["f1-score"] >= MIN_ENTITY_F1, f"{entity}: {scores}"


def test_conversation_stories(results: Path) -> None:
    found = json.loads((results / "stories.json").read_text())
    failed = results / "stories" / "failed_test_stories.yml"
    detail = failed.read_text() if failed.exists() else ""
    assert found["ok"], detail[-4000:] + found["error"][-4000:]


@pytest.fixture(scope="module")
def form_answer_predictions(results: Path) -> list[dict[str, object]]:
    """What the model makes of each held-out form answer (text, predicted intent)."""
    found: list[dict[str, object]] = []
    for name in ("intent_successes.json", "intent_errors.json"):
        path = results / "nlu" / "form_answers" / name
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
