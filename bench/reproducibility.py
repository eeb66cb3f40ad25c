"""Reproducible training: two models trained from the same data predict the same.

Trains two models from scratch (each with its own empty training cache, so nothing is
reused), or takes two trained models, runs `rasa test nlu` on every held-out NLU file with
both, and compares each message's predicted intent, its confidence, the FAQ answer chosen
and the entities found.

    .venv/bin/python -m bench.reproducibility                    # train twice (slow)
    .venv/bin/python -m bench.reproducibility --models A.tar.gz B.tar.gz
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from carecareers.runtime.processes import RASA_BIN, RASA_QUIET_ENV
from carecareers.settings import PROJECT_ROOT

HELD_OUT = ("tests/nlu/heldout.yml", "tests/nlu/entities_heldout.yml",
            "tests/nlu/form_answers.yml")
PREDICTIONS = ("intent_successes.json", "intent_errors.json",
               "response_selection_successes.json", "response_selection_errors.json",
               "DIETClassifier_successes.json", "DIETClassifier_errors.json")
# Confidences printed to 4 places: closer than this is the same prediction.
SAME_CONFIDENCE = 1e-4


def rasa(*args: str, cache: Path) -> None:
    env = {**os.environ, **RASA_QUIET_ENV, "RASA_CACHE_DIRECTORY": str(cache)}
    subprocess.run([str(RASA_BIN), *args], cwd=PROJECT_ROOT, check=True, env=env,  # noqa: S603
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def train(out: Path, name: str) -> Path:
    rasa("train", "--config", "config.yml", "--domain", "domain", "--data", "nlu", "stories",
         "--out", str(out), "--fixed-model-name", name, cache=out / f"cache-{name}")
    return out / f"{name}.tar.gz"


def predictions(model: Path, out: Path) -> dict[str, dict[str, Any]]:
    """Each held-out message's intent, confidence, FAQ answer and entities under `model`."""
    found: dict[str, dict[str, Any]] = {}
    for i, held_out in enumerate(HELD_OUT):
        results = out / f"{model.stem}-{i}"
        rasa("test", "nlu", "--nlu", held_out, "--model", str(model), "--out", str(results),
             "--no-plot", "--successes", cache=out / "cache-test")
        for name in PREDICTIONS:
            path = results / name
            for item in json.loads(path.read_text()) if path.exists() else []:
                entry = found.setdefault(f"{held_out}: {item['text']}", {})
                if "intent_prediction" in item:
                    entry["intent"] = item["intent_prediction"].get("name")
                    entry["confidence"] = item["intent_prediction"].get("confidence") or 0.0
                if "intent_response_key_prediction" in item:
                    faq = item["intent_response_key_prediction"]
                    entry["faq"] = (faq.get("name"), round(faq.get("confidence") or 0.0, 4))
                if "predicted_entities" in item:
                    entry["entities"] = sorted((e.get("entity"), e.get("value"))
                                               for e in item["predicted_entities"])
    return found


def differences(first: dict[str, dict[str, Any]], second: dict[str, dict[str, Any]],
                ) -> list[str]:
    found = []
    for text in sorted(first.keys() | second.keys()):
        a, b = first.get(text, {}), second.get(text, {})
        close = abs(a.get("confidence", 0.0) - b.get("confidence", 0.0)) <= SAME_CONFIDENCE
        same = all(a.get(k) == b.get(k) for k in ("intent", "faq", "entities"))
        if not (same and close):
            found.append(f"{text}\n    {a}\n    {b}")
    return found


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", nargs=2, type=Path, metavar="MODEL",
                        help="compare these two trained models instead of training two")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        models = args.models or [train(out, "first"), train(out, "second")]
        first, second = (predictions(model, out) for model in models)
    changed = differences(first, second)
    intents = sum(first[t].get("intent") != second.get(t, {}).get("intent") for t in first)
    print(f"held-out messages: {len(first)} ({', '.join(HELD_OUT)})")
    print(f"predicted differently by the two models: {len(changed)} "
          f"(intent changed: {intents})   target 0")
    for line in changed[:20]:
        print("  " + line)


if __name__ == "__main__":
    main(sys.argv[1:])
