"""The state `make run` reports: which part runs, which is restarting, and the bot's link.

The launcher writes `status.json` in its run directory whenever a part changes state; the
bot, when the launcher starts it, writes its link to the Bot API in `telegram.json` there.
The web app's /healthz reads both, but only when the launcher that wrote them is its own
parent process, so a web app started some other way never reports a stale file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

STATUS_FILE = "status.json"
TELEGRAM_FILE = "telegram.json"


def write_json(path: Path, content: dict[str, Any]) -> None:
    """Replace the file in one step, so that a reader never sees half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    partial.write_text(json.dumps(content, indent=1))
    partial.replace(path)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) else None


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)


def supervisor_report(run_dir: Path, parent_pid: int) -> dict[str, Any] | None:
    """What the launcher that started this process says about the parts, or None.

    Returns `{"parts": {name: state}}`, plus `"telegram": state` when the bot reported on
    its link to the Bot API; a part's state is "running", "starting", "restarting" or
    "stopped".
    """
    status = read_json(run_dir / STATUS_FILE)
    if status is None or status.get("launcher_pid") != parent_pid:
        return None
    parts = status.get("parts", {})
    report: dict[str, Any] = {"parts": {name: part.get("state", "unknown")
                                        for name, part in parts.items()}}
    telegram = read_json(run_dir / TELEGRAM_FILE)
    bot_pid = parts.get("bot", {}).get("pid")
    if telegram is not None and bot_pid is not None and telegram.get("pid") == bot_pid:
        report["telegram"] = telegram.get("state", "unknown")
    return report
