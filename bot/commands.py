"""The bot's commands: /start [CODE], /help, /privacy, /forget, /restart."""

from __future__ import annotations

import logging

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot import buttons, render, texts
from bot.conversation import (
    CAMPAIGN_KEY,
    ask_rasa,
    render_replies,
    send_html,
    talk,
    valid_campaign,
)
from bot.handlers import mark_choice, still_offered
from bot.services import services

logger = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("start", "Start, or start again"),
    BotCommand("help", "What I can help you with"),
    BotCommand("privacy", "How we use your details"),
    BotCommand("forget", "Delete what you've told me"),
    BotCommand("restart", "Start the conversation afresh"),
]
GREET = "/greet"
HELP = "/help"
RESTART = "/restart"
CONFIRM_DELETE = "/confirm_delete_my_data"


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user; a deep-link code (t.me/<bot>?start=CODE) names their campaign."""
    code = context.args[0] if context.args else ""
    if code and valid_campaign(code) and context.user_data is not None:
        context.user_data[CAMPAIGN_KEY] = code
    elif code:
        logger.info("ignored a /start code that is not a valid campaign code")
    await talk(update, context, GREET)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await talk(update, context, HELP)


async def restart(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await talk(update, context, RESTART, if_silent=texts.RESTARTED)


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say briefly how data is used, with a button to the full privacy notice."""
    assert update.effective_chat is not None
    markup = render.link_keyboard(texts.PRIVACY_BUTTON, services(context).privacy_url)
    await send_html(context.bot, update.effective_chat.id, render.escape(texts.PRIVACY), markup)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before deleting the user's data (see forget.mmd)."""
    assert update.effective_chat is not None
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.FORGET_YES, callback_data=buttons.FORGET_YES),
        InlineKeyboardButton(texts.FORGET_NO, callback_data=buttons.FORGET_NO),
    ]])
    await send_html(context.bot, update.effective_chat.id,
                    render.escape(texts.FORGET_QUESTION), markup)


async def on_forget_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete the user's data in Rasa (and the bot's memory of them) on Yes; keep it on No."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    if not still_offered(query):
        await query.answer(texts.ALREADY_CHOSEN)
        return
    await query.answer()
    await mark_choice(query)
    if query.data != buttons.FORGET_YES:
        await send_html(context.bot, chat.id, render.escape(texts.FORGET_KEPT))
        return
    result = await ask_rasa(update, context, CONFIRM_DELETE)
    if not result.answered:
        await send_html(context.bot, chat.id, render.escape(texts.FORGET_RASA_DOWN))
        return
    forget_locally(context)
    await render_replies(context, chat.id, result.replies)


def forget_locally(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Drop what the bot itself remembers about the user: campaign code, button payloads."""
    if context.user_data is not None:
        context.user_data.clear()
    if context.chat_data is not None:
        buttons.forget_payloads(context.chat_data)


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Show the command menu in Telegram; carry on if the server refuses."""
    try:
        await application.bot.set_my_commands(COMMANDS)
    except TelegramError as exc:
        logger.warning("could not register the command menu: %s", exc)

