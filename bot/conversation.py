"""Hand a Telegram message to the relay and render its replies in the chat."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot import buttons, render
from bot.services import services
from carecareers import catalogue
from carecareers.channels import channel_named
from carecareers.conversation.buttons import safe_link
from carecareers.conversation.payloads import is_vacancy
from carecareers.conversation.rasa_client import BotMessage
from carecareers.conversation.relay import Turn, TurnResult
from carecareers.conversation.senders import account_sender

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
CAMPAIGN_KEY = "campaign"
TYPING_REFRESH_SECONDS = 4.5
_CAMPAIGN_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def valid_campaign(code: str) -> bool:
    return bool(_CAMPAIGN_CODE.fullmatch(code))


def telegram_sender(secret_key: str, user_id: int) -> str:
    """Return the sender id of a Telegram user: stable, keyed, never the raw id."""
    channel = channel_named(CHANNEL)
    assert channel is not None, "content/channels.yml must register the telegram channel"
    return account_sender(secret_key, channel.sender_prefix, user_id)


def sender_of(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    assert update.effective_user is not None
    return telegram_sender(services(context).secret_key, update.effective_user.id)


def turn_for(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str,
             extra: dict[str, Any] | None = None, if_silent: str | None = None,
             said: str | None = None) -> Turn:
    """The relay's view of a message from this Telegram user (`said`: what they typed)."""
    chat = update.effective_chat
    campaign = (context.user_data or {}).get(CAMPAIGN_KEY)
    return Turn(sender_of(update, context), message, CHANNEL,
                campaign, extra_metadata=extra or {}, if_silent=if_silent, said=said,
                address=str(chat.id) if chat is not None else None)


async def ask_rasa(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str,
                   extra: dict[str, Any] | None = None, if_silent: str | None = None,
                   said: str | None = None) -> TurnResult:
    """Take one turn through the relay as this user, showing 'typing' meanwhile."""
    chat = update.effective_chat
    assert chat is not None
    async with typing(context.bot, chat.id):
        return await services(context).relay.take(
            turn_for(update, context, message, extra, if_silent, said))


async def talk(update: Update, context: ContextTypes.DEFAULT_TYPE, message: str,
               extra: dict[str, Any] | None = None, if_silent: str | None = None,
               said: str | None = None) -> bool:
    """Take one turn and render its replies; return False when Rasa could not be reached.

    `said` is the person's typed text as they typed it: while they have an open adviser
    thread, the relay puts it there (and the assistant says nothing).
    """
    chat = update.effective_chat
    assert chat is not None
    result = await ask_rasa(update, context, message, extra, if_silent, said)
    if result.moved_on and context.chat_data is not None:
        buttons.next_turn(context.chat_data)
    await render_replies(context, chat.id, result.replies)
    return result.answered


async def render_replies(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                         replies: list[BotMessage]) -> None:
    """Send Rasa's replies in order: text with keyboards, vacancy cards, images."""
    for reply in replies:
        await render_reply(context, chat_id, reply)


async def render_reply(context: ContextTypes.DEFAULT_TYPE, chat_id: int,
                       reply: BotMessage) -> None:
    chat_data = context.chat_data if context.chat_data is not None else {}
    if is_vacancy(reply.custom):
        text, markup = render.vacancy_card(reply.custom or {})
        await send_html(context.bot, chat_id, text, markup)
    if reply.text or reply.buttons:
        markup = render.keyboard(reply.buttons,
                                 lambda p: buttons.callback_data_for(p, chat_data))
        await send_long_text(context.bot, chat_id, reply.text or catalogue.text("bot.choose"),
                             markup)
    if safe_link(reply.image):
        await send_image(context.bot, chat_id, reply.image or "")


async def send_long_text(bot: Bot, chat_id: int, text: str,
                         markup: InlineKeyboardMarkup | None = None) -> None:
    """Send escaped text, split into messages Telegram accepts; the keyboard goes last."""
    chunks = render.split_text(text) or [catalogue.text("bot.choose")]
    for index, chunk in enumerate(chunks):
        last = index == len(chunks) - 1
        await send_html(bot, chat_id, render.escape(chunk), markup if last else None)


async def say(bot: Bot, chat_id: int, text_id: str, markup: InlineKeyboardMarkup | None = None,
              **values: object) -> None:
    """Send the catalogue's text `text_id` (escaped: it is plain text)."""
    await send_html(bot, chat_id, render.escape(catalogue.text(text_id, **values)), markup)


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
