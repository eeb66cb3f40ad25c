"""`carecareers vacancies import|refresh` through typer's CliRunner."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from typer.testing import CliRunner
from vacancy_helpers import (
    CONTENT,
    FEEDS,
    factory_for,
    nhs_job,
    vacancies,
    write_nhs_feed,
)

from carecareers.cli.vacancies import _progress, app
from carecareers.models import FeedImport
from carecareers.settings import get_settings

CLOSES = (date.today() + timedelta(days=60)).isoformat()

pytest_plugins = ["vacancy_fixtures"]


@pytest.fixture
def env(vacancy_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the CLI's settings at the test database and a copy of the content folder."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    monkeypatch.setenv("DATABASE_URL", vacancy_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("CONTENT_DIR", str(content))
    get_settings.cache_clear()
    yield content
    get_settings.cache_clear()


def feed(tmp_path: Path, *numbers: int, name: str = "feed.xml") -> Path:
    jobs = [nhs_job(n, closeDate=CLOSES) for n in numbers]
    return write_nhs_feed(tmp_path / name, jobs)


def test_import_prints_a_summary(env: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["import", "--source", "nhs_jobs", str(feed(tmp_path, 1, 2))])

    assert result.exit_code == 0, result.output
    assert "nhs_jobs from" in result.stdout
    assert "2 entries: 2 created, 0 updated, 0 unchanged, 0 skipped" in result.stdout


def test_import_json_is_one_line(env: Path, vacancy_engine: Engine, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["import", "--source", "nhs_jobs", "--json", str(feed(tmp_path, 1, 2, 3))])

    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert (summary["created"], summary["source"]) == (3, "nhs_jobs")
    assert len(vacancies(vacancy_engine)) == 3


def test_import_complete_expires_what_is_gone(env: Path, vacancy_engine: Engine,
                                              tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(app, ["import", "--source", "nhs_jobs", str(feed(tmp_path, 1, 2))])
    result = runner.invoke(app, ["import", "--source", "nhs_jobs", "--complete", "--json",
                                 str(feed(tmp_path, 1))])

    assert json.loads(result.stdout)["expired"] == 1


def test_a_bad_feed_is_one_error_line_and_exit_code_1(env: Path, vacancy_engine: Engine) -> None:
    result = CliRunner().invoke(
        app, ["import", "--source", "nhs_jobs", str(FEEDS / "nhs_jobs_truncated.xml")])

    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        "error: NHS Jobs feed is truncated: it ends at line 40 before the XML is complete"]
    assert "Traceback" not in result.output
    with factory_for(vacancy_engine)() as session:
        recorded = session.scalars(select(FeedImport)).one()
    assert "truncated" in (recorded.error or "")
    assert vacancies(vacancy_engine) == []


def test_an_unknown_source_is_a_usage_error(env: Path) -> None:
    result = CliRunner().invoke(app, ["import", "--source", "monster", "x.xml"])
    assert result.exit_code == 2
    assert "unknown source" in result.output


def test_refresh_imports_every_enabled_feed(env: Path, vacancy_engine: Engine,
                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    feed(env, 1, 2, name="local.xml")
    (env / "feeds.yml").write_text(
        "feeds:\n"
        "  - {name: local, source: nhs_jobs, location: local.xml, complete: true}\n"
        "  - {name: off, source: nhs_jobs, location: nowhere.xml, enabled: false}\n"
        "  - name: adzuna\n"
        "    source: adzuna\n"
        "    location: https://api.adzuna.com/v1/api/jobs/gb/search/1?app_key=${ADZUNA_KEY}\n",
        encoding="utf-8")
    monkeypatch.delenv("ADZUNA_KEY", raising=False)

    result = CliRunner().invoke(app, ["refresh", "--json"])

    assert result.exit_code == 0, result.output
    feeds = json.loads(result.stdout)["feeds"]
    assert [(f["feed"], f["status"]) for f in feeds] == [("local", "imported"),
                                                         ("adzuna", "skipped")]
    assert feeds[0]["summary"]["created"] == 2
    assert "ADZUNA_KEY" in feeds[1]["reason"]
    assert len(vacancies(vacancy_engine)) == 2


def test_refresh_goes_on_after_a_failed_feed_and_exits_1(env: Path, vacancy_engine: Engine
                                                         ) -> None:
    shutil.copy(FEEDS / "nhs_jobs_malformed.xml", env / "broken.xml")
    feed(env, 7, name="fine.xml")
    (env / "feeds.yml").write_text(
        "feeds:\n"
        "  - {name: broken, source: nhs_jobs, location: broken.xml}\n"
        "  - {name: fine, source: 'nhs_jobs:second', location: fine.xml}\n",
        encoding="utf-8")

    result = CliRunner().invoke(app, ["refresh"])

    assert result.exit_code == 1
    assert "error: broken: NHS Jobs feed is not well-formed XML" in result.stderr
    assert "fine: nhs_jobs:second from" in result.stdout
    assert [v.source for v in vacancies(vacancy_engine)] == ["nhs_jobs:second"]


def test_the_progress_callback_draws_on_a_terminal() -> None:
    with _progress(True) as progress:
        assert progress is not None
        progress(10)
    with _progress(False) as progress:
        assert progress is None
