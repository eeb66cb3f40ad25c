"""Build the Telegram Application: Bot API address, rate limiter, handlers, link status."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)
from telegram.request import BaseRequest, HTTPXRequest

from bot import adviser_messages, buttons, commands, handlers
from bot.ordering import PerChatUpdateProcessor
from bot.services import SERVICES_KEY, Services
from carecareers.clock import Clock, clock_for
from carecareers.conversation.rasa_client import RasaClient
from carecareers.conversation.rasa_pool import RasaPool, rasa_client_for
from carecareers.conversation.relay import Relay
from carecareers.db import make_engine, session_factory
from carecareers.runtime.status import write_json
from carecareers.settings import Settings

logger = logging.getLogger("bot")

DEFAULT_FILE_URL = "https://api.telegram.org/file/bot"
MAX_CONCURRENT_UPDATES = 32
RATE_LIMIT_RETRIES = 2
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]

_PRIVATE = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE


def file_base_url(base_url: str) -> str:
    """Return the file URL that goes with a Bot API URL (`.../bot` -> `.../file/bot`)."""
    if base_url.endswith("/bot"):
        return base_url[: -len("/bot")] + "/file/bot"
    return DEFAULT_FILE_URL


class LinkStatus:
    """The bot's link to the Bot API: "connecting", "ok" or "retrying".

    Each change is logged and, with a path (`python -m bot --status-file`, as `make run`
    starts it), written there with our pid for the web app's /healthz.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.state = ""
        self.set("connecting")

    def set(self, state: str) -> None:
        if state == self.state:
            return
        if self.state:
            log = logger.warning if state == "retrying" else logger.info
            log("link to the Bot API: %s", state)
        self.state = state
        if self.path is not None:
            write_json(self.path, {"pid": os.getpid(), "state": state})


class ReportingRequest(HTTPXRequest):
    """PTB's HTTP layer for polling, noting in a LinkStatus whether the Bot API answers."""

    def __init__(self, link: LinkStatus, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.link = link

    async def do_request(self, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            code, payload = await super().do_request(*args, **kwargs)
        except Exception:
            self.link.set("retrying")
            raise
        self.link.set("retrying" if code >= 500 else "ok")
        return code, payload


def build_application(settings: Settings, *, rasa: RasaClient | RasaPool | None = None,
                      requests: tuple[BaseRequest, BaseRequest] | None = None,
                      rate_limit: bool = True,
                      link: LinkStatus | None = None,
                      clock: Clock | None = None) -> Application:  # type: ignore[type-arg]
    """Return the bot application, wired to Rasa; `requests` replaces the HTTP layer in tests.

    With `link`, polling reports whether the Bot API answers.
    """
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_api_base_url)
        .base_file_url(file_base_url(settings.telegram_api_base_url))
        .concurrent_updates(PerChatUpdateProcessor(MAX_CONCURRENT_UPDATES))
        .post_init(on_start)
        .post_shutdown(close_services)
        .rate_limiter(rate_limiter(rate_limit))
    )
    if requests is not None:
        builder = builder.get_updates_request(requests[0]).request(requests[1])
    elif link is not None:
        builder = builder.get_updates_request(ReportingRequest(link, connection_pool_size=1))
    application = builder.build()
    rasa = rasa or rasa_client_for(settings)
    sessions = session_factory(make_engine(settings.database_url, immediate=True))
    clock = clock or clock_for(settings)
    application.bot_data[SERVICES_KEY] = Services(
        rasa=rasa,
        relay=Relay(rasa, settings.tracker_store_url, sessions, settings.public_base_url,
                    clock=clock),
        secret_key=settings.secret_key,
        privacy_url=settings.privacy_url,
        sessions=sessions,
        clock=clock,
    )
    add_handlers(application)
    return application


def rate_limiter(enabled: bool) -> AIORateLimiter:
    """Return Telegram's flood limits (or none at all, for tests: a rate of 0 disables them)."""
    if enabled:
        return AIORateLimiter(max_retries=RATE_LIMIT_RETRIES)
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


def add_handlers(application: Application) -> None:  # type: ignore[type-arg]
    """Register commands, messages, button presses and the central error handler."""
    for name, callback in (
        ("start", commands.start), ("help", commands.help_command),
        ("privacy", commands.privacy), ("forget", commands.forget),
        ("restart", commands.restart),
    ):
        application.add_handler(CommandHandler(name, callback, filters=_PRIVATE))
    application.add_handler(MessageHandler(_PRIVATE & filters.TEXT, handlers.on_text))
    application.add_handler(MessageHandler(_PRIVATE & filters.LOCATION, handlers.on_location))
    application.add_handler(MessageHandler(
        _PRIVATE & ~filters.StatusUpdate.ALL, handlers.on_other_message))
    for callback, pattern in (
        (commands.on_forget_choice, buttons.FORGET_PATTERN),
        (adviser_messages.on_thread_button, buttons.THREAD_PATTERN),
        (handlers.on_chosen, buttons.CHOSEN_PATTERN),
        (handlers.on_button, buttons.RASA_PATTERN),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=pattern))
    application.add_error_handler(handlers.on_error)


async def on_start(application: Application) -> None:  # type: ignore[type-arg]
    """Register the command menu and start delivering adviser messages."""
    await commands.register_commands(application)
    await adviser_messages.start_draining(application)


async def close_services(application: Application) -> None:  # type: ignore[type-arg]
    """Stop delivering adviser messages and close the Rasa client (and the relay's reads)
    when the bot stops."""
    await adviser_messages.stop_draining(application)
    found: Services | None = application.bot_data.get(SERVICES_KEY)
    if found is not None:
        await found.rasa.aclose()
        found.relay.close()
