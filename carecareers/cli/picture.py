"""`carecareers picture count`: count the people in the programme board's picture again."""

from __future__ import annotations

import time

import typer
from sqlalchemy.exc import SQLAlchemyError

from carecareers.cli.common import engine_for, fail, load_settings
from carecareers.clock import clock_for
from carecareers.db import make_engine, session_factory
from carecareers.picture.counting import store_counts, tally_people

app = typer.Typer(help="The programme board's picture.", no_args_is_help=True)


@app.command("count")
def count_command() -> None:
    """Count the people (leads, alerts, bookings, arrivals, values checks, chats, unanswered
    questions) by month for the picture, replacing the counts in one transaction."""
    settings = load_settings()
    engine = engine_for(settings)
    # Read in a transaction that takes no write lock on SQLite (make_engine's default), then
    # store in one that does: other processes wait only while the counts are written.
    reader = make_engine(settings.database_url)
    started = time.perf_counter()
    try:
        with session_factory(reader)() as session, session.begin():
            counts = tally_people(session, settings.content_dir, clock_for(settings))
        with session_factory(engine)() as session, session.begin():
            made = store_counts(session, counts)
    except SQLAlchemyError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise fail(f"database error: {first} (has `carecareers db upgrade` run?)") from None
    finally:
        reader.dispose()
        engine.dispose()
    typer.echo(f"counted the people of the picture: {made} counts in "
               f"{time.perf_counter() - started:.1f} s")
