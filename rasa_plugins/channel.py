"""Rasa's REST channel behind a shared secret: only the web app and the bot may speak.

Rasa's own `rest` channel takes a message for any sender from anyone who can reach it
(including `/confirm_delete_my_data`). This channel answers the same requests with the
same replies, but only when the `X-Channel-Token` header carries the token from
credentials.yml; everything else gets 401 and never reaches the conversation.
It runs inside the Rasa server (.venv-rasa), so it imports nothing of ours.

    POST /webhooks/carecareers/webhook
    {"sender": "...", "message": "...", "metadata": {...}}  ->  [{"text": ...}, ...]
"""

from __future__ import annotations

import hmac
import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

TOKEN_HEADER = "X-Channel-Token"
CHANNEL_NAME = "carecareers"
REFUSED = {"error": "This channel answers only the assistant's own front ends."}


class ChannelConfigurationError(ValueError):
    """credentials.yml gives this channel no token."""


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": reason}, status=400)


def parse_message(body: Any) -> tuple[str, str, dict[str, Any] | None] | str:
    """Return (sender, message, metadata) from a REST-channel body, or why it is refused."""
    if not isinstance(body, dict):
        return "send a JSON object"
    sender, message, metadata = body.get("sender"), body.get("message"), body.get("metadata")
    if not isinstance(sender, str) or not sender:
        return "sender must be a non-empty string"
    if not isinstance(message, str):
        return "message must be a string"
    if metadata is not None and not isinstance(metadata, dict):
        return "metadata must be an object"
    return sender, message, metadata


class TokenRestInput(InputChannel):
    """The REST channel's requests and replies, for callers with the shared token."""

    def __init__(self, token: str) -> None:
        if not token:
            raise ChannelConfigurationError(
                f"the {CHANNEL_NAME} channel needs a token in credentials.yml")
        self._token = token.encode()

    @classmethod
    def name(cls) -> str:
        return CHANNEL_NAME

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> TokenRestInput:
        return cls(str((credentials or {}).get("token") or ""))

    def has_token(self, request: Request) -> bool:
        given = request.headers.get(TOKEN_HEADER, "")
        return hmac.compare_digest(given.encode(), self._token)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("carecareers_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.has_token(request):
                logger.warning("refused a message without the channel token")
                return response.json(REFUSED, status=401)
            try:
                parsed = parse_message(request.json)
            except Exception:  # noqa: BLE001 - Sanic raises its own error for bad JSON
                return bad_request("send a JSON object")
            if isinstance(parsed, str):
                return bad_request(parsed)
            return response.json(await self._answer(on_new_message, *parsed))

        return webhook

    async def _answer(self, on_new_message: Callable[[UserMessage], Awaitable[Any]],
                      sender: str, text: str, metadata: dict[str, Any] | None,
                      ) -> list[dict[str, Any]]:
        collector = CollectingOutputChannel()
        try:
            await on_new_message(UserMessage(text, collector, sender,
                                             input_channel=self.name(), metadata=metadata))
        except CancelledError:
            logger.error("a message timed out in the %s channel", CHANNEL_NAME)
        except Exception:  # Rasa's REST channel answers what it has; so do we (never the text)
            logger.exception("a message failed in the %s channel", CHANNEL_NAME)
        return collector.messages
