"""Callback data for inline buttons: short enough for Telegram, mapped back to Rasa payloads."""

from __future__ import annotations

import hashlib
from collections.abc import MutableMapping
from typing import Any

from telegram.constants import InlineKeyboardButtonLimit

from carecareers.conversation.buttons import answers_a_question, still_answers
from carecareers.threads.replies import BACK_TO_ASSISTANT, END_THREAD

MAX_CALLBACK_BYTES = int(InlineKeyboardButtonLimit.MAX_CALLBACK_DATA)
PAYLOAD_PREFIX = "r:"
KEY_PREFIX = "k:"
FORGET_YES = "forget:yes"
FORGET_NO = "forget:no"
CHOSEN = "chosen"
RASA_PATTERN = r"^(r|k):"
FORGET_PATTERN = r"^forget:(yes|no)$"
CHOSEN_PATTERN = r"^chosen$"
THREAD_ASSISTANT = BACK_TO_ASSISTANT
THREAD_END = END_THREAD
THREAD_PATTERN = f"^({THREAD_ASSISTANT}|{THREAD_END})$"
STORE_KEY = "button_payloads"
TURN_KEY = "turn"
MAX_STORED_PAYLOADS = 200


def current_turn(chat_data: MutableMapping[str, Any]) -> int:
    return int(chat_data.get(TURN_KEY, 0))


def next_turn(chat_data: MutableMapping[str, Any]) -> None:
    """Start a new turn: buttons that answered the last question stop working."""
    chat_data[TURN_KEY] = current_turn(chat_data) + 1


def callback_data_for(payload: str, chat_data: MutableMapping[str, Any]) -> str:
    """Return callback data for a Rasa payload: the payload itself, or a key stored per chat.

    A button that answers a question is always stored, with the turn that offered it, so
    that it answers only that question (a double tap, or a press after the conversation
    moved on, finds nothing).
    """
    inline = PAYLOAD_PREFIX + payload
    if len(inline.encode()) <= MAX_CALLBACK_BYTES and not answers_a_question(payload):
        return inline
    turn = current_turn(chat_data)
    key = hashlib.sha256(f"{turn}:{payload}".encode()).hexdigest()[:16]
    store: dict[str, tuple[str, int]] = chat_data.setdefault(STORE_KEY, {})
    store.pop(key, None)
    store[key] = (payload, turn)
    while len(store) > MAX_STORED_PAYLOADS:
        store.pop(next(iter(store)))
    return KEY_PREFIX + key


def payload_for(data: str, chat_data: MutableMapping[str, Any]) -> str | None:
    """Return the Rasa payload behind callback data, or None if it is unknown or expired.

    A question's answer expires as soon as the assistant has taken a later turn, so a
    second tap (or a tap on an old keyboard) cannot answer the question asked next.
    """
    if data.startswith(PAYLOAD_PREFIX):
        inline = data[len(PAYLOAD_PREFIX):]
        return None if answers_a_question(inline) else inline  # those are never sent inline
    if not data.startswith(KEY_PREFIX):
        return None
    store: dict[str, tuple[str, int]] = chat_data.get(STORE_KEY, {})
    found = store.get(data[len(KEY_PREFIX):])
    if found is None:
        return None
    payload, turn = found
    return payload if still_answers(payload, turn, current_turn(chat_data)) else None


def forget_payloads(chat_data: MutableMapping[str, Any]) -> None:
    """Drop the stored payloads of a chat."""
    chat_data.pop(STORE_KEY, None)
