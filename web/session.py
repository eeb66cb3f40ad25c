"""The web chat's session: a signed cookie naming a pseudonymous sender and a campaign."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE_NAME = "cc_chat"
COOKIE_MAX_AGE = 60 * 60 * 24 * 30


@dataclass(frozen=True)
class ChatSession:
    sender_id: str
    campaign: str | None = None


def _serializer(secret_key: str) -> URLSafeSerializer:
    return URLSafeSerializer(secret_key, salt="web-chat-session")


def read_session(request: Request, secret_key: str) -> ChatSession | None:
    raw = request.cookies.get(COOKIE_NAME)
    if not raw:
        return None
    try:
        data = _serializer(secret_key).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("s"), str):
        return None
    campaign = data.get("c") if isinstance(data.get("c"), str) else None
    return ChatSession(sender_id=data["s"], campaign=campaign)


def new_session(campaign: str | None = None) -> ChatSession:
    return ChatSession(sender_id="web-" + secrets.token_hex(16), campaign=campaign)


def write_session(response: Response, request: Request, session: ChatSession,
                  secret_key: str) -> None:
    value = _serializer(secret_key).dumps({"s": session.sender_id, "c": session.campaign})
    response.set_cookie(
        COOKIE_NAME, value, max_age=COOKIE_MAX_AGE, httponly=True, samesite="lax",
        secure=request.url.scheme == "https",
    )


class ButtonSigner:
    """Seal button payloads so that a press can send only what the server offered.

    Typed text never reaches Rasa as an intent payload (the front end strips the
    `/intent{...}` syntax); a button carries a payload signed for this conversation.
    """

    def __init__(self, secret_key: str, sender_id: str) -> None:
        self._serializer = URLSafeSerializer(secret_key, salt="web-chat-button")
        self._sender_id = sender_id

    def seal(self, message: dict[str, Any]) -> dict[str, Any]:
        buttons = [
            {"title": b["title"], "payload": self._sign(b["payload"])}
            for b in message.get("buttons") or []
        ]
        return {**message, "buttons": buttons}

    def _sign(self, payload: str) -> str:
        return str(self._serializer.dumps([self._sender_id, payload]))

    def open(self, token: str) -> str | None:
        try:
            sender_id, payload = self._serializer.loads(token)
        except (BadSignature, ValueError, TypeError):
            return None
        if sender_id != self._sender_id or not isinstance(payload, str):
            return None
        return payload
