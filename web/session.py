"""The web chat's session: a signed cookie naming a pseudonymous sender and a campaign."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

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
