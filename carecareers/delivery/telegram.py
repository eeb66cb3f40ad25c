"""Send Telegram messages through the Bot API (TELEGRAM_API_BASE_URL) with python-telegram-bot."""

from __future__ import annotations

import asyncio

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from carecareers.delivery.errors import AddressDead, MessageRejected, TryLater
from carecareers.models import OutboxMessage

DEAD_CHAT_HINTS = ("chat not found", "user is deactivated", "bot was blocked")


def keyboard(rows: list[list[dict[str, str]]]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from stored rows of {text, url} or {text, callback_data}."""
    built = [[InlineKeyboardButton(**button) for button in row] for row in rows if row]
    return InlineKeyboardMarkup(built) if built else None


class TelegramSender:
    """Sends on one event loop of its own, so the synchronous delivery loop can call it."""

    channel = "telegram"

    def __init__(self, token: str, base_url: str) -> None:
        self._bot = Bot(token, base_url=base_url)
        self._loop = asyncio.new_event_loop()
        self._started = False

    def send(self, message: OutboxMessage) -> None:
        self._loop.run_until_complete(self._send(message))

    def close(self) -> None:
        if self._started:
            self._loop.run_until_complete(self._bot.shutdown())
        self._loop.close()

    async def _send(self, message: OutboxMessage) -> None:
        try:
            if not self._started:
                await self._bot.initialize()
                self._started = True
            await self._bot.send_message(
                chat_id=int(message.address), text=message.body, parse_mode=ParseMode.HTML,
                reply_markup=keyboard(message.buttons or []),
                link_preview_options=LinkPreviewOptions(is_disabled=True))
        except Forbidden as exc:
            raise AddressDead("the bot was blocked or the account deleted") from exc
        except RetryAfter as exc:
            seconds = exc.retry_after
            wait = seconds.total_seconds() if hasattr(seconds, "total_seconds") else seconds
            raise TryLater("Telegram asked to slow down", float(wait)) from exc
        except BadRequest as exc:
            if any(hint in exc.message.lower() for hint in DEAD_CHAT_HINTS):
                raise AddressDead("the chat no longer exists") from exc
            raise MessageRejected(f"Telegram refused the message: {exc.message[:120]}") from exc
        except (TelegramError, ValueError) as exc:
            raise TryLater(f"Telegram did not answer: {type(exc).__name__}") from exc
