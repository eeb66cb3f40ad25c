"""`carecareers alerts send` on a real SQLite database and a real local SMTP server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carecareers.cli.main import app
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models.base import utcnow
from carecareers.settings import get_settings
from tests.conftest import make_settings, use_test_secrets
from tests.factories import make_vacancy
from tests.integration.alert_helpers import STOKE, email_alert
from tests.mail_server import MailServer


@pytest.fixture
def configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MailServer]:
    settings = make_settings(tmp_path)
    upgrade(settings.database_url)
    with MailServer() as mail:
        for name, value in {"DATABASE_URL": settings.database_url, "SMTP_URL": mail.url,
                            "PUBLIC_BASE_URL": "https://care.example.org"}.items():
            monkeypatch.setenv(name, value)
            use_test_secrets(monkeypatch)
        get_settings.cache_clear()
        factory = session_factory(make_engine(settings.database_url))
        with factory() as session, session.begin():
            now = utcnow()
            email_alert(session, email="sam@example.org", now=now)
            make_vacancy(session, "Healthcare Support Worker", role_code="healthcare_assistant",
                         latitude=STOKE[0], longitude=STOKE[1],
                         first_seen_at=now + timedelta(seconds=1),
                         url="https://jobs.example.org/hca")
        yield mail
    get_settings.cache_clear()


def test_alerts_send_sends_once_and_reports(configured: MailServer) -> None:
    first = CliRunner().invoke(app, ["alerts", "send"])
    assert first.exit_code == 0, first.output
    report = json.loads(first.stdout)
    assert (report["messages_queued"], report["sent"]) == (1, 2)  # the alert and the confirmation
    again = CliRunner().invoke(app, ["alerts", "send"])
    assert json.loads(again.stdout)["sent"] == 0
    alerts = [m for m in configured.mailbox.to("sam@example.org") if "job" in m["Subject"]]
    assert len(alerts) == 2 and "https://jobs.example.org/hca" in alerts[-1].get_content()


def test_a_bad_smtp_url_is_refused_clearly(configured: MailServer,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_URL", "http://mail.example.org")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["alerts", "send"])
    assert result.exit_code == 2 and "SMTP_URL must look like" in result.output
