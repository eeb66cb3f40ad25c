"""Dashboard accounts: roles, Argon2 password hashes, logging in and locking out."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import and_, case, func, literal, select, update
from sqlalchemy.orm import Session

from carecareers.advisers import audit
from carecareers.advisers.sessions import end_all_sessions
from carecareers.models import Adviser, Provider
from carecareers.models.base import as_utc

ROLES = ("admin", "adviser", "provider")
STAFF_ROLES = ("admin", "adviser")
MAX_FAILED_LOGINS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

_hasher = PasswordHasher()
_dummy_hashes: dict[int, str] = {}


class AccountError(ValueError):
    """An account cannot be created or changed as asked; the message says why."""


class LoginRefused(Exception):
    """Wrong email or password, or a disabled account (deliberately not saying which)."""


class AccountLocked(LoginRefused):
    """Too many failed logins: the account is locked until `until`."""

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(f"locked until {until.isoformat()}")


def use_password_hasher(hasher: PasswordHasher) -> PasswordHasher:
    """Hash new passwords with `hasher` (tests use a cheap one); return the previous hasher."""
    global _hasher
    previous, _hasher = _hasher, hasher
    return previous


def _dummy_hash() -> str:
    """A hash to verify when the email is unknown, so that the answer takes as long."""
    return _dummy_hashes.setdefault(id(_hasher), _hasher.hash("not a password of anyone's"))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def check_password_rules(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def find_adviser(session: Session, email: str) -> Adviser | None:
    return session.scalar(select(Adviser).where(func.lower(Adviser.email)
                                                == normalise_email(email)))


def add_adviser(session: Session, email: str, password: str, role: str,
                provider_code: str | None = None, name: str | None = None) -> Adviser:
    """Create an account; a provider user belongs to exactly one provider."""
    email = normalise_email(email)
    name = " ".join((name or "").split()) or None
    if name is not None and len(name) > 100:
        raise AccountError("a name has at most 100 characters")
    if not _EMAIL.match(email) or len(email) > 254:
        raise AccountError(f"{email!r} is not an email address")
    if role not in ROLES:
        raise AccountError(f"role must be one of: {', '.join(ROLES)}")
    if find_adviser(session, email) is not None:
        raise AccountError(f"an account for {email} already exists")
    check_password_rules(password)
    provider = _provider_for(session, role, provider_code)
    adviser = Adviser(email=email, password_hash=hash_password(password), role=role,
                      provider_id=provider.id if provider else None, failed_logins=0,
                      display_name=name)
    session.add(adviser)
    session.flush()
    return adviser


def _provider_for(session: Session, role: str, code: str | None) -> Provider | None:
    if role != "provider":
        if code:
            raise AccountError("only a provider user belongs to a provider (--role provider)")
        return None
    if not code:
        raise AccountError("a provider user needs --provider CODE")
    provider = session.scalar(select(Provider).where(func.upper(Provider.code)
                                                     == code.strip().upper()))
    if provider is None:
        raise AccountError(f"no provider with code {code!r}")
    return provider


def reset_password(session: Session, email: str, password: str) -> Adviser:
    """Set a new password, lift any lock-out and end every session of the account."""
    adviser = find_adviser(session, email)
    if adviser is None:
        raise AccountError(f"no account for {normalise_email(email)}")
    check_password_rules(password)
    adviser.password_hash = hash_password(password)
    adviser.failed_logins = 0
    adviser.locked_until = None
    end_all_sessions(session, adviser)
    return adviser


@dataclass(frozen=True)
class LoginAttempt:
    """One login attempt, counted against its account before any password is checked."""

    email: str
    adviser_id: int | None  # None: no such account, or a disabled one
    password_hash: str  # the account's, or a dummy one: every attempt costs one check
    failures: int = 0  # attempts since the last success, this one included
    locked_until: datetime | None = None

    def check(self, password: str) -> bool:
        """Check the password (Argon2: slow; call it off the event loop, in no transaction)."""
        return _verify(self.password_hash, password)


def start_attempt(session: Session, email: str, now: datetime) -> LoginAttempt:
    """Count an attempt on the account in one atomic statement; commit before checking.

    The count goes up before the password is checked, so parallel guesses are all counted
    and, past MAX_FAILED_LOGINS, lock the account before any more passwords are checked.
    A lock that has run out starts the count again.
    """
    adviser = find_adviser(session, email)
    if adviser is None or not adviser.active:
        return LoginAttempt(normalise_email(email)[:254], None, _dummy_hash())
    expired = and_(Adviser.locked_until.is_not(None), Adviser.locked_until <= now)
    lock = literal(now + LOCKOUT, Adviser.locked_until.type)
    failures, locked_until = session.execute(
        update(Adviser).where(Adviser.id == adviser.id).values(
            failed_logins=case((expired, 1), else_=Adviser.failed_logins + 1),
            locked_until=case(
                (expired, None),
                (and_(Adviser.locked_until.is_(None),
                      Adviser.failed_logins + 1 > MAX_FAILED_LOGINS), lock),
                else_=Adviser.locked_until))
        .returning(Adviser.failed_logins, Adviser.locked_until)
        .execution_options(synchronize_session="fetch")).one()
    locked_until = as_utc(locked_until)
    locked = locked_until is not None and locked_until > now
    # A locked account's own hash is not checked; the dummy one takes as long.
    return LoginAttempt(adviser.email, adviser.id,
                        _dummy_hash() if locked else adviser.password_hash, failures,
                        locked_until)


def finish_attempt(session: Session, attempt: LoginAttempt, password: str, correct: bool,
                   now: datetime) -> Adviser:
    """Record how the attempt ended; return the adviser, or raise LoginRefused.

    Every attempt is audited (never with the password). Raises AccountLocked while the
    account is locked: the password was not checked against it.
    """
    adviser = session.get(Adviser, attempt.adviser_id) if attempt.adviser_id else None
    if adviser is None or not adviser.active:
        audit.record(session, attempt.email, "login.failed", None,
                     reason="unknown or disabled account")
        raise LoginRefused()
    if attempt.locked_until is not None and attempt.locked_until > now:
        audit.record(session, adviser.email, "login.failed", f"adviser:{adviser.id}",
                     reason="locked")
        raise AccountLocked(attempt.locked_until)
    if not correct:
        _count_failure(session, adviser, attempt.failures, now)
        raise LoginRefused()
    _succeed(session, adviser, password)
    return adviser


def authenticate(session: Session, email: str, password: str,
                 now: datetime) -> Adviser:
    """Return the adviser whose credentials these are; count failures and lock out.

    One transaction for the whole attempt (the CLI, tests): the web app commits the count
    before checking the password instead (`start_attempt`, `LoginAttempt.check`,
    `finish_attempt`), so that no write lock is held while Argon2 runs.
    """
    attempt = start_attempt(session, email, now)
    return finish_attempt(session, attempt, password, attempt.check(password), now)


def _count_failure(session: Session, adviser: Adviser, failures: int, now: datetime) -> None:
    detail: dict[str, object] = {"reason": "wrong password", "failures": failures}
    if failures >= MAX_FAILED_LOGINS:
        adviser.locked_until = now + LOCKOUT
        detail["locked_minutes"] = int(LOCKOUT.total_seconds() // 60)
    audit.record(session, adviser.email, "login.failed", f"adviser:{adviser.id}", **detail)


def _succeed(session: Session, adviser: Adviser, password: str) -> None:
    adviser.failed_logins = 0
    adviser.locked_until = None
    if _hasher.check_needs_rehash(adviser.password_hash):
        adviser.password_hash = hash_password(password)
    audit.record(session, adviser.email, "login.succeeded", f"adviser:{adviser.id}")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def is_staff(adviser: Adviser) -> bool:
    """Admins and advisers see every lead; provider users only their organisation's."""
    return adviser.role in STAFF_ROLES
