"""rasa_plugins.serve in Rasa's own environment: tracebacks in Rasa's log carry no slot values."""

from __future__ import annotations

import subprocess

import pytest

from carecareers.runtime.processes import RASA_PYTHON, RASA_QUIET_ENV
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
