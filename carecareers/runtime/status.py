"""The state `make run` reports: which part runs, which is restarting, and channels' links.

The launcher writes `status.json` in its run directory whenever a part changes state; a
channel's front end process (content/channels.yml), when the launcher starts it, writes its
link to its service in `<channel>.json` there. The web app's /healthz reads them, but only
when the launcher that wrote them is its own parent process, so a web app started some
other way never reports a stale file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from carecareers.channels import with_processes

STATUS_FILE = "status.json"


def link_file(channel: str) -> str:
    """The file, in the run directory, where a channel's front end reports its link."""
    return f"{channel}.json"


def optional_parts() -> set[str]:
    """The parts `make run` can do without: the channels' own front end processes."""
    return {channel.process.part for channel in with_processes() if channel.process}


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

    Returns `{"parts": {name: state}}`, plus `"<channel>": state` for each channel whose
    front end process reported on its link to its service; a part's state is "running",
    "starting", "restarting" or "stopped".
    """
    status = read_json(run_dir / STATUS_FILE)
    if status is None or status.get("launcher_pid") != parent_pid:
        return None
    parts = status.get("parts", {})
    report: dict[str, Any] = {"parts": {name: part.get("state", "unknown")
                                        for name, part in parts.items()}}
    for channel in with_processes():
        assert channel.process is not None
        link = read_json(run_dir / link_file(channel.name))
        pid = parts.get(channel.process.part, {}).get("pid")
        if link is not None and pid is not None and link.get("pid") == pid:
            report[channel.name] = link.get("state", "unknown")
    return report
