"""rasa_plugins.serve in Rasa's own environment: tracebacks in Rasa's log carry no slot values."""

from __future__ import annotations

import json
import subprocess

import pytest

from carecareers.runtime.processes import MODEL_PATH, RASA_PYTHON, RASA_QUIET_ENV
from carecareers.settings import PROJECT_ROOT

# What Rasa does when a response's button payload holds `{...}` (our form's answers do):
# the interpolator fails and logs the exception, with the slots in a local variable.
SCRIPT = """
import sys
sys.path.insert(0, '.')
if sys.argv[1] == 'hidden':
    from rasa_plugins.serve import hide_traceback_locals
    hide_traceback_locals()
from rasa.utils.log_utils import configure_structlog
from rasa.core.nlg.interpolator import interpolate_text
configure_structlog()
interpolate_text('/inform{"form_answer": "16-17"}', {'lead_first_name': 'Jordy'})
"""


def run_interpolation(mode: str) -> str:
    if not RASA_PYTHON.exists():
        pytest.fail(f"Rasa is not installed at {RASA_PYTHON}: run `make setup`")
    result = subprocess.run(  # noqa: S603
        [str(RASA_PYTHON), "-c", SCRIPT, mode], cwd=PROJECT_ROOT, env=RASA_QUIET_ENV,
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout + result.stderr


def test_rasas_tracebacks_keep_no_slot_values() -> None:
    log = run_interpolation("hidden")
    assert "interpolator.interpolate.text" in log  # the error is still logged, with its frames
    assert "interpolator.py" in log
    assert "Jordy" not in log


def test_without_it_rasa_would_log_the_slot_values() -> None:
    assert "Jordy" in run_interpolation("as-rasa-ships")


# Rasa's RemoteAction checks an action server's answer: as Rasa ships it, and as serve.py
# makes it check (with jsonschema.validate made to fail, so that it is shown never called).
VALIDATION = """
import json, sys
sys.path.insert(0, '.')
import jsonschema
from rasa.core.actions.action import RemoteAction
action = RemoteAction('action_x', None)
answers = [{'events': [{'event': 'slot', 'name': 'a', 'value': 1}],
            'responses': [{'text': 'hi'}]},
           {'events': 'not a list'}, {'responses': ['not an object']},
           {'events': [{'event': 'slot', 'timestamp': 'noon'}]}, {}]
def outcomes():
    found = []
    for answer in answers:
        try:
            found.append(['ok', action._validate_action_result(answer)])
        except jsonschema.ValidationError as error:
            found.append(['error', error.message, list(error.path)])
    return found
shipped = outcomes()
from rasa_plugins.serve import check_action_answers_with_one_validator
check_action_answers_with_one_validator()
def never(*_, **__):
    raise AssertionError('jsonschema.validate was called')
jsonschema.validate = jsonschema.validators.validate = never
print(json.dumps([shipped, outcomes()]))
"""


def test_action_answers_are_checked_as_rasa_checks_them_without_rechecking_the_schema(
) -> None:
    if not RASA_PYTHON.exists():
        pytest.fail(f"Rasa is not installed at {RASA_PYTHON}: run `make setup`")
    result = subprocess.run(  # noqa: S603
        [str(RASA_PYTHON), "-c", VALIDATION], cwd=PROJECT_ROOT, env=RASA_QUIET_ENV,
        capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    shipped, ours = json.loads(result.stdout.strip().splitlines()[-1])
    assert ours == shipped
    assert [kind for kind, *_ in shipped] == ["ok", "error", "error", "error", "ok"]
    assert "Failed to validate Action server response from API" in shipped[1][1]


# The trained model loaded as Rasa ships it and as serve.py (and the evaluation) load it: the
# same weights in every model, the same answers, with the shaping step run eagerly only there.
LOADING = """
import asyncio, hashlib, json, sys
sys.path.insert(0, '.')
mode, model_path, texts = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
if mode == 'eager':
    from rasa_plugins.serve import build_loaded_models_eagerly
    build_loaded_models_eagerly()
from rasa.core.agent import Agent
from rasa.utils.tensorflow.models import RasaModel
loaded = []
load = RasaModel.load.__func__
def recording(cls, *args, **kwargs):
    model = load(cls, *args, **kwargs)
    loaded.append(model)
    return model
RasaModel.load = classmethod(recording)
agent = Agent.load(model_path=model_path)
models = [{'class': type(m).__name__,
           'weights': [[w.name, list(w.shape), hashlib.sha256(w.numpy().tobytes()).hexdigest()]
                       for w in m.weights],
           'shaped_by': type(m.train_function).__name__,
           'predicts_eagerly': bool(m.run_eagerly)} for m in loaded]
async def parse():
    return [await agent.parse_message(text) for text in texts]
answers = asyncio.run(parse())
print(json.dumps({'models': models, 'answers': answers}))
"""
# Said the way young people say it (tests/nlu/heldout.yml), with entities and FAQ answers.
SAID = ["hiya", "how much do care workers get paid", "im 17 can i work in a care home",
        "do i need a dbs", "any jobs near ST4", "whats an apprenticeship",
        "can i become a nurse from being a carer", "my names jordan", "nah", "stop"]


def load_model(mode: str) -> dict:  # type: ignore[type-arg]
    if not RASA_PYTHON.exists():
        pytest.fail(f"Rasa is not installed at {RASA_PYTHON}: run `make setup`")
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does)")
    result = subprocess.run(  # noqa: S603
        [str(RASA_PYTHON), "-c", LOADING, mode, str(MODEL_PATH), json.dumps(SAID)],
        cwd=PROJECT_ROOT, env=RASA_QUIET_ENV | {"PYTHONPATH": str(PROJECT_ROOT)},
        capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_model_loads_eagerly_with_the_same_weights_and_answers() -> None:
    shipped, eager = load_model("as-rasa-ships"), load_model("eager")
    classes = [m["class"] for m in shipped["models"]]
    assert "DIET" in classes and len(classes) >= 2  # the classifier and the response selector
    assert [m["class"] for m in eager["models"]] == classes
    for ours, theirs in zip(eager["models"], shipped["models"], strict=True):
        assert ours["weights"] == theirs["weights"]  # names, shapes and every value
        assert len(ours["weights"]) > 10
        # Rasa traces its shaping step into a graph; ours ran it eagerly. Both predict
        # with a traced graph, as configured.
        assert theirs["shaped_by"] != "function" and ours["shaped_by"] == "function"
        assert not ours["predicts_eagerly"] and not theirs["predicts_eagerly"]
    assert eager["answers"] == shipped["answers"]
    assert {a["intent"]["name"] for a in eager["answers"]} >= {"greet", "ask_pay"}
