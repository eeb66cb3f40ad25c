"""The one client for the Rasa server's REST channel and HTTP API."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from typing import Any

import httpx

from carecareers.conversation.rasa_transport import AiohttpCalls, Calls, HttpxCalls

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
# Our token-checked REST channel (rasa_plugins/channel.py), not Rasa's open `rest` one.
WEBHOOK_PATH = "/webhooks/carecareers/webhook"
CHANNEL_TOKEN_HEADER = "X-Channel-Token"
_COMMAND_SYNTAX = re.compile(r"^[\s/]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u2028\u2029\ufeff]")


class RasaUnavailable(Exception):
    """The Rasa server did not answer, or answered with an error."""


@dataclass(frozen=True)
class BotMessage:
    """One reply from Rasa, in the shape every front end renders."""

    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] | None = None
    image: str | None = None

    @classmethod
    def from_rasa(cls, raw: dict[str, Any]) -> BotMessage:
        buttons = [
            {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
            for b in raw.get("buttons") or []
            if isinstance(b, dict)
        ]
        custom = raw.get("custom")
        return cls(
            text=raw.get("text") if isinstance(raw.get("text"), str) else None,
            buttons=buttons,
            custom=custom if isinstance(custom, dict) else None,
            image=raw.get("image") if isinstance(raw.get("image"), str) else None,
        )

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "buttons": self.buttons, "custom": self.custom}


def clean_user_text(text: str) -> str:
    """Make typed text safe to send: no control characters, no `/intent{...}` syntax."""
    text = _CONTROL.sub("", text)
    return _COMMAND_SYNTAX.sub("", text)[:MAX_MESSAGE_CHARS].strip()


class RasaClient:
    """Talk to one Rasa server: send messages, check health, manage trackers."""

    def __init__(self, base_url: str, token: str = "", timeout: float = 20.0,
                 transport: httpx.AsyncBaseTransport | None = None) -> None:
        """Calls go through aiohttp (rasa_transport.py), or the httpx `transport` a test gives."""
        self._base_url = base_url.rstrip("/")
        self._token = token
        self._calls: Calls = AiohttpCalls(self._base_url, timeout) if transport is None \
            else HttpxCalls(self._base_url, timeout, transport)

    async def aclose(self) -> None:
        await self._calls.aclose()

    async def send(self, sender: str, message: str, metadata: dict[str, Any] | None = None,
                   ) -> list[BotMessage]:
        """Send one message (typed text or a button payload) and return the replies."""
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        try:
            replies = json.loads(await self._calls.post_json(
                WEBHOOK_PATH, body, {CHANNEL_TOKEN_HEADER: self._token}))
        except (httpx.HTTPError, ValueError) as exc:
            logger.warning("Rasa REST channel failed: %s", type(exc).__name__)
            raise RasaUnavailable(str(type(exc).__name__)) from exc
        if not isinstance(replies, list):
            raise RasaUnavailable("unexpected reply shape")
        return [BotMessage.from_rasa(r) for r in replies if isinstance(r, dict)]

    async def is_up(self) -> bool:
        """Return True when the server answers and has a model loaded."""
        try:
            code, content = await self._calls.get("/status", self._auth())
        except httpx.HTTPError:
            return False
        if code != 200:
            return False
        try:
            status = json.loads(content)
        except ValueError:
            return False
        return isinstance(status, dict) and bool(status.get("model_file"))

    def _auth(self) -> dict[str, str]:
        return {"token": self._token} if self._token else {}
