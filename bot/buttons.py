"""Callback data for inline buttons: short enough for Telegram, mapped back to Rasa payloads."""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import Any

from telegram.constants import InlineKeyboardButtonLimit

MAX_CALLBACK_BYTES = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
PAYLOAD_PREFIX = "r:"
KEY_PREFIX = "k:"
FORGET_YES = "forget:yes"
FORGET_NO = "forget:no"
CHOSEN = "chosen"
RASA_PATTERN = r"^(r|k):"
FORGET_PATTERN = r"^forget:(yes|no)$"
CHOSEN_PATTERN = r"^chosen$"
STORE_KEY = "button_payloads"
MAX_STORED_PAYLOADS = 200


def callback_data_for(payload: str, chat_data: MutableMapping[str, Any]) -> str:
    """Return callback data for a Rasa payload: the payload itself, or a key stored per chat."""
    inline = PAYLOAD_PREFIX + payload
    if len(inline.encode()) <= MAX_CALLBACK_BYTES:
        return inline
    key = hashlib.sha256(payload.encode()).hexdigest()[:16]
    store: dict[str, str] = chat_data.setdefault(STORE_KEY, {})
    store.pop(key, None)
    store[key] = payload
    while len(store) > MAX_STORED_PAYLOADS:
        store.pop(next(iter(store)))
    return KEY_PREFIX + key


def payload_for(data: str, chat_data: MutableMapping[str, Any]) -> str | None:
    """Return the Rasa payload behind callback data, or None if it is unknown or expired."""
    if data.startswith(PAYLOAD_PREFIX):
        return data[len(PAYLOAD_PREFIX):]
    if data.startswith(KEY_PREFIX):
        store: dict[str, str] = chat_data.get(STORE_KEY, {})
        return store.get(data[len(KEY_PREFIX):])
    return None


def forget_payloads(chat_data: MutableMapping[str, Any]) -> None:
    """Drop the stored payloads of a chat."""
    chat_data.pop(STORE_KEY, None)
