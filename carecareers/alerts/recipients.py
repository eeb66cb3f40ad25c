"""Where a recipient's alerts go: its email address, or the chat of the person who asked."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func

from carecareers.delivery import address_of_sender
from carecareers.models import AlertRecipient


def delivered_to() -> ColumnElement[str | None]:
    """The recipient's address as SQL: its own (email), else its person's on its channel."""
    return func.coalesce(AlertRecipient.address,
                         address_of_sender(AlertRecipient.sender_id, AlertRecipient.channel))
