"""Dashboard accounts: roles, Argon2 password hashes, logging in and locking out."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
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


def authenticate(session: Session, email: str, password: str,
                 now: datetime) -> Adviser:
    """Return the adviser whose credentials these are; count failures and lock out.

    Every attempt is audited (never with the password) and takes one password check,
    whatever the reason it fails. Raises LoginRefused, or AccountLocked while the account
    is locked. Slow (Argon2): call it off the event loop.
    """
    adviser = find_adviser(session, email)
    if adviser is None or not adviser.active:
        _verify(_dummy_hash(), password)
        audit.record(session, normalise_email(email)[:254], "login.failed", None,
                     reason="unknown or disabled account")
        raise LoginRefused()
    locked_until = as_utc(adviser.locked_until)
    if locked_until is not None and locked_until > now:
        _verify(_dummy_hash(), password)  # as long as any other answer
        audit.record(session, adviser.email, "login.failed", f"adviser:{adviser.id}",
                     reason="locked")
        raise AccountLocked(locked_until)
    if not _verify(adviser.password_hash, password):
        _count_failure(session, adviser, now)
        raise LoginRefused()
    _succeed(session, adviser, password)
    return adviser


def _count_failure(session: Session, adviser: Adviser, now: datetime) -> None:
    adviser.failed_logins = (adviser.failed_logins or 0) + 1
    detail: dict[str, object] = {"reason": "wrong password", "failures": adviser.failed_logins}
    if adviser.failed_logins >= MAX_FAILED_LOGINS:
        adviser.locked_until = now + LOCKOUT
        adviser.failed_logins = 0
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
