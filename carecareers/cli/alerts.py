"""`carecareers alerts ...`: send the job alerts that are due."""

from __future__ import annotations

import json

import typer
from sqlalchemy.exc import SQLAlchemyError

from carecareers.cli.common import engine_for, fail, load_settings
from carecareers.db import session_factory

app = typer.Typer(help="Job alerts by email and in the chat.", no_args_is_help=True)


@app.command("send")
def send() -> None:
    """Match new vacancies to alerts, queue one bundle per person who is due, and send.

    Run it after each `vacancies import`/`refresh`, or every 15 minutes from cron:
    */15 * * * * cd /srv/carecareers && .venv/bin/carecareers alerts send
    """
    from carecareers.alerts import send_alerts
    from carecareers.clock import clock_for
    from carecareers.delivery import senders_for
    from carecareers.delivery.email import SmtpUrlInvalid
    from carecareers.delivery.senders import SENDER_SETTINGS

    settings = load_settings()
    try:
        senders = senders_for(settings)
    except SmtpUrlInvalid as exc:
        raise fail(str(exc), 2) from exc
    engine = engine_for(settings)
    try:
        report = send_alerts(session_factory(engine), settings, senders, clock_for(settings))
    except SQLAlchemyError as exc:
        raise fail(f"sending alerts failed: {str(exc).splitlines()[0]}. "
                   "Run `carecareers db upgrade` if the database is new.") from exc
    finally:
        for sender in senders.values():
            sender.close()
        engine.dispose()
    typer.echo(json.dumps(report.as_dict()))
    for channel in report.delivered.waiting:
        setting = SENDER_SETTINGS.get(channel, f"{channel} sender").upper()
        typer.echo(f"warning: {channel} messages are waiting: set {setting} to send them",
                   err=True)
