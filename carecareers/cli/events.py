"""`carecareers events ...`: remind the people booked, the day before."""

from __future__ import annotations

import json
from datetime import datetime

import typer
from sqlalchemy.exc import SQLAlchemyError

from carecareers.cli.common import engine_for, fail, load_settings
from carecareers.clock import as_utc
from carecareers.db import session_factory

app = typer.Typer(help="Open days and events.", no_args_is_help=True)


def _moment(text: str | None) -> datetime | None:
    if not text:
        return None
    return as_utc(datetime.fromisoformat(text))


@app.command("remind")
def remind(now: str = typer.Option(None, help="development and tests only: the time to run "
                                                 "as (ISO 8601, UTC unless it says)")) -> None:
    """Send the day-before reminders and any change or cancellation notices waiting.

    Run it every 15 minutes from cron (`make run` runs it on the alerts' schedule):
    */15 * * * * cd /srv/carecareers && .venv/bin/carecareers events remind
    """
    from carecareers.clock import FixedClock, clock_for
    from carecareers.delivery import senders_for
    from carecareers.delivery.email import SmtpUrlInvalid
    from carecareers.events.sending import send_reminders

    settings = load_settings()
    try:
        moment = _moment(now)
    except ValueError as exc:
        raise fail("--now must be a time like 2026-12-11T09:00:00") from exc
    try:
        senders = senders_for(settings)
    except SmtpUrlInvalid as exc:
        raise fail(str(exc), 2) from exc
    engine = engine_for(settings)
    try:
        clock = FixedClock(moment, settings.fixed_today) if moment else clock_for(settings)
        report = send_reminders(session_factory(engine), settings.public_base_url, senders,
                                clock)
    except SQLAlchemyError as exc:
        raise fail(f"sending reminders failed: {str(exc).splitlines()[0]}. "
                   "Run `carecareers db upgrade` if the database is new.") from exc
    finally:
        for sender in senders.values():
            sender.close()
        engine.dispose()
    typer.echo(json.dumps(report.as_dict()))
