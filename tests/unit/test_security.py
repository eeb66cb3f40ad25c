"""Security headers, the action server's token, and no secrets in the repository."""

from __future__ import annotations

import asyncio
import re
import subprocess
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from fastapi.testclient import TestClient
from sanic import Sanic

from actions.server import build_app
from carecareers.migrate import upgrade
from carecareers.runtime.processes import action_server_spec, rasa_environment
from carecareers.settings import PROJECT_ROOT
from tests.conftest import make_settings
from tests.support.fake_rasa import FakeRasa
from web.app import create_app
from web.fingerprints import csp_source
from web.routes.advisers.common import CONTENT_SECURITY_POLICY as DASHBOARD_POLICY
from web.security import CONTENT_SECURITY_POLICY, allowing_style

# -- security headers -----------------------------------------------------------------------


def web_client(tmp_path: Path, base_url: str = "http://testserver") -> TestClient:
    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    rasa = FakeRasa([{"text": "hello"}]).client()
    return TestClient(create_app(settings, rasa=rasa), base_url=base_url)


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with web_client(tmp_path) as test_client:
        yield test_client


def assert_secure(response: httpx.Response, policy: str = CONTENT_SECURITY_POLICY) -> None:
    headers = response.headers
    assert headers["content-security-policy"] == policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert "geolocation=()" in headers["permissions-policy"]
    assert "referrer-policy" in headers


# The chat pages inline their style sheet: their policy allows exactly those bytes, by hash.
CHAT_POLICY = allowing_style(CONTENT_SECURITY_POLICY, csp_source("site.css"))


@pytest.mark.parametrize(("path", "policy"), [
    ("/chat", CHAT_POLICY), ("/privacy", CONTENT_SECURITY_POLICY),
    ("/c/NO-SUCH-CAMPAIGN", CHAT_POLICY), ("/healthz", CONTENT_SECURITY_POLICY),
    ("/livez", CONTENT_SECURITY_POLICY), ("/static/chat.js", CONTENT_SECURITY_POLICY),
    ("/no/such/page", CONTENT_SECURITY_POLICY)])
def test_pages_carry_the_security_headers(client: TestClient, path: str, policy: str) -> None:
    response = client.get(path)
    assert_secure(response, policy)
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("body", [{"message": "hi"}, {"message": 1}, {"button": "forged"}])
def test_the_chat_api_carries_the_security_headers(client: TestClient,
                                                   body: dict[str, Any]) -> None:
    assert_secure(client.post("/api/chat", json=body))


def test_a_route_keeps_the_policy_it_set_itself(client: TestClient) -> None:
    login = client.get("/advisers/login")
    assert login.status_code == 200
    assert_secure(login, DASHBOARD_POLICY)
    assert login.headers["referrer-policy"] == "same-origin"


def test_strict_transport_security_only_over_https(tmp_path: Path) -> None:
    with web_client(tmp_path) as plain:
        assert "strict-transport-security" not in plain.get("/chat").headers
    with web_client(tmp_path, base_url="https://testserver") as secure:
        assert "max-age=" in secure.get("/chat").headers["strict-transport-security"]


def test_the_chat_page_needs_no_inline_script_and_only_its_own_hashed_style(
        client: TestClient) -> None:
    page = client.get("/chat").text
    assert re.findall(r"<script(?![^>]*\ssrc=)[^>]*>", page) == []
    assert " style=" not in page
    styles = re.findall(r"<style>(.*?)</style>", page, re.S)
    assert styles == [(PROJECT_ROOT / "web" / "static" / "site.css").read_text()]
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", page)  # no onclick= and the like


# -- the action server's token --------------------------------------------------------------

TOKEN = "s3cret-action-token"


async def _start_lifespan(app: Sanic) -> asyncio.Task[None]:
    started = asyncio.Event()
    messages = [{"type": "lifespan.startup"}]

    async def receive() -> dict[str, str]:
        if messages:
            return messages.pop(0)
        await asyncio.Event().wait()  # until cancelled
        return {}

    async def send(_: dict[str, Any]) -> None:
        started.set()

    task = asyncio.create_task(app({"type": "lifespan", "asgi": {"version": "3.0"}},
                                   receive, send))
    await asyncio.wait_for(started.wait(), 10)
    return task


@pytest.fixture
async def action_server(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    """The real action server app, driven in-process over ASGI."""
    monkeypatch.setattr(Sanic, "test_mode", True)  # allow one app per test in this process
    app = build_app(TOKEN)
    lifespan = await _start_lifespan(app)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://actions") as client:
        yield client
    lifespan.cancel()


ACTION_CALL = {"next_action": "action_no_such_action", "sender_id": "s", "tracker": {},
               "domain": {}, "version": "3.6.21"}
# Under ASGI, Sanic notes that it runs its start-up listeners early: true, and harmless here.
ASGI_NOTE = pytest.mark.filterwarnings("ignore:You have set a listener:UserWarning")


@ASGI_NOTE
async def test_the_action_server_refuses_calls_without_the_token(
        action_server: httpx.AsyncClient) -> None:
    for params, headers in [({}, {}), ({"token": "wrong"}, {}), ({"token": ""}, {}),
                            ({}, {"Authorization": "Bearer wrong"})]:
        response = await action_server.post("/webhook", json=ACTION_CALL, params=params,
                                            headers=headers)
        assert response.status_code == 401, (params, headers)
    assert (await action_server.get("/actions")).status_code == 401


@ASGI_NOTE
async def test_the_action_server_runs_actions_with_the_token(
        action_server: httpx.AsyncClient) -> None:
    by_query = await action_server.post("/webhook", json=ACTION_CALL, params={"token": TOKEN})
    by_header = await action_server.post("/webhook", json=ACTION_CALL,
                                         headers={"Authorization": f"Bearer {TOKEN}"})
    assert by_query.status_code == by_header.status_code == 404  # past the check: no such action
    assert (await action_server.get("/health")).status_code == 200


def test_the_action_server_will_not_start_without_a_token() -> None:
    with pytest.raises(Exception, match="needs a token"):
        build_app("")


def test_rasa_gets_the_action_servers_token_and_the_server_binds_localhost(
        tmp_path: Path) -> None:
    settings = make_settings(tmp_path, rasa_token="shared-token")
    assert rasa_environment(settings)["ACTION_SERVER_TOKEN"] == "shared-token"
    separate = settings.model_copy(update={"action_server_token": "actions-only"})
    assert rasa_environment(separate)["ACTION_SERVER_TOKEN"] == "actions-only"
    endpoints = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    assert endpoints["action_endpoint"]["token"] == "${ACTION_SERVER_TOKEN}"
    argv = list(action_server_spec(5055).argv)
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert "actions.server" in argv


# -- no secrets in the repository -----------------------------------------------------------

SECRET_PATTERNS = {
    "private key": re.compile(r"-----BEGIN (?:RSA |EC |DSA |OPENSSH |PGP |ENCRYPTED )?PRIVATE KEY"),
    "AWS access key": re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    "Telegram bot token": re.compile(r"\b\d{8,10}:AA[A-Za-z0-9_-]{33}\b"),
    "GitHub token": re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{50,})"),
    "Slack token": re.compile(r"\bxox[abprs]-[A-Za-z0-9-]{10,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b"),
    "Stripe key": re.compile(r"\b[sr]k_live_[0-9A-Za-z]{16,}"),
    "OpenAI-style key": re.compile(r"\bsk-[A-Za-z0-9]{32,}\b"),
    "password in a URL": re.compile(
        r"\b(?:postgres(?:ql)?|mysql|redis|amqp|mongodb)(?:\+\w+)?://[^:/@\s]+:([^@/\s]+)@"),
    "secret assignment": re.compile(
        r"(?i)\b(?:secret_key|[a-z_]*token|password|api_key)\b\s*[:=]\s*[\"']?"
        r"([A-Za-z0-9+/_-]{32,})"),
}
# Obvious placeholders and test values are fine in examples, docs and tests.
PLACEHOLDERS = re.compile(r"(?i)^(?:pw|pass|password|secret|changeme|change-me|example|x+|\*+|"
                          r"\$\{?\w+\}?|<[^>]+>|.*(?:test|example|dummy|fake|placeholder|dev).*)$")
SKIPPED_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".ico", ".gz", ".zip", ".tar", ".pdf",
                    ".woff", ".woff2", ".pyc"}


def repository_files() -> list[Path]:
    """Files git tracks, and new ones it would add (not ignored)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],  # noqa: S607
            cwd=PROJECT_ROOT, capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc})")
    return [PROJECT_ROOT / name for name in listed.decode().split("\0") if name]


def secrets_in(text: str) -> list[str]:
    found = []
    for kind, pattern in SECRET_PATTERNS.items():
        for match in pattern.finditer(text):
            value = match.group(match.lastindex or 0)
            if kind in ("password in a URL", "secret assignment") and PLACEHOLDERS.match(value):
                continue
            found.append(f"{kind}: {match.group(0)[:12]}...")
    return found


def test_the_secret_patterns_find_secrets() -> None:
    # Built from pieces, so that this file does not hold what it looks for.
    assert secrets_in("TELEGRAM_BOT_TOKEN=123456789:" + "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0")
    assert secrets_in("postgresql://carecareers:" + "Kx8d9Qm2Lp@db:5432/app")
    assert secrets_in("secret_key = " + '"b7f0c3a9e1d24f6a8c5b0e9d7a3f1c2e4b6d8a0c"')
    assert not secrets_in("postgresql+psycopg2://user:password@host:5432/carecareers")
    assert not secrets_in('SECRET_KEY: str = "dev-only-secret-key"')


def test_no_secrets_in_the_repository() -> None:
    found: list[str] = []
    for path in repository_files():
        if path.suffix in SKIPPED_SUFFIXES or not path.is_file() or path.is_symlink():
            continue
        if path.name == ".env" or path.name.startswith(".env.") and path.name != ".env.example":
            found.append(f"{path.relative_to(PROJECT_ROOT)}: an environment file is in the repo")
            continue
        data = path.read_bytes()[:2_000_000]
        if b"\0" in data:
            continue
        found += [f"{path.relative_to(PROJECT_ROOT)}: {hit}"
                  for hit in secrets_in(data.decode("utf-8", "replace"))]
    assert found == [], "\n".join(found)
