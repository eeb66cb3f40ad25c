"""Run the Telegram bot: `python -m bot` (long polling, or a webhook when both are configured).

Until the Bot API answers, the bot keeps trying with backoff (it never gives up on a
network error: under `make run` the web chat goes on meanwhile); it exits with 2 only when
the Bot API refuses the token. SIGTERM or SIGINT stops it within `STOP_SECONDS`.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from telegram import Bot
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import Application

from bot.app import ALLOWED_UPDATES, LinkStatus, build_application, file_base_url
from carecareers.settings import ConfigurationError, Settings, get_settings

logger = logging.getLogger("bot")

FIRST_PAUSE_SECONDS = 1.0
MAX_PAUSE_SECONDS = 60.0
STOP_SECONDS = 4.0
NO_TOKEN = (
    "error: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather, "
    "then put its token in .env as TELEGRAM_BOT_TOKEN=..."
)
Check = Callable[[Settings], Awaitable[None]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    parser.add_argument("--listen", default="127.0.0.1",
                        help="webhook mode: address to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8443,
                        help="webhook mode: port to listen on (default 8443)")
    parser.add_argument("--status-file", type=Path, default=None,
                        help="write the link to the Bot API (ok, retrying) here, for /healthz")
    return parser.parse_args(argv)


def configure_logging(level: str) -> None:
    logging.basicConfig(format="%(asctime)s %(levelname)s %(name)s: %(message)s",
                        level=level.upper())
    # httpx logs every request URL at INFO, and Bot API URLs contain the bot token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


async def check_bot_api(settings: Settings) -> None:
    """Ask the Bot API who we are once; raise InvalidToken or NetworkError.

    Done before PTB starts, whose own start-up errors log tracebacks that show the token.
    """
    bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_api_base_url,
              base_file_url=file_base_url(settings.telegram_api_base_url))
    async with bot:
        return


def pauses(first: float = FIRST_PAUSE_SECONDS, longest: float = MAX_PAUSE_SECONDS,
           ) -> Iterator[float]:
    """1, 2, 4 ... seconds, then `longest` for ever."""
    pause = first
    while True:
        yield pause
        pause = min(longest, pause * 2)


async def wait_for_bot_api(settings: Settings, link: LinkStatus, stopping: asyncio.Event,
                           check: Check | None = None,
                           delays: Iterator[float] | None = None) -> bool:
    """Retry `check` (check_bot_api) with backoff until the Bot API answers (True) or we are
    asked to stop (False); a refused token raises InvalidToken."""
    for pause in delays or pauses():
        if stopping.is_set():
            return False
        try:
            await (check or check_bot_api)(settings)
            return True
        except NetworkError as exc:
            link.set("retrying")
            logger.warning("cannot reach the Bot API at %s (%s); trying again in %g s",
                           settings.telegram_api_base_url, exc.message, pause)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stopping.wait(), pause)
    return False  # pragma: no cover - pauses() never ends


async def start_updates(application: Application, settings: Settings,  # type: ignore[type-arg]
                        args: argparse.Namespace) -> None:
    """Start polling, or the webhook when both webhook settings are set."""
    assert application.updater is not None
    if settings.telegram_webhook_mode:
        logger.info("starting in webhook mode on %s:%d", args.listen, args.port)
        await application.updater.start_webhook(
            listen=args.listen, port=args.port,
            url_path=urlsplit(settings.telegram_webhook_url).path.lstrip("/"),
            webhook_url=settings.telegram_webhook_url,
            secret_token=settings.telegram_webhook_secret,
            allowed_updates=ALLOWED_UPDATES,
        )
    else:
        logger.info("starting in long-polling mode")
        await application.updater.start_polling(allowed_updates=ALLOWED_UPDATES,
                                                error_callback=log_polling_error)


def log_polling_error(error: TelegramError) -> None:
    """PTB retries polling with backoff; say so in one line (no traceback, no token)."""
    logger.warning("polling the Bot API failed (%s); PTB retries with backoff", error.message)


async def serve(settings: Settings, args: argparse.Namespace, link: LinkStatus,
                stopping: asyncio.Event) -> None:
    """Run the bot until `stopping` is set."""
    if not await wait_for_bot_api(settings, link, stopping):
        return
    application = build_application(settings, link=link)
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        await start_updates(application, settings, args)
        await application.start()
        link.set("ok")
        await stopping.wait()
    finally:
        logger.info("stopping")
        try:
            await asyncio.wait_for(shut_down(application), STOP_SECONDS)
        except asyncio.TimeoutError:
            logger.warning("stopped without waiting for the Bot API to confirm")


async def shut_down(application: Application) -> None:  # type: ignore[type-arg]
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()
    if application.post_shutdown is not None:
        await application.post_shutdown(application)


async def run(settings: Settings, args: argparse.Namespace) -> None:
    """Serve until SIGINT or SIGTERM (a second signal changes nothing).

    After the signal, serving gets STOP_SECONDS to wind down, then is cancelled (for
    example while a start-up request to an unreachable Bot API is still waiting).
    """
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    serving = asyncio.create_task(serve(settings, args, LinkStatus(args.status_file), stopping))
    stop_asked = asyncio.create_task(stopping.wait())
    await asyncio.wait({serving, stop_asked}, return_when=asyncio.FIRST_COMPLETED)
    stop_asked.cancel()
    if not serving.done():
        done, _ = await asyncio.wait({serving}, timeout=STOP_SECONDS + 1)
        if not done:
            serving.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await serving
            return
    serving.result()  # raises what serving raised (a refused token, say)


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
        asyncio.run(run(settings, args))
    except InvalidToken:
        print(f"error: the Bot API at {api} refused TELEGRAM_BOT_TOKEN: check it with "
              "@BotFather", file=sys.stderr)
        return 2
    except NetworkError as exc:  # lost between the check and the start: the launcher restarts
        print(f"error: cannot reach the Bot API at {api}: {exc.message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
