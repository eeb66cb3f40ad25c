"""Train the Rasa model only when what it is trained from has changed."""

from __future__ import annotations

import hashlib
import os
import subprocess
import time
from pathlib import Path

from carecareers.runtime.processes import MODEL_PATH, RASA_BIN, RASA_PYTHON, RASA_QUIET_ENV
from carecareers.settings import PROJECT_ROOT

# What the model is made from: the pipeline's own components (rasa_plugins/closed_*.py) too.
TRAINING_INPUTS = ("config.yml", "domain", "nlu", "stories", "rasa_plugins/closed_intents.py",
                   "rasa_plugins/closed_asked.py", "rasa_plugins/closed_ties.py",
                   "rasa_plugins/closed_words.py")
FINGERPRINT_PATH = MODEL_PATH.with_suffix("").with_suffix(".fingerprint")


class TrainingError(Exception):
    """Rasa could not train the model."""


def training_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """Hash the names and contents of every file the model is trained from."""
    digest = hashlib.sha256()
    for name in TRAINING_INPUTS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(root)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()


def model_is_current(root: Path = PROJECT_ROOT) -> bool:
    if not MODEL_PATH.exists() or not FINGERPRINT_PATH.exists():
        return False
    return FINGERPRINT_PATH.read_text().strip() == training_fingerprint(root)


def train(root: Path = PROJECT_ROOT) -> float:
    """Train a model into models/current.tar.gz and return the seconds it took."""
    fingerprint = training_fingerprint(root)
    started = time.monotonic()
    command = [
        str(RASA_BIN), "train", "--config", "config.yml", "--domain", "domain",
        "--data", "nlu", "stories", "--out", str(MODEL_PATH.parent),
        "--fixed-model-name", MODEL_PATH.name.removesuffix(".tar.gz"), "--force",
    ]
    env = {**os.environ, **RASA_QUIET_ENV}
    result = subprocess.run(command, cwd=root, env=env, check=False)  # noqa: S603
    if result.returncode != 0 or not MODEL_PATH.exists():
        raise TrainingError(f"rasa train failed with exit code {result.returncode}")
    FINGERPRINT_PATH.write_text(fingerprint + "\n")
    return time.monotonic() - started


class EvaluationError(Exception):
    """Rasa could not run its checks (rasa_plugins/evaluate.py): not a finding, a failure."""


def evaluate(out: Path, *, model: Path | None = None, validate: bool = False,
             nlu: dict[str, str | Path] | None = None, stories: str | None = None,
             root: Path = PROJECT_ROOT) -> Path:
    """Run Rasa's checks in one process that loads the model once; the findings are under
    `out` (see rasa_plugins/evaluate.py for what is where), with Rasa's log in rasa.log."""
    command = [str(RASA_PYTHON), "-m", "rasa_plugins.evaluate",
               "--out", str(out)]
    if validate:
        command.append("--validate")
    if model is not None:
        command += ["--model", str(model)]
    for name, data in (nlu or {}).items():
        command += ["--nlu", f"{name}={data}"]
    if stories is not None:
        command += ["--stories", stories]
    env = {**os.environ, **RASA_QUIET_ENV}
    result = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True,  # noqa: S603
                            timeout=1800, check=False)
    (out / "rasa.log").write_text(result.stdout + result.stderr, encoding="utf-8")
    if result.returncode != 0:
        raise EvaluationError(f"rasa_plugins.evaluate failed ({result.returncode}): "
                              f"{result.stderr[-3000:]}")
    return out
