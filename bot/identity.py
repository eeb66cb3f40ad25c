"""Pseudonymous Rasa sender ids for Telegram users."""

from __future__ import annotations

import hashlib
import hmac

SENDER_PREFIX = "tg-"
SENDER_HEX_CHARS = 32


def rasa_sender(secret_key: str, user_id: int) -> str:
    """Return the Rasa sender id of a Telegram user: stable, keyed, never the raw id."""
    digest = hmac.new(secret_key.encode(), str(user_id).encode(), hashlib.sha256).hexdigest()
    return SENDER_PREFIX + digest[:SENDER_HEX_CHARS]
