"""Request dependencies shared by the routes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from carecareers.clock import Clock
from carecareers.settings import Settings


# A dependency that is a plain function runs in a worker thread: a hop, and a wait for the
# GIL, on every request. These only read the app's state, so they are coroutines, called on
# the event loop.
async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_clock(request: Request) -> Clock:
    """The app's clock: `now()` and the UK `today()` (CARECAREERS_TODAY in development)."""
    return request.app.state.clock


async def _app_clock(request: Request) -> Clock:
    return get_clock(request)


AppClock = Annotated[Clock, Depends(_app_clock)]


def get_session(request: Request) -> Iterator[Session]:
    """Yield a session in a transaction that commits when the route returns normally."""
    factory = request.app.state.session_factory
    with factory() as session, session.begin():
        yield session
