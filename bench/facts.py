"""The fact test set's score: through the careers reply functions, and through the real stack.

Usage: python -m bench.facts [--unit-only] [--keep-logs]
The stack run starts the action server, one Rasa server and the web app (as
bench/webchat.py does), and restarts the action server with CARECAREERS_TODAY for each
day in the set. Target: every answer right.
"""

from __future__ import annotations

import argparse
import time
from datetime import date

from carecareers.runtime.processes import MODEL_PATH, action_server_spec, stop
from tests.facts.answers import score
from tests.facts.chat import DayChanger, ask, by_day
from tests.facts.factset import Question, load_questions, problems


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.facts", description=__doc__)
    parser.add_argument("--unit-only", action="store_true",
                        help="score through the reply functions only (no Rasa)")
    parser.add_argument("--keep-logs", action="store_true")
    return parser.parse_args(argv)


def report(title: str, right: int, failures: list[tuple[Question, list[str]]],
           total: int) -> None:
    print(f"{title}: {right}/{total} right ({100 * right / total:.1f}%)")
    for question, wrong in failures[:10]:
        print(f"  wrong: [{question.day}] {question.say!r}: {'; '.join(wrong)}")


def stack_score(questions: list[Question], keep_logs: bool) -> None:
    from bench.webchat import bench_stack

    with bench_stack(keep_logs) as stack:
        port = stack.processes["actions"].spec.port

        def restart(day: date | None) -> None:
            stop(stack.processes.pop("actions"))
            stack.env.pop("CARECAREERS_TODAY", None)
            if day is not None:
                stack.env["CARECAREERS_TODAY"] = day.isoformat()
            stack.run("actions", action_server_spec(port))

        days = DayChanger(restart)
        failures = []
        started = time.monotonic()
        for question in by_day(questions):
            days.use(question.day)
            wrong = problems(question, ask(stack.web_url, question))
            if wrong:
                failures.append((question, wrong))
        seconds = time.monotonic() - started
        report("through the web chat, Rasa and the action server",
               len(questions) - len(failures), failures, len(questions))
        print(f"  ({seconds:.0f} s for {len(questions)} conversations)")


def main(argv: list[str]) -> None:
    args = parse_args(argv)
    questions = load_questions()
    ages = sorted({int(q.entities["age"]) for q in questions if "age" in q.entities})
    print(f"{len(questions)} questions on {len({q.day for q in questions})} days, "
          f"ages {ages[0]} to {ages[-1]}")
    right, failures = score(questions)
    report("through the careers reply functions (fixed day)", right, failures, len(questions))
    if args.unit_only:
        return
    if not MODEL_PATH.exists():
        print("no trained model: run `make train` for the end-to-end score")
        return
    stack_score(questions, args.keep_logs)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
