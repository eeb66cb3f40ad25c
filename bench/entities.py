"""Entity extraction on held-out messages (tests/nlu/entities_heldout.yml), per entity.

Scores the served model (models/current.tar.gz) as `rasa test nlu` does and prints precision,
recall and F1 for age, role, current_role, location and qualification.

    .venv/bin/python -m bench.entities
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from carecareers.runtime.model import evaluate
from carecareers.runtime.processes import MODEL_PATH

HELDOUT = "tests/nlu/entities_heldout.yml"
ENTITIES = ("age", "role", "current_role", "location", "qualification")
TARGET_F1 = 0.9


def entity_report(model: Path, out: Path) -> dict[str, dict[str, float]]:
    """Rasa's per-entity scores for the held-out set (DIETClassifier_report.json)."""
    evaluate(out, model=model, nlu={"entities": HELDOUT})
    return json.loads((out / "nlu" / "entities" / "DIETClassifier_report.json").read_text())


def main(argv: list[str]) -> None:
    if not MODEL_PATH.exists():
        raise SystemExit(f"no trained model at {MODEL_PATH}: run `make train`")
    with tempfile.TemporaryDirectory() as tmp:
        report = entity_report(MODEL_PATH, Path(tmp))
    print(f"held-out entities ({HELDOUT}), target F1 >= {TARGET_F1}:")
    for name in ENTITIES:
        scores = report.get(name, {})
        print(f"  {name:14s} F1 {scores.get('f1-score', 0):.3f}  precision "
              f"{scores.get('precision', 0):.3f}  recall {scores.get('recall', 0):.3f}  "
              f"({scores.get('support', 0)} held-out)")


if __name__ == "__main__":
    main(sys.argv[1:])
