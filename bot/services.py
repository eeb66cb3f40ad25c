"""What the handlers need from outside Telegram, kept in `application.bot_data`."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session, sessionmaker
from telegram.ext import ContextTypes

from carecareers.clock import Clock
from carecareers.conversation.rasa_client import RasaClient
from carecareers.conversation.rasa_pool import RasaPool
from carecareers.conversation.relay import Relay

SERVICES_KEY = "services"


@dataclass(frozen=True)
class Services:
    rasa: RasaClient | RasaPool  # kept to close it when the bot stops
    relay: Relay
    secret_key: str
    privacy_url: str
    sessions: sessionmaker[Session]
    clock: Clock


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    """Return the services of the running application."""
    found: Services = context.bot_data[SERVICES_KEY]
    return found
