"""`carecareers vacancies ...` commands: import one feed, refresh every configured feed, make
the weekly history (carecareers/vacancies/history.py).

After an import, the history's current and previous weeks are made again, in a transaction
of their own once the import's is committed: if that fails, the import stands, and the
failure is logged and said on stderr (the next import or `vacancies history` makes them).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import typer
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from carecareers.cli.common import engine_for
from carecareers.clock import Clock, clock_for
from carecareers.db import session_factory
from carecareers.geo import districts_for
from carecareers.settings import Settings, get_settings
from carecareers.vacancies.errors import FeedError, UnknownSource
from carecareers.vacancies.feeds import FeedConfig, FeedConfigError, feeds_yml, load_feeds
from carecareers.vacancies.history import Built, backfill, legal_floor, refresh_recent
from carecareers.vacancies.importing import ImportSummary, import_source, record_failed_import
from carecareers.vacancies.salary import pay_rates_for
from carecareers.vacancies.sources import FORMATS, format_of

logger = logging.getLogger(__name__)

app = typer.Typer(help="Import, refresh and search vacancies.", no_args_is_help=True)

SOURCE_HELP = f"Feed format: {', '.join(FORMATS)}; optionally ':label' (provider_csv:acme)."


class ImportFailed(Exception):
    """An import failed; the message is one line for the terminal."""


@app.command("import")
def import_command(
    location: str = typer.Argument(..., metavar="PATH_OR_URL", help="A feed file or URL."),
    source: str = typer.Option(..., "--source", "-s", help=SOURCE_HELP),
    json_output: bool = typer.Option(False, "--json", help="Print the summary as one JSON line."),
    complete: bool = typer.Option(
        False, "--complete", help="The feed lists every open vacancy: expire the others."
    ),
) -> None:
    """Import one vacancy feed and print what changed."""
    try:
        format_of(source)
    except UnknownSource as exc:
        raise typer.BadParameter(str(exc), param_hint="--source") from None
    settings = get_settings()
    engine = engine_for(settings)
    try:
        summary = run_import(session_factory(engine), source, location, complete=complete,
                             show_progress=_interactive(json_output), clock=clock_for(settings))
        typer.echo(json.dumps(summary.as_dict()) if json_output else describe(summary))
        _after_import(session_factory(engine), settings, json_output)
    except ImportFailed as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()


@app.command("refresh")
def refresh_command(
    json_output: bool = typer.Option(False, "--json", help="Print the results as one JSON line."),
) -> None:
    """Import every enabled feed in content/feeds.yml, each in its own transaction."""
    settings = get_settings()
    try:
        feeds = load_feeds(feeds_yml(settings.content_dir), os.environ)
    except (FeedConfigError, UnknownSource) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from None
    engine = engine_for(settings)
    try:
        results = [_refresh_one(session_factory(engine), feed, _interactive(json_output),
                                json_output, clock_for(settings)) for feed in feeds]
        if any(r["status"] == "imported" for r in results):
            _after_import(session_factory(engine), settings, json_output)
    finally:
        engine.dispose()
    if json_output:
        typer.echo(json.dumps({"feeds": results}))
    if any(r["status"] == "failed" for r in results):
        raise typer.Exit(1)


@app.command("history")
def history_command(
    fill: bool = typer.Option(False, "--backfill",
                              help="Also make every earlier week that has no rows yet."),
    json_output: bool = typer.Option(False, "--json", help="Print what was made as JSON."),
) -> None:
    """Make the weekly vacancy history: this week and last (and with --backfill, the weeks
    the vacancies held cover that were never made)."""
    settings = get_settings()
    engine = engine_for(settings)
    try:
        built = make_history(session_factory(engine), settings, everything=fill)
    except SQLAlchemyError as exc:
        typer.echo(f"error: database error: {_first_line(exc)} "
                   "(has `carecareers db upgrade` run?)", err=True)
        raise typer.Exit(1) from None
    finally:
        engine.dispose()
    typer.echo(json.dumps(built.as_dict()) if json_output else describe_history(built))


def make_history(factory: sessionmaker[Session], settings: Settings, *,
                 everything: bool = False) -> Built:
    """Make the recent weeks (or backfill) in one transaction."""
    build = backfill if everything else refresh_recent
    with factory() as session, session.begin():
        return build(session, clock=clock_for(settings),
                     districts=districts_for(settings.content_dir),
                     floor=legal_floor(pay_rates_for(settings.content_dir)))


def _after_import(factory: sessionmaker[Session], settings: Settings, quiet: bool) -> None:
    """Make the history's recent weeks again; a failure is said, and the import stands."""
    try:
        built = make_history(factory, settings)
    except Exception as exc:  # the import is committed, whatever happens here
        logger.warning("the vacancy history was not refreshed: %s: %s", type(exc).__name__,
                       _first_line(exc))
        typer.echo(f"warning: the vacancy history was not refreshed ({type(exc).__name__}); "
                   "`carecareers vacancies history` makes it again", err=True)
        return
    if not quiet:
        typer.echo(describe_history(built))


def describe_history(built: Built) -> str:
    if not built.weeks:
        return "vacancy history: no weeks to make"
    weeks = (built.weeks[0].isoformat() if len(built.weeks) == 1
             else f"{len(built.weeks)} weeks from {built.weeks[0]} to {built.weeks[-1]}")
    return (f"vacancy history: {weeks} made, {built.rows:,} rows "
            f"from {built.vacancies:,} vacancies")


def _first_line(exc: BaseException) -> str:
    return (str(getattr(exc, "orig", exc)).strip().splitlines() or [""])[0]


def _refresh_one(factory: sessionmaker[Session], feed: FeedConfig, show_progress: bool,
                 quiet: bool, clock: Clock) -> dict[str, Any]:
    if not feed.ready:
        reason = f"set {', '.join(feed.missing_variables)} to enable it"
        if not quiet:
            typer.echo(f"{feed.name}: skipped ({reason})")
        return {"feed": feed.name, "status": "skipped", "reason": reason}
    try:
        summary = run_import(factory, feed.source, feed.location, complete=feed.complete,
                             show_progress=show_progress, headers=feed.headers, clock=clock)
    except ImportFailed as exc:
        typer.echo(f"error: {feed.name}: {exc}", err=True)
        return {"feed": feed.name, "status": "failed", "error": str(exc)}
    if not quiet:
        typer.echo(f"{feed.name}: {describe(summary)}")
    return {"feed": feed.name, "status": "imported", "summary": summary.as_dict()}


def run_import(factory: sessionmaker[Session], source: str, location: str, *, complete: bool,
               show_progress: bool, clock: Clock,
               headers: Mapping[str, str] | None = None) -> ImportSummary:
    """Import in one transaction; on failure record it in another and raise ImportFailed."""
    try:
        with _progress(show_progress) as progress, factory() as session, session.begin():
            return import_source(session, source, location, complete=complete, clock=clock,
                                 progress=progress, headers=headers)
    except FeedError as exc:
        _record_failure(factory, source, location, str(exc), clock.now())
        raise ImportFailed(str(exc)) from None
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise ImportFailed(f"database error: {reason} (has `carecareers db upgrade` run?)") \
            from None


def _record_failure(factory: sessionmaker[Session], source: str, location: str,
                    error: str, now: datetime) -> None:
    try:
        with factory() as session, session.begin():
            record_failed_import(session, source, location, error, now)
    except SQLAlchemyError:
        logger.warning("could not record the failed import of %s", source, exc_info=True)


def describe(summary: ImportSummary) -> str:
    """Return a few lines a person can read about an import."""
    lines = [
        f"{summary.source} from {summary.location}",
        f"  {summary.entries:,} entries: {summary.created:,} created, "
        f"{summary.updated:,} updated, {summary.unchanged:,} unchanged, "
        f"{summary.skipped:,} skipped, {summary.expired:,} expired, "
        f"{summary.duplicates:,} duplicates dropped, "
        f"{summary.cross_feed_duplicates:,} also in another feed",
    ]
    if summary.skipped_reasons:
        reasons = ", ".join(f"{reason} ({count})"
                            for reason, count in sorted(summary.skipped_reasons.items()))
        lines.append(f"  skipped: {reasons}")
        for entry in summary.skipped_examples:
            ident = f" (id {entry.source_id})" if entry.source_id else ""
            detail = f": {entry.detail}" if entry.detail else ""
            lines.append(f"    entry {entry.index}{ident}: {entry.reason}{detail}")
    return "\n".join(lines)


def _interactive(json_output: bool) -> bool:
    return not json_output and sys.stdout.isatty()


@contextmanager
def _progress(show: bool) -> Iterator[Callable[[int], None] | None]:
    """Yield a progress callback drawing a live counter on a terminal, or None."""
    if not show:
        yield None
        return
    from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("importing: {task.completed:,} entries"),
               TimeElapsedColumn())
    with Progress(*columns, transient=True) as bar:
        task = bar.add_task("import", total=None)
        yield lambda done: bar.update(task, completed=done)
