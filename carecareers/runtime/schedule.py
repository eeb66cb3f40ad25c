"""Run `carecareers alerts send`, `carecareers events remind` and `carecareers leads overdue`
while `make run` is up (every ALERTS_SEND_EVERY_MINUTES), and `carecareers picture count`
(every PICTURE_COUNT_EVERY_MINUTES).

Production runs the same commands from cron instead (see the README):
    */15 * * * * cd /srv/carecareers && .venv/bin/carecareers alerts send
"""

from __future__ import annotations

import logging
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from carecareers.settings import Settings

logger = logging.getLogger(__name__)

ALERTS_SEND = [sys.executable, "-c", "from carecareers.cli.main import app; app()",
               "alerts", "send"]
EVENTS_REMIND = [sys.executable, "-c", "from carecareers.cli.main import app; app()",
                 "events", "remind"]
LEADS_OVERDUE = [sys.executable, "-c", "from carecareers.cli.main import app; app()",
                 "leads", "overdue"]
PICTURE_COUNT = [sys.executable, "-c", "from carecareers.cli.main import app; app()",
                 "picture", "count"]
FIRST_RUN_SECONDS = 30.0


class PeriodicCommand:
    """A thread that runs a command now and then, one run at a time, until stopped."""

    def __init__(self, argv: Sequence[str], every_seconds: float,
                 first_after_seconds: float = FIRST_RUN_SECONDS) -> None:
        self.argv = list(argv)
        self.every_seconds = every_seconds
        self.first_after_seconds = first_after_seconds
        self.runs = 0
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name=" ".join(self.argv[-2:]),
                                        daemon=True)

    def start(self) -> PeriodicCommand:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        wait = self.first_after_seconds
        while not self._stopping.wait(wait):
            self._run_once()
            wait = self.every_seconds

    def _run_once(self) -> None:
        process = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL,  # noqa: S603
                                   stderr=subprocess.PIPE, text=True)
        while process.poll() is None:
            if self._stopping.wait(0.5):
                process.terminate()
                process.wait(timeout=10)
                return
        self.runs += 1
        if process.returncode != 0:
            last = (process.stderr.read() if process.stderr else "").strip().splitlines()
            logger.warning("%s exited with %s: %s", " ".join(self.argv[-2:]), process.returncode,
                           last[-1] if last else "")


@contextmanager
def alert_schedule(settings: Settings) -> Iterator[PeriodicCommand | None]:
    """Send due alerts on a schedule inside the block (not at all if the interval is 0)."""
    if settings.alerts_send_every_minutes <= 0:
        yield None
        return
    command = PeriodicCommand(ALERTS_SEND, settings.alerts_send_every_minutes * 60.0).start()
    reminders = PeriodicCommand(EVENTS_REMIND, settings.alerts_send_every_minutes * 60.0,
                                first_after_seconds=FIRST_RUN_SECONDS * 2).start()
    overdue = PeriodicCommand(LEADS_OVERDUE, settings.alerts_send_every_minutes * 60.0,
                              first_after_seconds=FIRST_RUN_SECONDS * 3).start()
    print(f"  job alerts:        sent every {settings.alerts_send_every_minutes} minutes",
          flush=True)
    print(f"  event reminders:   sent every {settings.alerts_send_every_minutes} minutes",
          flush=True)
    print(f"  overdue leads:     checked every {settings.alerts_send_every_minutes} minutes",
          flush=True)
    try:
        yield command
    finally:
        overdue.stop()
        reminders.stop()
        command.stop()


@contextmanager
def picture_schedule(settings: Settings) -> Iterator[PeriodicCommand | None]:
    """Count the programme picture's people on a schedule inside the block (not at all if
    the interval is 0: the picture's page then counts when its counts are old)."""
    if settings.picture_count_every_minutes <= 0:
        yield None
        return
    command = PeriodicCommand(PICTURE_COUNT, settings.picture_count_every_minutes * 60.0,
                              first_after_seconds=FIRST_RUN_SECONDS * 4).start()
    print(f"  programme picture: people counted every {settings.picture_count_every_minutes} "
          "minutes", flush=True)
    try:
        yield command
    finally:
        command.stop()
