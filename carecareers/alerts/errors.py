"""What can go wrong when someone sets up or changes a job alert."""

from __future__ import annotations


class AlertError(Exception):
    """A business error about alerts; the message can be shown to the person."""


class AlertNotAllowed(AlertError):
    """The person cannot have alerts (under 16, or the channel is not available)."""


class ConfirmationPending(AlertNotAllowed):
    """A confirmation link went to this address less than a day ago for someone else's
    alert (or one since stopped): no second email until the day is out."""

    def __init__(self) -> None:
        super().__init__("a confirmation email went to this address less than a day ago")


class InvalidAlert(AlertError):
    """The alert asks for nothing we can watch (no place found, a bad email address)."""


class UnknownToken(AlertError):
    """A confirm or unsubscribe link that does not (or no longer) exist."""
