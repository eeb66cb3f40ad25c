"""Run the whole product on one machine, keep it running, and stop it when asked.

One loop in the main thread does everything. The signal handler only counts signals
(the loop wakes through `signal.set_wakeup_fd`), so a second Ctrl-C can never deadlock it:
the first SIGINT or SIGTERM stops every process (SIGTERM, then SIGKILL after
`STOP_GRACE_SECONDS`), a second one kills what is left at once. A process that exits
unexpectedly is restarted with backoff while the others go on serving; after repeated
crashes (restarts.RestartPolicy) the launcher gives up on it with one line naming it and
its log, and stops altogether unless the part was an optional channel's front end (a
channel with a process of its own in content/channels.yml).
"""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import IO, Any
from urllib.parse import urlsplit

from carecareers.channels import Channel, with_processes
from carecareers.conversation.rasa_pool import rasa_urls
from carecareers.runtime import status
from carecareers.runtime.processes import (
    MODEL_PATH,
    RASA_BIN,
    ProcessSpec,
    Running,
    StartupError,
    action_server_spec,
    front_end_spec,
    rasa_spec,
    signal_group,
    start,
    web_spec,
)
from carecareers.runtime.restarts import (
    CONFIGURATION_ERROR,
    CrashHistory,
    RestartPolicy,
    describe_exit,
)
from carecareers.runtime.schedule import alert_schedule, picture_schedule
from carecareers.settings import Settings

STOP_GRACE_SECONDS = 5.0
TICK_SECONDS = 0.5
READY_PROBE_SECONDS = 1.0


class GaveUp(Exception):
    """An essential part kept crashing; the message is the one line that says so."""


@dataclass
class Part:
    """One supervised process: its spec, its log, its state and its recent crashes."""

    spec: ProcessSpec
    log_path: Path
    essential: bool = True
    crashes: CrashHistory = field(default_factory=CrashHistory)
    running: Running | None = None
    log: IO[bytes] | None = None
    state: str = "starting"  # starting, running, restarting, stopped
    ready_by: float = 0.0
    restart_at: float = 0.0
    restarts: int = 0

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def pid(self) -> int | None:
        return self.running.popen.pid if self.running is not None else None

    def exit_code(self) -> int | None:
        return self.running.popen.poll() if self.running is not None else None


class SignalCounter:
    """Count SIGINT and SIGTERM; the handler does nothing else, the loop wakes on a pipe."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.received = 0
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)
        self._previous: dict[int, Any] = {}
        self._previous_fd = -1

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.received += 1

    def install(self) -> None:
        self._previous_fd = signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        for sig in self.SIGNALS:
            self._previous[sig] = signal.signal(sig, self._handle)

    def restore(self) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)
        signal.set_wakeup_fd(self._previous_fd)
        os.close(self._read)
        os.close(self._write)

    def wait(self, seconds: float) -> None:
        """Sleep up to `seconds`, waking at once when a signal arrives."""
        ready, _, _ = select.select([self._read], [], [], seconds)
        if ready:
            try:
                os.read(self._read, 512)
            except BlockingIOError:
                pass


class Supervisor:
    """Start the parts, restart the ones that crash, stop them all on a signal."""

    def __init__(self, parts: list[Part], env: Mapping[str, str], run_dir: Path,
                 on_ready: Callable[[], None] = lambda: None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.parts = parts
        self.env = env
        self.status_path = run_dir / status.STATUS_FILE
        self.on_ready = on_ready
        self.clock = clock
        self.signals = SignalCounter()
        self._reported: dict[str, Any] = {}

    def run(self) -> int:
        """Serve until a signal (0) or until an essential part is given up on (1)."""
        self.signals.install()
        try:
            for part in self.parts:
                self._start(part)
            return self._serve()
        except GaveUp as exc:
            say(str(exc), error=True)
            return 1
        finally:
            self._stop_all()
            status.remove(self.status_path)
            self.signals.restore()

    def _serve(self) -> int:
        announced = False
        while not self.signals.received:
            for part in self.parts:
                self._check(part, self.clock())
            if not announced and all(p.state in ("running", "stopped") for p in self.parts):
                announced = True
                self.on_ready()
            self._report()
            self.signals.wait(TICK_SECONDS)
        return 0

    def _start(self, part: Part) -> None:
        part.log = part.log_path.open("ab")
        part.log.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} starting\n".encode())
        part.log.flush()
        part.running = start(part.spec, self.env, stdout=part.log)
        part.ready_by = self.clock() + part.spec.ready_timeout
        if part.spec.ready_url:
            say(f"waiting for the {part.name} server ...")

    def _check(self, part: Part, now: float) -> None:
        if part.state == "stopped":
            return
        if part.running is None:
            if now >= part.restart_at:
                self._restart(part, now)
            return
        code = part.exit_code()
        if code is not None:
            self._crashed(part, f"{describe_exit(code)}", now, code)
        elif part.state != "running":
            if is_ready(part.spec):
                if part.state == "restarting":
                    say(f"the {part.name} server is back")
                part.state = "running"
            elif now > part.ready_by:
                signal_group(part.running.popen.pid, signal.SIGKILL)
                part.running.popen.wait()
                self._crashed(part, f"did not answer within {part.spec.ready_timeout:g} s", now)

    def _restart(self, part: Part, now: float) -> None:
        part.restarts += 1
        try:
            self._start(part)
        except StartupError as exc:  # for example its port was taken meanwhile
            self._crashed(part, str(exc), now)

    def _crashed(self, part: Part, reason: str, now: float, code: int | None = None) -> None:
        self._close_log(part)
        part.running = None
        delay = part.crashes.record(now, code)
        if delay is None:
            part.state = "stopped"
            line = give_up_line(part, reason, code)
            if part.essential:
                raise GaveUp(line)
            say(line + "; the rest keeps running", error=True)
            return
        part.state, part.restart_at = "restarting", now + delay
        say(f"the {part.name} process {reason}; restarting it in {delay:g} s "
            f"(its log: {part.log_path})")

    def _report(self) -> None:
        """Write status.json when a part's state or process changed."""
        parts = {p.name: {"state": p.state, "pid": p.pid, "restarts": p.restarts,
                          "log": str(p.log_path)} for p in self.parts}
        if parts != self._reported:
            status.write_json(self.status_path, {"launcher_pid": os.getpid(), "parts": parts})
            self._reported = parts

    def _stop_all(self) -> None:
        """SIGTERM every process group; SIGKILL what is left after the grace period or at
        a second signal."""
        running = [p.running for p in self.parts if p.running is not None]
        if any(r.popen.poll() is None for r in running):
            say("stopping ...")
        for process in running:
            signal_group(process.popen.pid, signal.SIGTERM)
        deadline = self.clock() + STOP_GRACE_SECONDS
        while (any(r.popen.poll() is None for r in running) and self.clock() < deadline
               and self.signals.received < 2):
            self.signals.wait(0.1)
        for process in running:
            signal_group(process.popen.pid, signal.SIGKILL)  # and any stray children
            try:
                process.popen.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                say(f"process {process.popen.pid} did not die", error=True)
        for part in self.parts:
            self._close_log(part)
        if running:
            say("all processes stopped")

    @staticmethod
    def _close_log(part: Part) -> None:
        if part.log is not None:
            part.log.close()
            part.log = None


def give_up_line(part: Part, reason: str, code: int | None) -> str:
    """One line: which part, why, and where its log is."""
    if code == CONFIGURATION_ERROR:
        why = f"it {reason}, a configuration error"
    else:
        why = (f"it crashed {len(part.crashes.times)} times within "
               f"{part.crashes.policy.window:g} s (last: it {reason})")
    return f"giving up on the {part.name} process: {why}; see its log {part.log_path}"


def is_ready(spec: ProcessSpec) -> bool:
    if not spec.ready_url:
        return True
    try:
        with urllib.request.urlopen(spec.ready_url, timeout=READY_PROBE_SECONDS) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def say(line: str, error: bool = False) -> None:
    print(line, file=sys.stderr if error else sys.stdout, flush=True)


def product_parts(settings: Settings, policy: RestartPolicy | None = None) -> list[Part]:
    """The action server, Rasa and the web app, and each channel's front end process whose
    setting is set (a bot token, say); those are optional."""
    rasa_port = urlsplit(rasa_urls(settings.rasa_url)[0]).port or 5005
    action_port = urlsplit(settings.action_server_url).port or 5055
    specs = [action_server_spec(action_port), rasa_spec(settings, rasa_port),
             web_spec(settings)]
    specs += [front_end_spec(channel.process, settings.run_dir / status.link_file(channel.name))
              for channel in with_processes()
              if channel.process is not None and _is_set(settings, channel.process.needs_setting)]
    optional = status.optional_parts()
    policy = policy or RestartPolicy()
    return [Part(spec, settings.run_dir / f"{spec.name}.log", essential=spec.name not in optional,
                 crashes=CrashHistory(policy)) for spec in specs]


def _is_set(settings: Settings, name: str) -> bool:
    return bool(getattr(settings, name, ""))


def run_stack(settings: Settings) -> int:
    """Start every process and supervise them until a signal; return the exit code."""
    if not RASA_BIN.exists():
        raise StartupError("Rasa is not installed in .venv-rasa: run `make setup`")
    if not MODEL_PATH.exists():
        raise StartupError(f"no trained model at {MODEL_PATH}: run `make train`")
    settings.run_dir.mkdir(parents=True, exist_ok=True)
    parts = product_parts(settings)
    env = {**os.environ, "RUN_DIR": str(settings.run_dir)}
    say(f"logs: {settings.run_dir}/<part>.log")
    with alert_schedule(settings), picture_schedule(settings):
        return Supervisor(parts, env, settings.run_dir,
                          on_ready=lambda: _announce(settings)).run()


def _announce(settings: Settings) -> None:
    base = settings.public_base_url.rstrip("/")
    print(
        "\nCare Careers Assistant is running:\n"
        f"  web chat:          {base}/chat\n"
        f"  campaign landing:  {base}/c/DEMO-FOODBANK\n"
        f"  adviser dashboard: {base}/advisers\n"
        f"  health:            {base}/healthz\n"
        + "".join(_front_end_line(settings, channel) for channel in with_processes())
        + "Press Ctrl-C to stop.\n",
        flush=True,
    )


def _front_end_line(settings: Settings, channel: Channel) -> str:
    """'  <label> (<part>): running', or off and the setting that turns it on."""
    assert channel.process is not None
    setting = channel.process.needs_setting
    state = ("running" if _is_set(settings, setting)
             else f"off (set {setting.upper()} to start it)")
    return f"  {channel.label + ' (' + channel.process.part + '):':<19}{state}\n"


def main() -> int:
    from carecareers.settings import ConfigurationError, get_settings

    try:
        return run_stack(get_settings())
    except (StartupError, ConfigurationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
