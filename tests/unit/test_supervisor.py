"""The launcher's supervision, with small stand-in processes instead of the product's.

Each test runs a real `Supervisor` in its own process (its signal handling is the point),
with parts that serve HTTP, crash, or ignore SIGTERM; tests/e2e/test_supervisor.py does
the same with the real product.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from carecareers.runtime import status
from carecareers.runtime.launcher import STOP_GRACE_SECONDS
from carecareers.runtime.processes import free_port
from carecareers.runtime.restarts import CrashHistory, RestartPolicy, describe_exit
from tests.unit.test_web_chat import FakeRasa, make_client

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable

SUPERVISE = """
import json, os, sys
from pathlib import Path
from carecareers.runtime.launcher import Part, Supervisor
from carecareers.runtime.processes import ProcessSpec
from carecareers.runtime.restarts import CrashHistory, RestartPolicy
config = json.loads(sys.argv[1])
run_dir = Path(config["run_dir"])
parts = [Part(ProcessSpec(**spec), run_dir / (spec["name"] + ".log"), essential=essential,
              crashes=CrashHistory(RestartPolicy(**config["policy"])))
         for spec, essential in config["parts"]]
sys.exit(Supervisor(parts, dict(os.environ), run_dir,
                    on_ready=lambda: print("READY", flush=True)).run())
"""
CRASHER = "import sys, time; time.sleep(0.1); sys.exit(3)"
STUBBORN = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
            "time.sleep(600)")


# -- the restart policy ----------------------------------------------------------------------


def test_restarts_back_off_then_give_up_after_repeated_crashes() -> None:
    history = CrashHistory(RestartPolicy(first_delay=1, max_delay=5, max_crashes=5,
                                         window=60))
    assert [history.record(t) for t in (0, 2, 5, 10)] == [1, 2, 4, 5]
    assert history.record(12) is None  # the fifth crash within a minute


def test_crashes_long_ago_are_forgotten() -> None:
    history = CrashHistory(RestartPolicy(first_delay=1, max_crashes=3, window=60))
    assert history.record(0) == 1 and history.record(10) == 2
    assert history.record(100) == 1  # the first two are more than a minute old
    assert history.record(110) == 2


def test_a_configuration_error_is_not_restarted() -> None:
    assert CrashHistory().record(0, exit_code=2) is None
    assert CrashHistory().record(0, exit_code=1) == 1


def test_exits_are_described_for_people() -> None:
    assert describe_exit(3) == "exited with code 3"
    assert describe_exit(-9) == "was killed by SIGKILL"


# -- the supervisor, in its own process -------------------------------------------------------


def server(name: str) -> dict[str, Any]:
    port = free_port()
    return {"name": name, "port": port, "ready_url": f"http://127.0.0.1:{port}/",
            "argv": [PYTHON, "-m", "http.server", str(port), "--bind", "127.0.0.1"]}


def script(name: str, code: str) -> dict[str, Any]:
    return {"name": name, "port": 0, "ready_url": "", "argv": [PYTHON, "-c", code]}


class Launcher:
    def __init__(self, run_dir: Path, parts: list[tuple[dict[str, Any], bool]],
                 **policy: float) -> None:
        self.run_dir = run_dir
        config = {"run_dir": str(run_dir), "parts": parts, "policy": policy}
        self.process = subprocess.Popen(
            [PYTHON, "-c", SUPERVISE, json.dumps(config)], cwd=ROOT, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, start_new_session=True)

    def status(self) -> dict[str, Any]:
        return status.read_json(self.run_dir / status.STATUS_FILE) or {"parts": {}}

    def wait_for(self, predicate: Any, timeout: float = 20) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.status()
            if predicate(found["parts"]):
                return found
            assert self.process.poll() is None, self.process.communicate()
            time.sleep(0.05)
        raise AssertionError(f"no such state in time: {self.status()}")

    def pids(self) -> list[int]:
        return [p["pid"] for p in self.status()["parts"].values() if p["pid"]]

    def finish(self, timeout: float = 20) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out, err


@pytest.fixture
def launchers(tmp_path: Path) -> Iterator[list[Launcher]]:
    started: list[Launcher] = []
    yield started
    for launcher in started:
        if launcher.process.poll() is None:
            os.killpg(launcher.process.pid, signal.SIGKILL)
            launcher.process.wait()


def launch(launchers: list[Launcher], run_dir: Path, parts: list[tuple[dict[str, Any], bool]],
           **policy: float) -> Launcher:
    launcher = Launcher(run_dir, parts, **policy)
    launchers.append(launcher)
    return launcher


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    return state != "Z"


def all_running(parts: dict[str, Any]) -> bool:
    return bool(parts) and all(p["state"] == "running" for p in parts.values())


def test_a_crashing_part_is_restarted_while_the_others_keep_serving(
        launchers: list[Launcher], tmp_path: Path) -> None:
    web = server("web")
    launcher = launch(launchers, tmp_path, [(web, True), (server("actions"), True)],
                      first_delay=0.2)
    first = launcher.wait_for(all_running)["parts"]
    os.kill(first["actions"]["pid"], signal.SIGKILL)
    restarting = launcher.wait_for(lambda p: p["actions"]["state"] == "restarting")
    assert restarting["parts"]["web"]["state"] == "running"
    back = launcher.wait_for(lambda p: all_running(p) and p["actions"]["restarts"] == 1)
    assert back["parts"]["web"]["pid"] == first["web"]["pid"]  # never stopped
    assert back["parts"]["actions"]["pid"] != first["actions"]["pid"]
    launcher.process.send_signal(signal.SIGTERM)
    code, out, err = launcher.finish()
    assert code == 0, err
    assert (f"the actions process was killed by SIGKILL; restarting it in 0.2 s "
            f"(its log: {tmp_path / 'actions.log'})") in out
    assert "the actions server is back" in out
    assert not (tmp_path / status.STATUS_FILE).exists()


def test_repeated_crashes_give_up_with_one_line_naming_the_part_and_its_log(
        launchers: list[Launcher], tmp_path: Path) -> None:
    launcher = launch(launchers, tmp_path,
                      [(server("web"), True), (script("actions", CRASHER), True)],
                      first_delay=0.05, max_crashes=3, window=60)
    web_pid = launcher.wait_for(lambda p: p.get("web", {}).get("pid"))["parts"]["web"]["pid"]
    code, out, err = launcher.finish()
    assert code == 1
    assert err.strip().splitlines() == [
        f"giving up on the actions process: it crashed 3 times within 60 s "
        f"(last: it exited with code 3); see its log {tmp_path / 'actions.log'}"]
    assert out.count("the actions process exited with code 3; restarting it") == 2
    assert "all processes stopped" in out
    assert not alive(web_pid)


def test_giving_up_on_the_optional_bot_keeps_the_rest_running(
        launchers: list[Launcher], tmp_path: Path) -> None:
    launcher = launch(launchers, tmp_path,
                      [(server("web"), True), (script("bot", "import sys; sys.exit(2)"), False)])
    parts = launcher.wait_for(lambda p: p.get("bot", {}).get("state") == "stopped")["parts"]
    assert parts["web"]["state"] in ("starting", "running")
    launcher.wait_for(lambda p: p["web"]["state"] == "running")
    time.sleep(0.5)
    assert launcher.process.poll() is None
    launcher.process.send_signal(signal.SIGTERM)
    code, _, err = launcher.finish()
    assert code == 0
    assert (f"giving up on the bot process: it exited with code 2, a configuration error; "
            f"see its log {tmp_path / 'bot.log'}; the rest keeps running") in err


def test_two_quick_sigterms_to_the_group_stop_everything_at_once(
        launchers: list[Launcher], tmp_path: Path) -> None:
    launcher = launch(launchers, tmp_path, [(server("web"), True),
                                            (script("stubborn", STUBBORN), True)])
    launcher.wait_for(all_running)
    pids = launcher.pids()
    began = time.monotonic()
    os.killpg(launcher.process.pid, signal.SIGTERM)
    time.sleep(0.05)
    os.killpg(launcher.process.pid, signal.SIGTERM)
    code, out, err = launcher.finish(timeout=10)
    assert code == 0, err
    assert time.monotonic() - began < 2  # the second signal did not wait out the grace
    assert not any(alive(pid) for pid in pids)
    assert "all processes stopped" in out and "Traceback" not in err


def test_one_sigterm_stops_even_a_process_that_ignores_it(
        launchers: list[Launcher], tmp_path: Path) -> None:
    launcher = launch(launchers, tmp_path, [(script("stubborn", STUBBORN), True)])
    launcher.wait_for(all_running)
    pids = launcher.pids()
    began = time.monotonic()
    launcher.process.send_signal(signal.SIGTERM)
    assert launcher.finish(timeout=10)[0] == 0
    assert time.monotonic() - began < STOP_GRACE_SECONDS + 2
    assert not any(alive(pid) for pid in pids)


def test_no_child_outlives_a_killed_launcher(launchers: list[Launcher], tmp_path: Path) -> None:
    web = server("web")
    launcher = launch(launchers, tmp_path, [(web, True), (script("stubborn", STUBBORN), True)])
    launcher.wait_for(all_running)
    pids = launcher.pids()
    launcher.process.kill()
    launcher.process.wait()
    deadline = time.monotonic() + 5
    survivors = pids
    while survivors and time.monotonic() < deadline:
        time.sleep(0.05)
        survivors = [pid for pid in pids if alive(pid)]
    for pid in survivors:  # leave nothing running, even when the test fails
        os.kill(pid, signal.SIGKILL)
    assert survivors == []


def test_health_reads_the_status_only_from_its_own_launcher(tmp_path: Path) -> None:
    status.write_json(tmp_path / status.STATUS_FILE, {"launcher_pid": 41, "parts": {
        "actions": {"state": "restarting", "pid": None},
        "bot": {"state": "running", "pid": 77}}})
    status.write_json(tmp_path / status.link_file("telegram"), {"pid": 77, "state": "retrying"})
    assert status.supervisor_report(tmp_path, 41) == {
        "parts": {"actions": "restarting", "bot": "running"}, "telegram": "retrying"}
    assert status.supervisor_report(tmp_path, 42) is None  # someone else's launcher
    status.write_json(tmp_path / status.link_file("telegram"), {"pid": 78, "state": "ok"})
    assert "telegram" not in status.supervisor_report(tmp_path, 41)  # an older bot's


def test_healthz_names_the_part_that_is_restarting(tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    parts = {"actions": {"state": "running", "pid": 10}, "rasa": {"state": "running", "pid": 11},
             "web": {"state": "running", "pid": os.getpid()}, "bot": {"state": "running",
                                                                     "pid": 12}}
    status.write_json(run_dir / status.STATUS_FILE,
                      {"launcher_pid": os.getppid(), "parts": parts})  # our "launcher"
    status.write_json(run_dir / status.link_file("telegram"), {"pid": 12, "state": "retrying"})
    with make_client(tmp_path, FakeRasa(), run_dir=run_dir) as client:
        health = client.get("/healthz")
        assert health.status_code == 200  # the optional bot's link does not count
        assert health.json()["telegram"] == "retrying"
        parts["actions"] = {"state": "restarting", "pid": None}
        status.write_json(run_dir / status.STATUS_FILE,
                          {"launcher_pid": os.getppid(), "parts": parts})
        health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json() == {"status": "degraded", "database": "ok", "rasa": "ok",
                             "parts": {"actions": "restarting", "rasa": "running",
                                       "web": "running", "bot": "running"},
                             "telegram": "retrying"}
