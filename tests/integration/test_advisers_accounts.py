"""Dashboard accounts: Argon2 hashes, roles, lock-out after failed logins, and the CLI."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from carecareers.advisers.accounts import (
    LOCKOUT,
    MAX_FAILED_LOGINS,
    AccountError,
    AccountLocked,
    LoginRefused,
    add_adviser,
    as_utc,
    authenticate,
    find_adviser,
    reset_password,
)
from carecareers.cli.main import app
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import AuditEvent
from carecareers.models.base import utcnow
from carecareers.settings import get_settings
from tests.factories import PASSWORD, make_adviser, make_provider

NOW = datetime(2026, 11, 30, 12, tzinfo=timezone.utc)


def events(session: Session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)
                                .order_by(AuditEvent.id)))


def test_passwords_are_stored_as_argon2_hashes(session: Session) -> None:
    adviser = make_adviser(session, "Jo@Example.org")
    assert adviser.email == "jo@example.org"
    assert adviser.password_hash.startswith("$argon2id$")
    assert PASSWORD not in adviser.password_hash


@pytest.mark.parametrize("email, password, role, provider, message", [
    ("not-an-email", PASSWORD, "adviser", None, "not an email"),
    ("a@example.org", "short", "adviser", None, "at least 12"),
    ("a@example.org", PASSWORD, "boss", None, "role must be"),
    ("a@example.org", PASSWORD, "provider", None, "needs --provider"),
    ("a@example.org", PASSWORD, "provider", "NOPE", "no provider"),
    ("a@example.org", PASSWORD, "adviser", "P1", "only a provider user"),
])
def test_bad_accounts_are_refused(session: Session, email: str, password: str, role: str,
                                  provider: str | None, message: str) -> None:
    make_provider(session, "P1")
    with pytest.raises(AccountError, match=message):
        add_adviser(session, email, password, role, provider)


def test_an_email_has_one_account(session: Session) -> None:
    make_adviser(session, "jo@example.org")
    with pytest.raises(AccountError, match="already exists"):
        make_adviser(session, "JO@example.org")


def test_a_provider_user_belongs_to_their_provider(session: Session) -> None:
    provider = make_provider(session, "KEELE")
    adviser = add_adviser(session, "r@keele.example", PASSWORD, "provider", "keele")
    assert adviser.provider_id == provider.id


def test_the_right_password_logs_in_and_is_audited(session: Session) -> None:
    adviser = make_adviser(session, "jo@example.org")
    assert authenticate(session, " JO@example.org ", PASSWORD, NOW) is adviser
    (event,) = events(session, "login.succeeded")
    assert event.actor == "jo@example.org" and event.subject == f"adviser:{adviser.id}"


def test_a_wrong_password_is_refused_and_counted_without_storing_it(session: Session) -> None:
    adviser = make_adviser(session, "jo@example.org")
    with pytest.raises(LoginRefused):
        authenticate(session, "jo@example.org", "guess-number-one", NOW)
    assert adviser.failed_logins == 1
    (event,) = events(session, "login.failed")
    assert "guess-number-one" not in repr(event.detail)


def test_an_unknown_email_is_refused_like_a_wrong_password(session: Session) -> None:
    with pytest.raises(LoginRefused) as refused:
        authenticate(session, "nobody@example.org", PASSWORD, NOW)
    assert not isinstance(refused.value, AccountLocked)
    assert events(session, "login.failed")[0].detail == {"reason": "unknown or disabled account"}


def test_a_disabled_account_cannot_log_in(session: Session) -> None:
    adviser = make_adviser(session, "jo@example.org")
    adviser.active = False
    with pytest.raises(LoginRefused):
        authenticate(session, "jo@example.org", PASSWORD, NOW)


def fail(session: Session, times: int, now: datetime = NOW) -> None:
    for _ in range(times):
        with pytest.raises(LoginRefused):
            authenticate(session, "jo@example.org", "wrong password!", now=now)


def test_five_failures_lock_the_account_for_fifteen_minutes(session: Session) -> None:
    adviser = make_adviser(session, "jo@example.org")
    now = utcnow()
    fail(session, MAX_FAILED_LOGINS - 1, now)
    assert adviser.locked_until is None
    fail(session, 1, now)
    assert as_utc(adviser.locked_until) == now + LOCKOUT
    with pytest.raises(AccountLocked) as locked:
        authenticate(session, "jo@example.org", PASSWORD, now=now + timedelta(minutes=14))
    assert locked.value.until == now + LOCKOUT
    later = now + LOCKOUT + timedelta(seconds=1)
    assert authenticate(session, "jo@example.org", PASSWORD, now=later) is adviser
    assert adviser.failed_logins == 0 and adviser.locked_until is None


def test_a_success_resets_the_count_of_failures(session: Session) -> None:
    adviser = make_adviser(session, "jo@example.org")
    fail(session, MAX_FAILED_LOGINS - 1)
    authenticate(session, "jo@example.org", PASSWORD, NOW)
    fail(session, MAX_FAILED_LOGINS - 1)
    assert adviser.locked_until is None


def test_the_lock_survives_a_reload_from_the_database(session: Session) -> None:
    make_adviser(session, "jo@example.org")
    fail(session, MAX_FAILED_LOGINS)
    session.flush()
    session.expire_all()
    with pytest.raises(AccountLocked):
        authenticate(session, "jo@example.org", PASSWORD, NOW)


def test_reset_password_lifts_the_lock(session: Session) -> None:
    make_adviser(session, "jo@example.org")
    fail(session, MAX_FAILED_LOGINS)
    reset_password(session, "jo@example.org", "a brand new passphrase")
    adviser = authenticate(session, "jo@example.org", "a brand new passphrase", NOW)
    assert adviser.locked_until is None
    with pytest.raises(AccountError, match="no account"):
        reset_password(session, "nobody@example.org", "a brand new passphrase")


# The CLI, against a migrated SQLite file.

@pytest.fixture
def cli_database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["advisers", *args])
    return result.exit_code, result.output


def test_cli_adds_accounts_and_resets_passwords(cli_database: str) -> None:
    factory = session_factory(make_engine(cli_database))
    with factory() as session, session.begin():
        make_provider(session, "DM")
    assert run("add", "--email", "admin@example.org", "--password", PASSWORD,
               "--role", "admin") == (0, "added admin@example.org (admin)\n")
    code, output = run("add", "--email", "hr@dm.example", "--password", PASSWORD,
                       "--role", "provider", "--provider", "DM")
    assert code == 0, output
    code, output = run("reset-password", "--email", "hr@dm.example",
                       "--password", "another long passphrase")
    assert code == 0, output
    with factory() as session:
        provider_user = find_adviser(session, "hr@dm.example")
        assert provider_user is not None and provider_user.role == "provider"
        assert authenticate(session, "hr@dm.example", "another long passphrase", NOW)


@pytest.mark.parametrize("args, message", [
    (["add", "--email", "a@example.org", "--password", "short", "--role", "admin"],
     "at least 12"),
    (["add", "--email", "a@example.org", "--password", PASSWORD, "--role", "provider"],
     "needs --provider"),
    (["reset-password", "--email", "x@example.org", "--password", PASSWORD], "no account"),
])
def test_cli_errors_are_one_clear_line(cli_database: str, args: list[str], message: str) -> None:
    code, output = run(*args)
    assert code == 1
    assert output.startswith("error: ") and message in output
    assert "Traceback" not in output


def test_cli_asks_for_a_password_when_left_out(cli_database: str) -> None:
    result = CliRunner().invoke(app, ["advisers", "add", "--email", "p@example.org",
                                      "--role", "adviser"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
