"""Adviser conversations in Telegram: deliver what advisers write, and take the person's replies.

The dashboard (any web process) stores each message as `pending` in `thread_messages`;
this bot process claims and sends them every POLL_SECONDS, whether it gets updates by
polling or by webhook. See carecareers/threads/delivery.py for the claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application, ContextTypes

from bot import render
from bot.conversation import CHANNEL, talk
from bot.handlers import mark_choice, still_offered
from carecareers import catalogue
from carecareers.clock import Clock
from carecareers.delivery.telegram import DEAD_CHAT_HINTS
from carecareers.threads.delivery import Delivery, claim_due, record_failure, record_sent
from carecareers.threads.replies import thread_buttons

logger = logging.getLogger(__name__)

POLL_SECONDS = 0.5
TASK_KEY = "adviser_messages_task"


def message_html(delivery: Delivery) -> str:
    """The message as the person sees it: who wrote it, where they work, then their words."""
    return catalogue.text("bot.adviser.message", name=render.escape(delivery.sender_name),
                          organisation=render.escape(delivery.organisation),
                          text=render.escape(delivery.text))


def thread_keyboard() -> InlineKeyboardMarkup:
    """The two buttons that close the thread, one a row; they call back with their payload."""
    rows = [(button["title"], button["payload"]) for button in thread_buttons()]
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, callback_data=payload)]
                                 for title, payload in rows])


async def deliver(bot: Bot, sessions: sessionmaker[Session], delivery: Delivery,
                  clock: Clock) -> str:
    """Send one adviser message; return its state (sent, pending again, failed, blocked)."""
    try:
        await bot.send_message(int(delivery.address), message_html(delivery),
                               parse_mode=ParseMode.HTML, reply_markup=thread_keyboard())
    except Forbidden:
        return await _failed(sessions, delivery, clock, "the bot was blocked", blocked=True)
    except BadRequest as exc:
        dead = any(hint in exc.message.lower() for hint in DEAD_CHAT_HINTS)
        return await _failed(sessions, delivery, clock, "the chat no longer exists" if dead
                             else f"Telegram refused it: {exc.message[:120]}",
                             blocked=dead, retry=False)
    except RetryAfter:
        return await _failed(sessions, delivery, clock, "Telegram asked to slow down")
    except TelegramError as exc:
        return await _failed(sessions, delivery, clock,
                             f"Telegram did not answer: {type(exc).__name__}")
    await asyncio.to_thread(record_sent, sessions, delivery, clock.now())
    return "sent"


async def _failed(sessions: sessionmaker[Session], delivery: Delivery, clock: Clock,
                  reason: str, **how: bool) -> str:
    state = await asyncio.to_thread(record_failure, sessions, delivery, reason, **how,
                                    now=clock.now())
    logger.warning("adviser message %s not delivered (%s): %s", delivery.message_id, state,
                   reason)
    return state


async def drain_once(bot: Bot, sessions: sessionmaker[Session], clock: Clock) -> int:
    """Send every adviser message that is due; return how many were tried."""
    deliveries = await asyncio.to_thread(claim_due, sessions, clock.now(), CHANNEL)
    for delivery in deliveries:
        await deliver(bot, sessions, delivery, clock)
    return len(deliveries)


async def drain_forever(bot: Bot, sessions: sessionmaker[Session], clock: Clock,
                        every: float = POLL_SECONDS) -> None:
    """Deliver adviser messages until cancelled; a database error waits for the next round."""
    while True:
        try:
            await drain_once(bot, sessions, clock)
        except SQLAlchemyError as exc:
            logger.warning("could not read adviser messages: %s", type(exc).__name__)
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop delivery
            logger.error("adviser message delivery failed (%s); trying again next round",
                         type(exc).__name__)
        await asyncio.sleep(every)


async def start_draining(application: Application) -> None:  # type: ignore[type-arg]
    found = application.bot_data.get(TASK_KEY)
    if found is None:
        found = application.bot_data["services"]
        application.bot_data[TASK_KEY] = asyncio.create_task(
            drain_forever(application.bot, found.sessions, found.clock))


async def stop_draining(application: Application) -> None:  # type: ignore[type-arg]
    task = application.bot_data.pop(TASK_KEY, None)
    if task is not None:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def on_thread_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """'Talk to the assistant again' or 'End chat with adviser': the relay closes the thread."""
    query = update.callback_query
    assert query is not None and query.data is not None
    if not still_offered(query):
        await query.answer(catalogue.text("bot.buttons.already_chosen"))
        return
    await query.answer()
    await mark_choice(query)
    await talk(update, context, query.data)
