"""How a send can fail: try again later, give up on this message, or give up on the address."""

from __future__ import annotations


class DeliveryFailed(Exception):
    """A message was not delivered; the text says why, without personal data."""


class TryLater(DeliveryFailed):
    """A passing failure (network, server busy, rate limit): retry with backoff."""

    def __init__(self, reason: str, after_seconds: float | None = None) -> None:
        super().__init__(reason)
        self.after_seconds = after_seconds


class MessageRejected(DeliveryFailed):
    """This message can never be sent as it is (malformed); the address may still be good."""


class AddressDead(DeliveryFailed):
    """The address fails for good (no such mailbox, bot blocked): stop sending to it."""
