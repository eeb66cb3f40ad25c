"""Rasa's own checks of the project and its trained model, in one process.

    .venv-rasa/bin/python -m rasa_plugins.evaluate --out DIR [--validate]
        [--model models/current.tar.gz] [--nlu NAME=FILE ...] [--stories DIR]

Each `rasa` command imports TensorFlow and loads the model again (40 to 90 s each on this
project's machines as Rasa ships it; about 10 s as serve.py loads it, which this does too);
this does what `rasa data validate`, `rasa test nlu` and `rasa test core
--fail-on-prediction-errors` do, with Rasa's own functions, loading the model once. Under DIR:

- validate.json: {"ok": ...}, what `rasa data validate --data nlu stories --domain domain
  --config config.yml` decides;
- nlu/NAME/: what `rasa test nlu --nlu FILE --successes --out` writes (intent, entity and
  response selection reports, successes and errors), for each NAME=FILE;
- stories/: what `rasa test core --stories DIR --fail-on-prediction-errors --out` writes
  (failed_test_stories.yml among it), with stories.json: {"ok": ..., "error": ...}.

The exit status is 0 when every check could run, whatever it found: the findings are the
files. Rasa's log goes to standard error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

PROJECT_DATA = ("nlu", "stories")
DOMAIN = "domain"
CONFIG = "config.yml"


def validate(out: Path) -> None:
    """Whether the training data, domain and stories are valid, as `rasa data validate`."""
    from rasa.cli.utils import validate_files
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        config_path=CONFIG, domain_path=DOMAIN, training_data_paths=list(PROJECT_DATA))
    try:
        validate_files(fail_on_warnings=False, max_history=None, importer=importer)
        ok = True
    except SystemExit as stopped:  # Rasa's way of saying the project is not valid
        ok = stopped.code in (0, None)
    write_json(out / "validate.json", {"ok": ok})


async def evaluate(model: Path, out: Path, nlu: dict[str, str], stories: str | None) -> None:
    from rasa.core.agent import Agent
    from rasa.core.test import WrongPredictionException
    from rasa.core.test import test as test_stories
    from rasa.nlu.test import run_evaluation

    from rasa_plugins.serve import build_loaded_models_eagerly

    build_loaded_models_eagerly()  # the same model, loaded as the server loads it
    agent = Agent.load(model_path=str(model))
    for name, data in nlu.items():
        target = out / "nlu" / name
        target.mkdir(parents=True, exist_ok=True)
        await run_evaluation(data, agent.processor, output_directory=str(target),
                             successes=True, errors=True, disable_plotting=True)
    if stories is None:
        return
    target = out / "stories"
    target.mkdir(parents=True, exist_ok=True)
    found: dict[str, Any] = {"ok": True, "error": ""}
    try:
        await test_stories(stories, agent, out_directory=str(target),
                           fail_on_prediction_errors=True, disable_plotting=True)
    except WrongPredictionException as wrong:
        found = {"ok": False, "error": str(wrong)}
    write_json(out / "stories.json", found)


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def named_file(value: str) -> tuple[str, str]:
    name, _, path = value.partition("=")
    if not name or not path or "/" in name:
        raise argparse.ArgumentTypeError(f"expected NAME=FILE, got {value!r}")
    return name, path


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--validate", action="store_true")
    parser.add_argument("--model", type=Path)
    parser.add_argument("--nlu", type=named_file, action="append", default=[])
    parser.add_argument("--stories")
    args = parser.parse_args(argv)
    if (args.nlu or args.stories) and args.model is None:
        parser.error("--nlu and --stories need --model")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.validate:
        validate(args.out)
    if args.model is not None:
        asyncio.run(evaluate(args.model, args.out, dict(args.nlu), args.stories))


if __name__ == "__main__":
    main(sys.argv[1:])
