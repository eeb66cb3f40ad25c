"""The senders the settings configure: email when SMTP_URL is set, Telegram with a bot token."""

from __future__ import annotations

from carecareers.delivery.email import EmailSender
from carecareers.delivery.sending import Sender
from carecareers.delivery.telegram import TelegramSender
from carecareers.settings import Settings

# The setting that turns on each channel's sender: what to set when its messages wait.
SENDER_SETTINGS = {"email": "smtp_url", "telegram": "telegram_bot_token"}


def senders_for(settings: Settings) -> dict[str, Sender]:
    senders: dict[str, Sender] = {}
    if settings.smtp_url:
        senders["email"] = EmailSender(settings.smtp_url, settings.smtp_from)
    if settings.telegram_bot_token:
        senders["telegram"] = TelegramSender(settings.telegram_bot_token,
                                             settings.telegram_api_base_url)
    return senders
