"""The FastAPI application factory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from carecareers.catalogue import template_globals, text
from carecareers.clock import Clock, clock_for
from carecareers.conversation.buttons import safe_link
from carecareers.conversation.pending import retry_pending
from carecareers.conversation.rasa_client import RasaClient
from carecareers.conversation.rasa_pool import RasaPool, rasa_client_for
from carecareers.conversation.relay import Relay
from carecareers.db import make_engine, session_factory
from carecareers.settings import Settings, get_settings
from web.fingerprints import MOUNT, FingerprintedFiles, static_assets, template_helpers
from web.ratelimit import ChatLimiter, LoginLimiter, booking_limiter, walk_in_limiter
from web.routes import (
    advisers,
    alerts,
    chat,
    events,
    health,
    jobs,
    open_data,
    pages,
    stories,
    vacancies,
    widget,
)
from web.security import SecurityHeaders

HERE = Path(__file__).resolve().parent
RETRY_SECONDS = 60.0
logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None,
               rasa: RasaClient | RasaPool | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or get_settings()
    clock = clock or clock_for(settings)
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines carry URLs with tokens
    engine = make_engine(settings.database_url, immediate=True)
    rasa_client = rasa or rasa_client_for(settings)  # RASA_URL may list several servers

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        retrying = asyncio.create_task(_retry_tracker_changes(app, settings.tracker_store_url))
        yield
        retrying.cancel()
        await rasa_client.aclose()
        app.state.relay.close()
        engine.dispose()

    app = FastAPI(title="Care Careers Assistant", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.clock = clock
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.rasa = rasa_client
    app.state.relay = Relay(rasa_client, settings.tracker_store_url, app.state.session_factory,
                            settings.public_base_url, clock=clock)
    app.state.chat_limiter = ChatLimiter.for_redis(settings.redis_url)  # web/ratelimit.py
    app.state.login_limiter = LoginLimiter(storage_url=settings.redis_url)
    app.state.walk_in_limiter = walk_in_limiter(settings.redis_url)
    app.state.booking_limiter = booking_limiter(settings.redis_url)
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.state.templates.env.globals.update(template_globals(), **template_helpers())
    app.state.templates.env.filters["safe_link"] = safe_link
    app.mount(MOUNT, FingerprintedFiles(static_assets()), name="static")  # hashed at start-up
    for module in (health, pages, chat, vacancies, jobs, open_data, widget, advisers, alerts,
                   events, stories):
        app.include_router(module.router)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(SecurityHeaders, https_only=settings.https_only)
    return app


async def _retry_tracker_changes(app: FastAPI, tracker_store_url: str,
                                 every_seconds: float = RETRY_SECONDS) -> None:
    """Keep retrying erasures and redactions the tracker store refused, until they are done."""
    while True:
        await asyncio.sleep(every_seconds)
        try:
            await asyncio.to_thread(_retry_once, app.state.session_factory, tracker_store_url,
                                    app.state.clock)
        except SQLAlchemyError as exc:
            logger.warning("could not retry pending tracker changes: %s", type(exc).__name__)


def _retry_once(sessions: sessionmaker[Session], tracker_store_url: str, clock: Clock) -> None:
    with sessions() as session, session.begin():
        retry_pending(session, tracker_store_url, clock.now())


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in errors})
    return JSONResponse(status_code=422, content={
        "detail": text("web.chat_api.invalid", fields=", ".join(fields)), "fields": fields})
