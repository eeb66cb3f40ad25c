"""Rasa sender ids for each channel: pseudonymous, never a raw account id."""

from __future__ import annotations

import hashlib
import hmac
import secrets

WEB_PREFIX = "web-"
ACCOUNT_HEX_CHARS = 32


def account_sender(secret_key: str, prefix: str, account_id: int | str) -> str:
    """Return the sender id of a channel's account: stable, keyed, never the raw id.

    `prefix` is the channel's `sender_prefix` (content/channels.yml).
    """
    digest = hmac.new(secret_key.encode(), str(account_id).encode(), hashlib.sha256).hexdigest()
    return prefix + digest[:ACCOUNT_HEX_CHARS]


def new_web_sender() -> str:
    """Return a fresh random sender id for a web chat visitor (kept in their cookie)."""
    return WEB_PREFIX + secrets.token_hex(16)
