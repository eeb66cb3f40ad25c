"""Handlers for what users send: text, locations, other media, button presses; and errors."""

from __future__ import annotations

import logging

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import NetworkError, TelegramError
from telegram.ext import ContextTypes

from bot import buttons
from bot.conversation import say, talk
from carecareers import catalogue
from carecareers.conversation.rasa_client import clean_user_text

logger = logging.getLogger(__name__)

LOCATION_DECIMALS = 2  # about 1 km: enough to find jobs nearby, no more


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Relay typed text: to Rasa, cleaned so it cannot trigger an intent directly, or to
    the person's open adviser thread as typed (the relay's rule)."""
    assert update.message is not None and update.effective_chat is not None
    text = clean_user_text(update.message.text or "")
    if not text:
        await say(context.bot, update.effective_chat.id, "bot.empty_text")
        return
    await talk(update, context, text, said=update.message.text or "")


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Ask Rasa for jobs near a shared location, passing the rounded coordinates as metadata."""
    assert update.message is not None and update.message.location is not None
    location = update.message.location
    coordinates = {
        "latitude": round(location.latitude, LOCATION_DECIMALS),
        "longitude": round(location.longitude, LOCATION_DECIMALS),
    }
    await talk(update, context, catalogue.text("bot.location_request"), coordinates)


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer photos, stickers, voice notes, videos and files: the bot reads text only."""
    assert update.effective_chat is not None
    await say(context.bot, update.effective_chat.id, "bot.text_only")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the payload of a pressed Rasa button, after marking the choice in the keyboard."""
    query = update.callback_query
    assert query is not None and query.data is not None
    payload = buttons.payload_for(query.data, context.chat_data or {})
    if not still_offered(query):
        await query.answer(catalogue.text("bot.buttons.already_chosen"))
        return
    if payload is None:
        await query.answer(catalogue.text("bot.buttons.expired"), show_alert=True)
        return
    await query.answer()
    await mark_choice(query)
    await talk(update, context, payload)


async def on_chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Answer a press on the '✓ choice' marker left behind by an earlier press."""
    assert update.callback_query is not None
    await update.callback_query.answer(catalogue.text("bot.buttons.already_chosen"))


def still_offered(query: CallbackQuery) -> bool:
    """Return True only if the pressed button is on the message as Telegram has it now.

    This turns away a second press on a keyboard already answered, and callback data
    that no keyboard of ours offered.
    """
    return pressed_button(query) is not None


def pressed_button(query: CallbackQuery) -> InlineKeyboardButton | None:
    message = query.message
    if not isinstance(message, Message) or message.reply_markup is None:
        return None
    for row in message.reply_markup.inline_keyboard:
        for button in row:
            if button.callback_data == query.data:
                return button
    return None


async def mark_choice(query: CallbackQuery) -> None:
    """Replace the message's keyboard with one inert '✓ <title>' button."""
    button = pressed_button(query)
    if button is None:
        return
    marker = InlineKeyboardButton(catalogue.text("bot.buttons.chosen", title=button.text),
                                  callback_data=buttons.CHOSEN)
    try:
        await query.edit_message_reply_markup(InlineKeyboardMarkup([[marker]]))
    except TelegramError as exc:
        logger.warning("could not mark the chosen button: %s", exc)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log any error with its traceback and tell the user, kindly, that something went wrong."""
    if update is None and isinstance(context.error, NetworkError):
        logger.warning("Bot API connection problem: %s", context.error)
        return
    logger.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await say(context.bot, update.effective_chat.id, "bot.something_went_wrong")
        except TelegramError as exc:
            logger.warning("could not tell the user about the error: %s", exc)
