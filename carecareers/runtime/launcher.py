"""Run the whole product on one machine until Ctrl-C or SIGTERM."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from urllib.parse import urlsplit

from carecareers.conversation.rasa_pool import rasa_urls
from carecareers.runtime.processes import (
    MODEL_PATH,
    RASA_BIN,
    Running,
    StartupError,
    action_server_spec,
    bot_spec,
    rasa_spec,
    start,
    stop,
    wait_ready,
    web_spec,
)
from carecareers.runtime.schedule import alert_schedule
from carecareers.settings import Settings

logger = logging.getLogger(__name__)


def run_stack(settings: Settings) -> int:
    """Start every process, wait for a signal or a crash, then stop them all."""
    rasa_port = urlsplit(rasa_urls(settings.rasa_url)[0]).port or 5005
    action_port = urlsplit(settings.action_server_url).port or 5055
    if not RASA_BIN.exists():
        raise StartupError("Rasa is not installed in .venv-rasa: run `make setup`")
    if not MODEL_PATH.exists():
        raise StartupError(f"no trained model at {MODEL_PATH}: run `make train`")
    specs = [action_server_spec(action_port), rasa_spec(settings, rasa_port), web_spec(settings)]
    if settings.telegram_bot_token:
        specs.append(bot_spec())
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stopping.set())
    running: list[Running] = []
    try:
        for spec in specs:
            running.append(start(spec, os.environ))
        for process in running:
            print(f"waiting for the {process.spec.name} server ...", flush=True)
            wait_ready(process)
            if stopping.is_set():
                return 130
        _announce(settings)
        with alert_schedule(settings):
            return _watch(running, stopping)
    finally:
        for process in reversed(running):
            stop(process)
        print("all processes stopped", flush=True)


def _watch(running: list[Running], stopping: threading.Event) -> int:
    while not stopping.wait(1.0):
        for process in running:
            code = process.popen.poll()
            if code is not None:
                print(f"the {process.spec.name} process exited with code {code}", flush=True)
                return 1
    return 0


def _announce(settings: Settings) -> None:
    base = settings.public_base_url.rstrip("/")
    print(
        "\nCare Careers Assistant is running:\n"
        f"  web chat:          {base}/chat\n"
        f"  campaign landing:  {base}/c/DEMO-FOODBANK\n"
        f"  adviser dashboard: {base}/advisers\n"
        f"  health:            {base}/healthz\n"
        + ("  Telegram bot:      running\n" if settings.telegram_bot_token else
           "  Telegram bot:      off (set TELEGRAM_BOT_TOKEN to start it)\n")
        + "Press Ctrl-C to stop.\n",
        flush=True,
    )


def main() -> int:
    from carecareers.settings import ConfigurationError, get_settings

    try:
        return run_stack(get_settings())
    except (StartupError, ConfigurationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
