"""Rasa sender ids for each channel: pseudonymous, never a raw account id."""

from __future__ import annotations

import hashlib
import hmac
import secrets

TELEGRAM_PREFIX = "tg-"
WEB_PREFIX = "web-"
TELEGRAM_HEX_CHARS = 32


def telegram_sender(secret_key: str, user_id: int) -> str:
    """Return the sender id of a Telegram user: stable, keyed, never the raw id."""
    digest = hmac.new(secret_key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return TELEGRAM_PREFIX + digest[:TELEGRAM_HEX_CHARS]


def new_web_sender() -> str:
    """Return a fresh random sender id for a web chat visitor (kept in their cookie)."""
    return WEB_PREFIX + secrets.token_hex(16)
