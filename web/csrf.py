"""CSRF protection for the dashboard's forms.

A logged-in adviser's token lives in their signed session cookie; every form carries it
in a hidden field and every POST is refused unless the two match. The login form, used
before there is a session, gets its token from a short-lived signed cookie of its own.
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from web.security import secure_cookies

CSRF_FIELD = "csrf_token"
LOGIN_COOKIE = "cc_login"
LOGIN_TOKEN_MAX_AGE = 2 * 60 * 60
COOKIE_PATH = "/advisers"


class CsrfError(Exception):
    """A form came without the token of this session, or with an old one."""


def new_token() -> str:
    return secrets.token_urlsafe(32)


def check_token(expected: str | None, given: object) -> None:
    """Raise CsrfError unless `given` is the expected token."""
    if not expected or not isinstance(given, str) or not given:
        raise CsrfError("missing token")
    if not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfError("token does not match")


def _login_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="adviser-login-csrf")


def set_login_token(request: Request, response: Response, token: str, secret_key: str,
                    ) -> None:
    """Set the login form's cookie for the token put in the form."""
    response.set_cookie(LOGIN_COOKIE, _login_serializer(secret_key).dumps(token),
                        max_age=LOGIN_TOKEN_MAX_AGE, path=COOKIE_PATH, httponly=True,
                        samesite="lax", secure=secure_cookies(request))


def check_login_token(request: Request, given: object, secret_key: str) -> None:
    raw = request.cookies.get(LOGIN_COOKIE)
    if not raw:
        raise CsrfError("no login cookie")
    try:
        expected = _login_serializer(secret_key).loads(raw, max_age=LOGIN_TOKEN_MAX_AGE)
    except BadSignature as exc:  # SignatureExpired is a BadSignature
        raise CsrfError("login cookie expired or forged") from exc
    check_token(expected if isinstance(expected, str) else None, given)
