"""Run the Telegram bot: `python -m bot` (long polling, or a webhook when both are configured)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError

from bot.app import ALLOWED_UPDATES, build_application, file_base_url
from carecareers.settings import ConfigurationError, Settings, get_settings

logger = logging.getLogger("bot")

CHECK_ATTEMPTS = 3
CHECK_PAUSE_SECONDS = 2.0
NO_TOKEN = (
    "error: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather, "
    "then put its token in .env as TELEGRAM_BOT_TOKEN=..."
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1",
                        help="webhook mode: address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443,
                        help="webhook mode: port to listen on (default 8443)")
    return parser.parse_args(argv)


def configure_logging(level: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=level.upper())
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


async def check_bot_api(settings: Settings) -> None:
    """Ask the Bot API who we are, retrying briefly; raise InvalidToken or NetworkError.

    Done before PTB starts, whose own start-up errors log tracebacks that show the token.
    """
    bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base_url,
              base_file_url=file_base_url(settings.telegram_api_base_url))
    for attempt in range(1, CHECK_ATTEMPTS + 1):
        try:
            async with bot:
                return
        except NetworkError:
            if attempt == CHECK_ATTEMPTS:
                raise
            logger.warning("cannot reach the Bot API yet (attempt %d), retrying", attempt)
            await asyncio.sleep(CHECK_PAUSE_SECONDS)


def run(settings: Settings, args: argparse.Namespace) -> None:
    """Run until SIGINT or SIGTERM."""
    application = build_application(settings)
    if settings.telegram_webhook_mode:
        logger.info("starting in webhook mode on %s:%d", args.listen, args.port)
        application.run_webhook(
            listen=args.listen, port=args.port,
            url_path=urlsplit(settings.telegram_webhook_url).path.lstrip("/"),
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        logger.info("starting in long-polling mode")
        application.run_polling(allowed_updates=ALLOWED_UPDATES)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = get_settings()
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not settings.telegram_bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    api = settings.telegram_api_base_url
    try:
        asyncio.run(check_bot_api(settings))
        run(settings, args)
    except InvalidToken:
        print(f"error: the Bot API at {api} refused TELEGRAM_BOT_TOKEN: check it with "
              "@BotFather", file=sys.stderr)
        return 2
    except NetworkError as exc:
        print(f"error: cannot reach the Bot API at {api}: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
