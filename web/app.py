"""The FastAPI application factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from carecareers.conversation.rasa_client import RasaClient
from carecareers.conversation.rasa_pool import RasaPool, rasa_client_for
from carecareers.db import make_engine, session_factory
from carecareers.settings import Settings, get_settings
from web.ratelimit import ChatLimiter
from web.routes import advisers, alerts, chat, health, pages, vacancies
from web.security import SecurityHeaders

HERE = Path(__file__).resolve().parent
logger = logging.getLogger(__name__)


def create_app(settings: Settings | None = None,
               rasa: RasaClient | RasaPool | None = None) -> FastAPI:
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its lines carry URLs with tokens
    engine = make_engine(settings.database_url)
    rasa_client = rasa or rasa_client_for(settings)  # RASA_URL may list several servers

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await rasa_client.aclose()
        engine.dispose()

    app = FastAPI(title="Care Careers Assistant", lifespan=lifespan,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.rasa = rasa_client
    app.state.chat_limiter = ChatLimiter()  # per process: see web/ratelimit.py
    app.state.templates = Jinja2Templates(directory=HERE / "templates")
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    for module in (health, pages, chat, vacancies, advisers, alerts):
        app.include_router(module.router)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(SecurityHeaders)
    return app


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    errors = exc.errors() if isinstance(exc, RequestValidationError) else []
    fields = sorted({".".join(str(p) for p in e.get("loc", ())[1:]) or "body" for e in errors})
    return JSONResponse(status_code=422, content={
        "detail": "The request is not valid: check " + ", ".join(fields) + ".",
        "fields": fields,
    })
