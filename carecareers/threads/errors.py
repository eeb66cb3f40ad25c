"""Why a message to a lead cannot be sent; the text is shown to the adviser as it is."""

from __future__ import annotations


class ThreadError(ValueError):
    """A message cannot be written as asked; the message says why."""


class NotAllowed(ThreadError):
    """This account may not write to this person (no consent, under 16, not their lead)."""


class TooManyMessages(ThreadError):
    """Too many messages in a short time, to this person or from this account."""


class BadMessage(ThreadError):
    """The text is empty or too long."""
