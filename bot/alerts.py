"""Job alerts on Telegram: attach this chat to the alerts the person just agreed to."""

from __future__ import annotations

import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from carecareers.alerts import TELEGRAM_LINK_MARKER, link_telegram_chat

logger = logging.getLogger(__name__)


def asks_to_link_alerts(customs: list[dict[str, object] | None]) -> bool:
    """True when the replies say an alert was set up and needs this chat to arrive in."""
    return any(c is not None and c.get("type") == TELEGRAM_LINK_MARKER["type"] for c in customs)


def link_alert_chat(sessions: sessionmaker[Session], sender: str, chat_id: int) -> None:
    """Store the chat id for the sender's alerts (only now, and only for alerts)."""
    try:
        with sessions() as session, session.begin():
            link_telegram_chat(session, sender, chat_id)
    except SQLAlchemyError as exc:
        logger.warning("could not link a chat to its job alerts: %s", type(exc).__name__)
