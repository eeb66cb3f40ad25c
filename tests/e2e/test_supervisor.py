"""`carecareers run` (what `make run` starts after setting up) as a supervisor you can trust.

Started as a user would, in its own process group, on free ports, with its databases and
run directory in a temporary folder and the Telegram bot talking to a fake Bot API:

- killing the action server: it is restarted, /healthz names it meanwhile, the chat gets a
  real answer again within 15 s, and the web app never stops;
- SIGTERM twice to the whole process group: every process gone and every port free
  within 10 s;
- SIGKILL to the launcher: no child survives it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from carecareers import catalogue
from carecareers.conversation.relay import NO_REPLY, UNAVAILABLE
from carecareers.runtime import status
from carecareers.runtime.processes import MODEL_PATH, VENV_PYTHON, free_port, port_is_free
from tests.e2e.fake_telegram import FakeTelegram
from tests.e2e.test_web_conversation import say, text_of

NO_REPLY_TEXT = catalogue.text(NO_REPLY)
UNAVAILABLE_TEXT = catalogue.text(UNAVAILABLE)

pytestmark = pytest.mark.e2e

CARECAREERS = VENV_PYTHON.parent / "carecareers"
START_TIMEOUT = 420  # Rasa loads its model in one to five minutes on a busy machine
PARTS = ("actions", "rasa", "web", "bot")


@dataclass
class Product:
    """One `carecareers run` and where it lives."""

    launcher: subprocess.Popen[bytes]
    root: Path
    env: dict[str, str]
    ports: dict[str, int]

    @property
    def run_dir(self) -> Path:
        return self.root / "run"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['web']}"

    def output(self) -> str:
        return (self.root / "launcher.out").read_text(errors="replace")

    def parts(self) -> dict[str, Any]:
        found = status.read_json(self.run_dir / status.STATUS_FILE)
        return found["parts"] if found else {}

    def pids(self) -> list[int]:
        return [p["pid"] for p in self.parts().values() if p.get("pid")]

    def log_tail(self, lines: int = 25) -> str:
        out = [f"--- launcher\n{self.output()}"]
        for path in sorted(self.run_dir.glob("*.log")):
            tail = path.read_text(errors="replace").splitlines()[-lines:]
            out.append(f"--- {path.name}\n" + "\n".join(tail))
        return "\n".join(out)

    def wait_until(self, predicate: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not predicate():
            if self.launcher.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{what}: not within {timeout} s\n{self.log_tail()}")
            time.sleep(0.2)

    def kill_everything(self) -> None:
        """Leave nothing running, whatever a test did (the tests check this themselves)."""
        pids = self.pids()
        if self.launcher.poll() is None:
            os.killpg(self.launcher.pid, signal.SIGKILL)
            self.launcher.wait()
        for pid in pids:
            try:
                os.killpg(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def prepare(root: Path, telegram: FakeTelegram | None) -> tuple[dict[str, str], dict[str, int]]:
    """Set up as `make run` does before starting (migrate, seed) on free ports in `root`."""
    if not MODEL_PATH.exists():
        pytest.fail(f"no trained model at {MODEL_PATH}: run `make train` (make test does)")
    ports = {name: free_port() for name in ("rasa", "actions", "web")}
    env = {
        **os.environ,
        "ENVIRONMENT": "development", "SECRET_KEY": "supervisor-test-secret-key-0123456789",
        "RASA_TOKEN": "supervisor-test-token-0123456789-abcd",
        "DATABASE_URL": f"sqlite:///{root / 'app.db'}",
        "TRACKER_STORE_URL": f"sqlite:///{root / 'tracker.db'}", "REDIS_URL": "",
        "RASA_URL": f"http://127.0.0.1:{ports['rasa']}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{ports['actions']}/webhook",
        "WEB_HOST": "127.0.0.1", "WEB_PORT": str(ports["web"]),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{ports['web']}",
        "RUN_DIR": str(root / "run"),
        "TELEGRAM_BOT_TOKEN": telegram.token if telegram else "",
        "TELEGRAM_API_BASE_URL": telegram.base_url if telegram else "",
        "TELEGRAM_WEBHOOK_URL": "", "TELEGRAM_WEBHOOK_SECRET": "",
    }
    for command in (["db", "upgrade"], ["demo", "seed"]):
        done = subprocess.run([str(CARECAREERS), *command], env=env, capture_output=True,
                              text=True, timeout=180)
        assert done.returncode == 0, done.stdout + done.stderr
    return env, ports


def launch(root: Path, env: dict[str, str], ports: dict[str, int]) -> Product:
    with (root / "launcher.out").open("wb") as out:
        launcher = subprocess.Popen([str(CARECAREERS), "run"], env=env, stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
    return Product(launcher, root, env, ports)


def gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"  # a zombie holds no port


def all_gone(pids: list[int], ports: dict[str, int]) -> bool:
    return (all(gone(pid) for pid in pids)
            and all(port_is_free("127.0.0.1", port) for port in ports.values()))


@pytest.fixture(scope="module")
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        yield fake


@pytest.fixture(scope="module")
def product(tmp_path_factory: pytest.TempPathFactory,
            telegram: FakeTelegram) -> Iterator[Product]:
    root = tmp_path_factory.mktemp("supervised")
    env, ports = prepare(root, telegram)
    product = launch(root, env, ports)
    try:
        product.wait_until(lambda: "Care Careers Assistant is running" in product.output(),
                           START_TIMEOUT, "the product did not come up")
        yield product
    finally:
        product.kill_everything()


@pytest.fixture
def web(product: Product) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=product.web_url, timeout=60) as client:
        yield client


def test_health_names_every_part_and_the_bots_link(product: Product,
                                                   web: httpx.Client) -> None:
    product.wait_until(lambda: web.get("/healthz").json().get("telegram") == "ok", 30,
                       "the bot did not report its link to the Bot API")
    health = web.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "ok", "database": "ok", "rasa": "ok",
                             "parts": dict.fromkeys(PARTS, "running"), "telegram": "ok"}


def test_a_killed_action_server_is_restarted_while_the_web_app_keeps_serving(
        product: Product, web: httpx.Client) -> None:
    assert text_of(say(web, "what jobs are there in care")) not in (NO_REPLY_TEXT, "")
    before = product.parts()
    killed = time.monotonic()
    os.killpg(before["actions"]["pid"], signal.SIGKILL)  # as a crash or an OOM kill would

    seen_restarting = False
    answer = NO_REPLY_TEXT
    while time.monotonic() - killed < 15:
        assert web.get("/livez").status_code == 200  # the web app never stops
        health = web.get("/healthz")
        if health.json().get("parts", {}).get("actions") == "restarting":
            assert health.status_code == 503 and health.json()["status"] == "degraded"
            seen_restarting = True
        response = web.post("/api/chat", json={"message": "what is an apprenticeship"})
        assert response.status_code == 200, response.text  # a kind reply, never an error
        answer = text_of(response.json()["messages"])
        if answer not in (NO_REPLY_TEXT, UNAVAILABLE_TEXT):
            break
        time.sleep(0.3)
    assert answer not in (NO_REPLY_TEXT, UNAVAILABLE_TEXT), product.log_tail()
    assert "apprenticeship" in answer.lower()
    assert seen_restarting, "/healthz never named the action server while it restarted"
    after = product.parts()
    assert after["web"]["pid"] == before["web"]["pid"]
    assert after["rasa"]["pid"] == before["rasa"]["pid"]
    assert after["actions"]["pid"] != before["actions"]["pid"]
    assert after["actions"]["restarts"] == 1
    assert "the actions process was killed by SIGKILL; restarting it in 1 s" in product.output()


def test_two_sigterms_to_the_process_group_stop_everything_within_10_seconds(
        product: Product) -> None:
    pids = [product.launcher.pid, *product.pids()]
    assert len(pids) == 1 + len(PARTS)
    began = time.monotonic()
    os.killpg(product.launcher.pid, signal.SIGTERM)  # what a terminal's Ctrl-C or make does
    time.sleep(0.1)
    os.killpg(product.launcher.pid, signal.SIGTERM)
    while not all_gone(pids, product.ports) and time.monotonic() - began < 10:
        time.sleep(0.1)
    elapsed = time.monotonic() - began
    assert all_gone(pids, product.ports), product.log_tail()
    assert product.launcher.wait(timeout=1) == 0
    assert "all processes stopped" in product.output()
    assert "Traceback" not in product.output()
    print(f"stopped everything in {elapsed:.1f} s")
    assert not (product.run_dir / status.STATUS_FILE).exists()


def test_no_child_outlives_a_killed_launcher(tmp_path: Path) -> None:
    env, ports = prepare(tmp_path, None)
    product = launch(tmp_path, env, ports)
    try:
        product.wait_until(lambda: product.parts().get("web", {}).get("state") == "running",
                           120, "the web app did not come up")
        pids = product.pids()
        # the action server, Rasa (still loading, maybe) and the web app
        assert len(pids) == 3, product.log_tail()
        os.kill(product.launcher.pid, signal.SIGKILL)
        product.launcher.wait()
        deadline = time.monotonic() + 5
        while not all_gone(pids, ports) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all_gone(pids, ports), [pid for pid in pids if not gone(pid)]
    finally:
        product.kill_everything()
