"""What every `carecareers` command shares: failing with a message, reading the settings, and
the database engine."""

from __future__ import annotations

import typer
from sqlalchemy import Engine

from carecareers.db import make_engine
from carecareers.settings import ConfigurationError, Settings, get_settings


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load_settings() -> Settings:
    try:
        return get_settings()
    except ConfigurationError as exc:
        raise fail(str(exc), 2) from exc


def engine_for(settings: Settings) -> Engine:
    """The database engine of a command. Commands run beside the web app, bot and action
    server (from cron), so on SQLite each transaction takes the write lock as it begins, as
    theirs do: a read-then-write transaction started the lazy way fails at once with
    "database is locked" when another process is writing, instead of waiting its turn."""
    return make_engine(settings.database_url, immediate=True)
