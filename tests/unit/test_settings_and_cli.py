"""Settings, the CLI's clear errors, the model fingerprint and the process launcher."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from carecareers.cli.main import app
from carecareers.runtime import model
from carecareers.runtime.processes import ProcessSpec, StartupError, rasa_environment, start
from carecareers.settings import Settings, get_settings
from tests.conftest import make_settings


def test_placeholder_secret_is_refused_outside_development() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY"):
        Settings(_env_file=None, environment="production", secret_key="change-me")
    assert Settings(_env_file=None, environment="production", secret_key="x" * 40,
                    rasa_token="y" * 40)


def test_settings_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WEB_PORT", "8123")
    monkeypatch.setenv("LEAD_RETENTION_DAYS", "30")
    settings = Settings(_env_file=None)
    assert (settings.web_port, settings.lead_retention_days) == (8123, 30)


def test_db_upgrade_with_an_unreachable_database_says_so_in_one_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg2://nobody@127.0.0.1:1/none")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert result.output.startswith("error: ")
    assert "Traceback" not in result.output
    assert "DATABASE_URL" in result.output


def test_db_upgrade_migrates_a_new_sqlite_file(monkeypatch: pytest.MonkeyPatch,
                                                tmp_path: Path) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'new' / 'app.db'}")
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["db", "upgrade"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "new" / "app.db").exists()


def test_fingerprint_changes_with_training_data_only(tmp_path: Path) -> None:
    for name in ("nlu", "stories", "domain"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "a.yml").write_text("version: '3.1'\n")
    (tmp_path / "config.yml").write_text("recipe: default.v1\n")
    (tmp_path / "rasa_plugins").mkdir()
    for name in ("closed_intents.py", "closed_words.py", "closed_asked.py", "closed_ties.py",
                 "channel.py"):
        (tmp_path / "rasa_plugins" / name).write_text("X = 1\n")
    before = model.training_fingerprint(tmp_path)
    (tmp_path / "README.md").write_text("not training data")
    (tmp_path / "rasa_plugins" / "channel.py").write_text("X = 2\n")  # not in the pipeline
    assert model.training_fingerprint(tmp_path) == before
    (tmp_path / "nlu" / "a.yml").write_text("version: '3.1'\nnlu: []\n")
    changed = model.training_fingerprint(tmp_path)
    assert changed != before
    (tmp_path / "rasa_plugins" / "closed_words.py").write_text("X = 2\n")  # in the pipeline
    assert model.training_fingerprint(tmp_path) != changed
    changed = model.training_fingerprint(tmp_path)
    (tmp_path / "rasa_plugins" / "closed_asked.py").write_text("X = 2\n")  # in the pipeline
    assert model.training_fingerprint(tmp_path) != changed
    changed = model.training_fingerprint(tmp_path)
    (tmp_path / "rasa_plugins" / "closed_ties.py").write_text("X = 2\n")  # in the pipeline
    assert model.training_fingerprint(tmp_path) != changed


def test_a_taken_port_is_reported_clearly() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        spec = ProcessSpec(name="web", argv=["true"], port=port, ready_url="")
        with pytest.raises(StartupError, match=f"port {port} for the web server is already taken"):
            start(spec, {})


def test_rasa_environment_selects_stores_from_settings(tmp_path: Path) -> None:
    local = rasa_environment(make_settings(tmp_path))
    assert local["LOCK_STORE_TYPE"] == "in_memory"
    assert local["TRACKER_STORE_DIALECT"] == "sqlite"
    scaled = rasa_environment(make_settings(
        tmp_path, redis_url="redis://127.0.0.1:6380/3",
        tracker_store_url="postgresql://rasa:pw@db.internal:5432/rasa"))
    assert (scaled["LOCK_STORE_TYPE"], scaled["LOCK_STORE_HOST"], scaled["LOCK_STORE_PORT"],
            scaled["LOCK_STORE_DB"]) == ("rasa_plugins.lock_store.AtomicRedisLockStore",
                                         "127.0.0.1", "6380", "3")
    assert scaled["TRACKER_STORE_DIALECT"] == "postgresql"
