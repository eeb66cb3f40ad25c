"""Relay one message to Rasa and render its replies in the chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator, MutableMapping
from typing import Any

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker
from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import buttons, render, texts
from bot.alerts import asks_to_link_alerts, link_alert_chat
from bot.identity import rasa_sender
from bot.services import services
from carecareers.campaigns.service import record_message
from carecareers.conversation.rasa_client import BotMessage, RasaUnavailable
from carecareers.leads.erasure import (
    ErasureFailed,
    asks_to_erase_conversation,
    erase_conversation_events,
)

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
CAMPAIGN_KEY = "campaign"
TYPING_REFRESH_SECONDS = 4.5
CHOOSE_PROMPT = "Please choose:"
_CAMPAIGN_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def valid_campaign(code: str) -> bool:
    return bool(_CAMPAIGN_CODE.fullmatch(code))


def rasa_metadata(user_data: MutableMapping[str, Any] | None,
                  extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Return the metadata sent with every message: channel, campaign code, extras."""
    metadata: dict[str, Any] = {"channel": CHANNEL}
    campaign = (user_data or {}).get(CAMPAIGN_KEY)
    if campaign:
        metadata["campaign"] = campaign
    return {**metadata, **(extra or {})}


async def ask_rasa(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str,
                   extra: dict[str, Any] | None = None) -> list[BotMessage]:
    """Send a message to Rasa as this user, showing 'typing'; raise RasaUnavailable if down."""
    found = services(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    sender = rasa_sender(found.secret_key, user.id)
    logger.debug("to Rasa as %s: %r", sender, message)
    async with typing(context.bot, chat.id):
        replies = await found.rasa.send(sender, message, rasa_metadata(context.user_data, extra))
    if found.tracker_store_url and asks_to_erase_conversation([r.custom for r in replies]):
        await erase_events(found.tracker_store_url, sender)
    elif found.sessions is not None:
        campaign = (context.user_data or {}).get(CAMPAIGN_KEY)
        await asyncio.to_thread(note_conversation, found.sessions, sender, campaign)
    if found.sessions is not None and asks_to_link_alerts([r.custom for r in replies]):
        await asyncio.to_thread(link_alert_chat, found.sessions, sender, chat.id)
    return replies


def note_conversation(sessions: sessionmaker[Session], sender: str, campaign: str | None) -> None:
    """Count the message for the campaign funnel; attribution never stops a conversation."""
    try:
        with sessions() as session, session.begin():
            record_message(session, sender, CHANNEL, campaign)
    except SQLAlchemyError as exc:
        logger.warning("could not record the conversation for attribution: %s",
                       type(exc).__name__)


async def erase_events(tracker_store_url: str, sender: str) -> None:
    """Delete the conversation from Rasa's tracker store, after Rasa saved its last turn."""
    try:
        await asyncio.to_thread(erase_conversation_events, tracker_store_url, sender)
    except ErasureFailed:
        logger.exception("could not erase a conversation's events")


async def talk(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str,
               extra: dict[str, Any] | None = None, if_silent: str | None = None) -> bool:
    """Send a message to Rasa and render the replies (or `if_silent` if there are none).

    Say sorry instead if Rasa is down.
    """
    chat = update.effective_chat
    assert chat is not None
    try:
        replies = await ask_rasa(update, context, message, extra)
    except RasaUnavailable:
        await send_html(context.bot, chat.id, render.escape(texts.RASA_DOWN))
        return False
    if not replies and if_silent:
        replies = [BotMessage(text=if_silent)]
    await render_replies(context, chat.id, replies)
    return True


async def render_replies(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                         replies: list[BotMessage]) -> None:
    """Send Rasa's replies in order: text with keyboards, vacancy cards, images."""
    for reply in replies:
        await render_reply(context, chat_id, reply)


async def render_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                       reply: BotMessage) -> None:
    chat_data = context.chat_data if context.chat_data is not None else {}
    if render.is_vacancy(reply.custom):
        text, markup = render.vacancy_card(reply.custom or {})
        await send_html(context.bot, chat_id, text, markup)
    if reply.text or reply.buttons:
        markup = render.keyboard(reply.buttons,
                                 lambda p: buttons.callback_data_for(p, chat_data))
        await send_long_text(context.bot, chat_id, reply.text or CHOOSE_PROMPT, markup)
    if render.safe_url(reply.image):
        await send_image(context.bot, chat_id, reply.image or "")


async def send_long_text(bot: Bot, chat_id: int, text: str,
                         markup: InlineKeyboardMarkup | None = None) -> None:
    """Send escaped text, split into messages Telegram accepts; the keyboard goes last."""
    chunks = render.split_text(text) or [CHOOSE_PROMPT]
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await send_html(bot, chat_id, render.escape(chunk), markup if last else None)


async def send_html(bot: Bot, chat_id: int, html_text: str,
                    markup: InlineKeyboardMarkup | None = None) -> None:
    """Send HTML text; if Telegram refuses a link button, send the links as text instead."""
    try:
        await bot.send_message(chat_id, html_text, parse_mode=ParseMode.HTML,
                               reply_markup=markup)
    except BadRequest as exc:
        if markup is None or "url" not in exc.message.lower():
            raise
        logger.warning("Telegram refused a link button (%s); sending the link as text", exc)
        await bot.send_message(chat_id, html_text + _links_as_text(markup),
                               parse_mode=ParseMode.HTML)


def _links_as_text(markup: InlineKeyboardMarkup) -> str:
    links = [b for row in markup.inline_keyboard for b in row if b.url]
    return "".join(f"\n{render.escape(b.text)}: {render.escape(b.url or '')}" for b in links)


async def send_image(bot: Bot, chat_id: int, url: str) -> None:
    try:
        await bot.send_photo(chat_id, url)
    except BadRequest as exc:
        logger.warning("Telegram refused an image (%s); sending the link instead", exc)
        await bot.send_message(chat_id, render.escape(url), parse_mode=ParseMode.HTML)


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show 'typing…' in the chat while the body runs (refreshed, since it fades after 5 s).

    A chat action already on its way is let through rather than cancelled, so it cannot
    arrive after the reply and the connection to the Bot API is kept.
    """
    done = asyncio.Event()
    task = asyncio.create_task(_keep_typing(bot, chat_id, done))
    try:
        yield
    finally:
        done.set()
        await task


async def _keep_typing(bot: Bot, chat_id: int, done: asyncio.Event) -> None:
    while not done.is_set():
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:
            logger.warning("sendChatAction failed, carrying on without it: %s", exc)
            return
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(done.wait(), TYPING_REFRESH_SECONDS)
