"""Run every benchmark section in turn; a section that is not built yet says so."""

from __future__ import annotations

import importlib
import sys
import time

SECTIONS = [
    ("NLU quality and training time", "bench.nlu"),
    ("Rasa /model/parse latency", "bench.parse"),
    ("Vacancy import and search", "bench.vacancies"),
    ("Job alerts: matching and queuing", "bench.alerts"),
    ("Telegram bot reply time", "bench.bot"),
    ("Adviser message: Send to Bot API", "bench.adviser_messages"),
    ("Outcomes: overdue check, notices and follow-up figures", "bench.outcomes"),
    ("Web chat against Rasa", "bench.webchat"),
    ("QR landing to greeting on a slow phone", "bench.landing"),
    ("Multi-turn conversations", "bench.conversations"),
    ("Entity extraction (held-out)", "bench.entities"),
    ("Careers facts right for the person", "bench.facts"),
    ("Vacancy feed for other websites", "bench.jobs_feed"),
    ("Jobs widget on a provider's website", "bench.widget"),
    ("Programme board picture", "bench.picture"),
    ("Vacancy history: weekly snapshot", "bench.history"),
]


def cpu_reference_seconds() -> float:
    """How long this machine takes for a fixed piece of pure Python (ten million additions):
    to compare the figures of machines that are not equally fast."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return time.perf_counter() - started


def main() -> int:
    print(f"CPU reference: ten million additions in pure Python took "
          f"{cpu_reference_seconds():.2f} s", flush=True)
    failures = 0
    for title, module_name in SECTIONS:
        print(f"\n== {title} ==", flush=True)
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            print("(not measured yet)")
            continue
        started = time.monotonic()
        try:
            module.main([])
        except Exception as exc:  # report and go on to the next section
            failures += 1
            print(f"failed: {exc!r}")
        print(f"({time.monotonic() - started:.0f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
