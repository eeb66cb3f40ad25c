"""`carecareers content check` and the admins' careers content page, with a fixed day."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy import Engine
from typer.testing import CliRunner

from carecareers.careers.audit import check_content
from carecareers.cli.main import app
from carecareers.settings import PROJECT_ROOT, get_settings
from tests.conftest import make_settings
from tests.factories import dashboard, make_adviser

CONTENT = PROJECT_ROOT / "content"


def copy_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT / "careers", target / "careers")
    shutil.copy(CONTENT / "providers.yml", target / "providers.yml")
    return target


def test_todays_content_is_dated_sourced_and_in_date() -> None:
    assert check_content(CONTENT, date(2026, 11, 30)) == []


def test_next_april_both_pay_tables_are_past_review() -> None:
    findings = check_content(CONTENT, date(2027, 4, 1))
    assert [f.where for f in findings] == [
        "minimum_wage.rates", "agenda_for_change.rates (2026/27)"]
    assert all("due for review on 2027-04-01" in f.problem for f in findings)


def test_a_step_without_source_or_date_is_listed(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    path = content / "careers" / "ladder.yml"
    data = yaml.safe_load(path.read_text())
    del data["steps"][0]["as_of"], data["steps"][0]["source"]
    path.write_text(yaml.safe_dump(data))
    findings = check_content(content, date(2026, 11, 30))
    assert [str(f) for f in findings] == [
        "careers/ladder.yml: steps[0] (no_qualifications to gcses): no as_of or source"]


def test_a_broken_file_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    content = copy_content(tmp_path)
    (content / "careers" / "pay.yml").write_text("minimum_wage: [unclosed")
    findings = check_content(content, date(2026, 11, 30))
    assert len(findings) == 1 and findings[0].file == "careers/pay.yml"


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ENVIRONMENT", "development")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.mark.usefixtures("cli_env")
def test_the_command_exits_non_zero_with_the_list(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["content", "check", "--today", "2026-11-30"])
    assert ok.exit_code == 0 and "every table in date" in ok.output
    stale = runner.invoke(app, ["content", "check", "--today", "2027-05-01"])
    assert stale.exit_code == 1
    assert "careers/pay.yml: minimum_wage.rates" in stale.output
    monkeypatch.setenv("CARECAREERS_TODAY", "2027-05-01")
    get_settings.cache_clear()
    assert runner.invoke(app, ["content", "check"]).exit_code == 1
    bad = runner.invoke(app, ["content", "check", "--today", "tomorrow"])
    assert bad.exit_code == 2


@pytest.mark.usefixtures("cli_env")
@pytest.mark.parametrize(("day", "warned"), [("2027-01-30", False), ("2027-01-31", True),
                                             ("2027-03-31", True)])
def test_the_command_warns_before_a_change_without_failing(day: str, warned: bool) -> None:
    result = CliRunner().invoke(app, ["content", "check", "--today", day])
    assert result.exit_code == 0, result.output
    assert "every table in date" in result.output
    assert ("warning: careers/pay.yml: minimum_wage.rates: the figures change on 1 April "
            "2027" in result.output) is warned


def test_the_fixed_day_is_honoured_only_in_development_and_test(tmp_path: Path) -> None:
    day = date(2027, 5, 1)
    assert make_settings(tmp_path, carecareers_today=day).fixed_today == day
    secrets = {name: "s" * 40 for name in ("secret_key", "rasa_token", "action_server_token")}
    with pytest.raises(ValueError, match="CARECAREERS_TODAY"):  # production refuses it
        make_settings(tmp_path, carecareers_today=day, environment="production", **secrets)


def test_admins_see_the_coming_change_as_a_warning(engine: Engine, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, carecareers_today=date(2027, 2, 14))
    with dashboard(engine, settings) as dash:
        dash.log_in_as(make_adviser(dash.session, "admin@example.org", role="admin"))
        page = dash.client.get("/advisers/content").text
    assert "the figures change on 1 April 2027 (in 46 days)" in page
    assert "<td>Warning</td>" in page and "<td>Problem</td>" not in page


@pytest.mark.parametrize(("role", "status"), [("admin", 200), ("adviser", 403),
                                              ("provider", 403)])
def test_only_admins_see_the_content_page(engine: Engine, tmp_path: Path, role: str,
                                          status: int) -> None:
    settings = make_settings(tmp_path, carecareers_today=date(2027, 5, 1))
    with dashboard(engine, settings) as dash:
        from tests.factories import make_provider
        provider = make_provider(dash.session, "PROVC") if role == "provider" else None
        dash.log_in_as(make_adviser(dash.session, f"{role}@example.org", role=role,
                                    provider=provider))
        response = dash.client.get("/advisers/content")
        assert response.status_code == status
        if status == 200:
            assert "minimum_wage.rates" in response.text
            assert "agenda_for_change.rates (2026/27)" in response.text
            assert 'href="/advisers/content" aria-current="page"' in response.text
