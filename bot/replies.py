"""Typed text from someone in an open adviser conversation goes to that conversation."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import ContextTypes

from bot.services import services
from carecareers.conversation.senders import telegram_sender
from carecareers.threads import record_reply
from carecareers.threads.notices import notify_advisers

logger = logging.getLogger(__name__)


def sender_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    assert update.effective_user is not None
    return telegram_sender(services(context).secret_key, update.effective_user.id)


def _take_reply(sessions: sessionmaker[Session], sender_id: str, text: str,
                dashboard_url: str, now: datetime) -> bool:
    with sessions() as session, session.begin():
        reply = record_reply(session, sender_id, text, now)
        if reply is not None:
            notify_advisers(session, reply, dashboard_url, now)
        return reply is not None


async def to_open_thread(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> bool:
    """Put typed text in the person's open adviser conversation; False if none is open."""
    found = services(context)
    try:
        return await asyncio.to_thread(_take_reply, found.sessions, sender_of(update, context),
                                       text, found.dashboard_url, found.clock.now())
    except SQLAlchemyError as exc:
        logger.warning("could not check for an adviser conversation: %s", type(exc).__name__)
        return False
