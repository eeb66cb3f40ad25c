"""The schedule `make run` uses to send job alerts: runs the command repeatedly, stops cleanly."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from carecareers.runtime.schedule import (
    ALERTS_SEND,
    PICTURE_COUNT,
    PeriodicCommand,
    alert_schedule,
    picture_schedule,
)
from tests.conftest import make_settings


def test_runs_the_command_on_schedule_and_stops(tmp_path: Path) -> None:
    marks = tmp_path / "marks"
    command = PeriodicCommand(
        [sys.executable, "-c", f"open({str(marks)!r}, 'a').write('x')"], every_seconds=0.2,
        first_after_seconds=0.0).start()
    deadline = time.monotonic() + 20
    while command.runs < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    command.stop()
    runs = command.runs
    time.sleep(0.5)
    assert runs >= 2 and marks.read_text() == "x" * command.runs == "x" * runs


def test_the_schedule_is_the_alerts_send_command_and_can_be_off(tmp_path: Path) -> None:
    assert ALERTS_SEND[-2:] == ["alerts", "send"]
    with alert_schedule(make_settings(tmp_path, alerts_send_every_minutes=0)) as command:
        assert command is None


def test_the_picture_is_counted_on_its_own_schedule_which_can_be_off(tmp_path: Path) -> None:
    assert PICTURE_COUNT[-2:] == ["picture", "count"]
    with picture_schedule(make_settings(tmp_path, picture_count_every_minutes=0)) as command:
        assert command is None
    with picture_schedule(make_settings(tmp_path, picture_count_every_minutes=7)) as command:
        assert command is not None
        assert (command.argv, command.every_seconds) == (PICTURE_COUNT, 420.0)
        assert command.first_after_seconds > 0
