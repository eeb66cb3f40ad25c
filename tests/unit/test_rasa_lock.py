"""Rasa's environment installs from requirements-rasa.lock (`make lock-rasa` writes it): the
lock must pin every package requirements-rasa.txt asks for, at the version asked."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==(\S+)")


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        if match := PIN.match(line.strip()):
            found[re.sub(r"[-_.]+", "-", match[1]).lower()] = match[2]
    return found


def test_the_lock_holds_what_requirements_rasa_asks_for_and_pins_the_rest() -> None:
    asked = pins(ROOT / "requirements-rasa.txt")
    locked = pins(ROOT / "requirements-rasa.lock")
    assert asked and asked.items() <= locked.items(), "run `make lock-rasa`"
    assert "tensorflow" in locked and len(locked) > 100  # Rasa's own dependencies, pinned
    requirement_lines = [line for line in (ROOT / "requirements-rasa.lock").read_text()
                         .splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert all(PIN.match(line) for line in requirement_lines)  # nothing left unpinned
