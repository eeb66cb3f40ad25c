"""The bot's commands: /start [CODE], /help, /privacy, /forget, /restart."""

from __future__ import annotations

import logging

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import Application, ContextTypes

from bot import buttons, render
from bot.conversation import (
    CAMPAIGN_KEY,
    ask_rasa,
    render_replies,
    say,
    talk,
    valid_campaign,
)
from bot.handlers import mark_choice, still_offered
from bot.services import services
from carecareers import catalogue

logger = logging.getLogger(__name__)

COMMANDS = ("start", "help", "privacy", "forget", "restart")
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
    await talk(update, context, RESTART, if_silent=catalogue.text("bot.restarted"))


async def privacy(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Say briefly how data is used, with a button to the full privacy notice."""
    assert update.effective_chat is not None
    markup = render.link_keyboard(catalogue.text("bot.privacy.button"),
                                  services(context).privacy_url)
    await say(context.bot, update.effective_chat.id, "bot.privacy.summary", markup)


async def forget(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask for confirmation before deleting the user's data (see forget.mmd)."""
    assert update.effective_chat is not None
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(catalogue.text("bot.forget.yes"), callback_data=buttons.FORGET_YES),
        InlineKeyboardButton(catalogue.text("bot.forget.no"), callback_data=buttons.FORGET_NO),
    ]])
    await say(context.bot, update.effective_chat.id, "bot.forget.question", markup)


async def on_forget_choice(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Delete the user's data in Rasa (and the bot's memory of them) on Yes; keep it on No."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    if not still_offered(query):
        await query.answer(catalogue.text("bot.buttons.already_chosen"))
        return
    await query.answer()
    await mark_choice(query)
    if query.data != buttons.FORGET_YES:
        await say(context.bot, chat.id, "bot.forget.kept")
        return
    result = await ask_rasa(update, context, CONFIRM_DELETE)
    if not result.answered:
        await say(context.bot, chat.id, "bot.forget.rasa_down")
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
        await application.bot.set_my_commands(
            [BotCommand(name, catalogue.text(f"bot.commands.{name}")) for name in COMMANDS])
    except TelegramError as exc:
        logger.warning("could not register the command menu: %s", exc)

