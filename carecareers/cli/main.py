"""The `carecareers` command line."""

from __future__ import annotations

import json
import logging
import sys

import typer

from carecareers.cli.advisers import app as advisers_app
from carecareers.cli.alerts import app as alerts_app
from carecareers.cli.campaigns import app as campaigns_app
from carecareers.cli.common import engine_for, fail, load_settings
from carecareers.cli.content import app as content_app
from carecareers.cli.events import app as events_app
from carecareers.cli.leads import app as leads_app
from carecareers.cli.leads import retention_app
from carecareers.cli.picture import app as picture_app
from carecareers.cli.vacancies import app as vacancies_app
from carecareers.db import DatabaseUnavailable, session_factory

app = typer.Typer(help="Care Careers Assistant administration.", no_args_is_help=True)
db_app = typer.Typer(help="The application database.", no_args_is_help=True)
demo_app = typer.Typer(help="Demo content for a fresh install.", no_args_is_help=True)
model_app = typer.Typer(help="The Rasa model.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(demo_app, name="demo")
app.add_typer(model_app, name="model")
app.add_typer(vacancies_app, name="vacancies")
app.add_typer(campaigns_app, name="campaigns")
app.add_typer(advisers_app, name="advisers")
app.add_typer(leads_app, name="leads")
app.add_typer(retention_app, name="retention")
app.add_typer(alerts_app, name="alerts")
app.add_typer(events_app, name="events")
app.add_typer(content_app, name="content")
app.add_typer(picture_app, name="picture")


@app.callback()
def main(verbose: bool = typer.Option(False, "--verbose", "-v")) -> None:
    logging.basicConfig(level=logging.DEBUG if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to DATABASE_URL."""
    from carecareers.migrate import upgrade

    settings = load_settings()
    try:
        upgrade(settings.database_url)
    except DatabaseUnavailable as exc:
        raise fail(f"{exc}. Check DATABASE_URL and that the database server runs.") from exc
    typer.echo("database is up to date")


@demo_app.command("seed")
def demo_seed() -> None:
    """Load demo providers, a demo campaign and sample vacancies."""
    from carecareers.clock import clock_for
    from carecareers.leads.providers import ProviderContentError
    from carecareers.runtime.demo import seed_demo

    settings = load_settings()
    factory = session_factory(engine_for(settings))
    try:
        with factory() as session, session.begin():
            report = seed_demo(session, settings, clock_for(settings))
    except (ProviderContentError, DatabaseUnavailable) as exc:
        raise fail(str(exc)) from exc
    except Exception as exc:  # a feed error or an unmigrated database
        raise fail(f"demo seed failed: {str(exc).splitlines()[0]}. "
                   "Run `carecareers db upgrade` first.") from exc
    typer.echo(json.dumps({"providers": report.providers,
                           "campaign_created": report.campaign_created,
                           "vacancies": report.vacancies, "history": report.history}))


@model_app.command("ensure")
def model_ensure() -> None:
    """Train the model unless the current one was trained from the same files."""
    from carecareers.runtime.model import TrainingError, model_is_current, train

    if model_is_current():
        typer.echo("model is up to date (training data and config unchanged)")
        return
    typer.echo("training the Rasa model (a few minutes) ...")
    try:
        seconds = train()
    except TrainingError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"model trained in {seconds:.0f} s")


@app.command("run")
def run() -> None:
    """Start Rasa, the action server, the web app and the channels' own front ends (a bot,
    with its token; content/channels.yml)."""
    from carecareers.runtime.launcher import main as launch

    sys.exit(launch())
