"""Held-out NLU quality and training time (issue: the careers conversation).

Trains a fresh model into a temporary folder (the served model is not touched), then
scores it on tests/nlu/heldout.yml with `rasa test nlu`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from carecareers.runtime.processes import RASA_BIN, RASA_QUIET_ENV
from carecareers.settings import PROJECT_ROOT


def rasa(*args: str, cache: str) -> None:
    """Run Rasa with its own empty training cache, so that training time is a cold start."""
    subprocess.run([str(RASA_BIN), *args], cwd=PROJECT_ROOT, check=True,  # noqa: S603
                   env={**os.environ, **RASA_QUIET_ENV, "RASA_CACHE_DIRECTORY": cache},
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        cache = f"{tmp}/cache"
        rasa("train", "--config", "config.yml", "--domain", "domain", "--data", "nlu", "stories",
             "--out", tmp, "--fixed-model-name", "bench", cache=cache)
        train_seconds = time.monotonic() - started
        rasa("test", "nlu", "--nlu", "tests/nlu/heldout.yml", "--model", f"{tmp}/bench.tar.gz",
             "--out", f"{tmp}/results", "--no-plot", cache=cache)
        intents = json.loads(Path(f"{tmp}/results/intent_report.json").read_text())
        responses = json.loads(Path(f"{tmp}/results/response_selection_report.json").read_text())
    per_intent = {k: v for k, v in intents.items()
                  if isinstance(v, dict) and k not in ("macro avg", "weighted avg", "micro avg")}
    worst = sorted(per_intent.items(), key=lambda kv: kv[1]["f1-score"])[:5]
    print(f"training time (full model, 2 cores): {train_seconds:.0f} s   target <= 300 s")
    print(f"held-out intent macro-F1: {intents['macro avg']['f1-score']:.3f}   target >= 0.92")
    print(f"held-out intent accuracy: {intents['accuracy']:.3f}")
    print(f"held-out FAQ response selection accuracy: {responses.get('accuracy', 0):.3f}")
    print("worst five intents (F1, support):")
    for name, scores in worst:
        print(f"  {name:32s} {scores['f1-score']:.3f}  {scores['support']}")


if __name__ == "__main__":
    main(sys.argv[1:])
