"""`carecareers leads export`, `leads erase` and `retention purge` against a SQLite database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from carecareers.cli.main import app
from carecareers.clock import clock_for
from carecareers.db import make_engine, session_factory
from carecareers.forms.validation import parse_age
from carecareers.leads import InterestDetails, consent_wording, record_interest
from carecareers.migrate import upgrade
from carecareers.models import AuditEvent, Lead
from carecareers.models.base import utcnow
from carecareers.runtime.demo import seed_demo
from carecareers.settings import get_settings
from tests.conftest import make_settings


@pytest.fixture
def factory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator:
    settings = make_settings(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("TRACKER_STORE_URL", settings.tracker_store_url)
    get_settings.cache_clear()
    upgrade(settings.database_url)
    made = session_factory(make_engine(settings.database_url))
    with made() as session, session.begin():
        clock = clock_for(settings)  # the command's clock
        seed_demo(session, settings, clock)
        for n, (name, detail) in enumerate([("Sam", "sam@example.org"),
                                           ("=HYPERLINK(\"x\")", "eve@example.org")]):
            record_interest(session, InterestDetails(
                sender_id=f"web-{n}", first_name=name, age=parse_age("19"),
                contact_method="email", contact_detail=detail, outcode="ST4", channel="web",
                interests=["apprenticeships"]),
                consent_wording(settings.content_dir, "email", [], "http://x/privacy", 365),
                clock.now())
    yield made
    get_settings.cache_clear()


def run(*args: str, answer: str | None = None):
    return CliRunner().invoke(app, list(args), input=answer)


def test_export_csv_is_excel_safe_and_audited(factory, tmp_path: Path) -> None:
    out = tmp_path / "leads.csv"
    result = run("leads", "export", "--format", "csv", "--out", str(out))
    assert result.exit_code == 0, result.output
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and not raw.startswith(b"\xef\xbb\xbf\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "sam@example.org" in text and "'=HYPERLINK" in text
    with factory() as session:
        event = session.scalars(select(AuditEvent).where(
            AuditEvent.action == "leads.exported")).one()
        assert event.detail["rows"] == 2 and "sam" not in json.dumps(event.detail)


def test_export_json_by_provider_and_since(factory) -> None:
    result = run("leads", "export", "--format", "json", "--since", "2000-01-01")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 2
    assert run("leads", "export", "--provider", "nope").exit_code == 1
    assert run("leads", "export", "--since", "yesterday").exit_code == 1


def test_erase_by_email(factory) -> None:
    result = run("leads", "erase", "--email", "sam@example.org", "--yes")
    assert result.exit_code == 0, result.output
    with factory() as session:
        assert [lead.email for lead in session.scalars(select(Lead))] == ["eve@example.org"]
    assert "no lead matches" in run("leads", "erase", "--email", "sam@example.org",
                                    "--yes").output
    assert run("leads", "erase", "--phone", "123").exit_code == 1


def test_erase_shows_what_would_go_and_keeps_it_when_not_confirmed(factory) -> None:
    result = run("leads", "erase", "--sender", "web-0", answer="n\n")
    assert result.exit_code == 1
    assert ("erase 1 lead(s), adviser emails: 0, event bookings: 0, job alert recipients: 0, "
            "outcome messages: 0, values checks: 0, values results: 0?") in result.output
    with factory() as session:
        assert len(session.scalars(select(Lead)).all()) == 2
        assert not session.scalars(select(AuditEvent).where(
            AuditEvent.action == "lead.erased")).all()


def test_retention_purge(factory) -> None:
    with factory() as session, session.begin():
        lead = session.scalars(select(Lead).where(Lead.email == "eve@example.org")).one()
        lead.last_activity_at = utcnow() - timedelta(days=500)
    result = run("retention", "purge", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["leads"] == 1
    # each topic's own counts (alerts, event bookings, adviser emails) are in the summary
    assert summary["job_alerts_expired"] == summary["event_bookings_deleted"] == 0
    assert summary["adviser_emails"] == 0
    with factory() as session:
        assert [lead.email for lead in session.scalars(select(Lead))] == ["sam@example.org"]
