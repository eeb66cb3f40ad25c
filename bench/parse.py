"""Latency of Rasa's /model/parse on the held-out messages (p50/p95), against a real server."""

from __future__ import annotations

import statistics
import sys
import time

import httpx
import yaml

from carecareers.runtime.processes import (
    MODEL_PATH,
    free_port,
    rasa_spec,
    start,
    stop,
    wait_ready,
)
from carecareers.settings import PROJECT_ROOT, Settings


def heldout_messages() -> list[str]:
    data = yaml.safe_load((PROJECT_ROOT / "tests" / "nlu" / "heldout.yml").read_text())
    messages: list[str] = []
    for block in data["nlu"]:
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip().removeprefix("- ").strip()
            if line:
                messages.append(_plain(line))
    return messages


def _plain(annotated: str) -> str:
    """Turn '[HCA](role)' or '[nurse]{"entity": ...}' into the words alone."""
    import re

    return re.sub(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})", r"\1", annotated)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str]) -> None:
    port = free_port()
    settings = Settings(_env_file=None, rasa_token="bench-token",  # type: ignore[call-arg]
                        tracker_store_url="sqlite:////tmp/bench-parse-tracker.db")
    running = start(rasa_spec(settings, port, MODEL_PATH), {**__import__("os").environ},
                    stdout=open("/tmp/bench-parse-rasa.log", "wb"))  # noqa: SIM115
    try:
        wait_ready(running)
        messages = heldout_messages()
        timings: list[float] = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            for message in messages[:20]:  # warm up
                client.post("/model/parse", params={"token": "bench-token"}, json={"text": message})
            for message in messages:
                started = time.perf_counter()
                response = client.post("/model/parse", params={"token": "bench-token"},
                                       json={"text": message})
                timings.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
        print(f"/model/parse over {len(timings)} held-out messages: "
              f"p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 0.95):.1f} ms"
              "   target p95 <= 50 ms")
    finally:
        stop(running)


if __name__ == "__main__":
    main(sys.argv[1:])
