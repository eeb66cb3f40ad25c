"""`carecareers leads ...` and `carecareers retention ...` commands."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import typer
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from carecareers.cli.common import engine_for
from carecareers.clock import clock_for
from carecareers.conversation.pending import retry_pending
from carecareers.conversation.tracker_events import ErasureFailed, erase_conversation_events
from carecareers.db import session_factory
from carecareers.forms.validation import InvalidAnswer, parse_email, parse_phone
from carecareers.leads.erasure import Erasure, erase_person, purge_expired
from carecareers.leads.filters import LeadFilters
from carecareers.models import Provider
from carecareers.outcomes.waiting import tell_overdue
from carecareers.settings import get_settings
from carecareers.topics import Retention

app = typer.Typer(help="Leads: export and erasure.", no_args_is_help=True)
retention_app = typer.Typer(help="The retention period.", no_args_is_help=True)


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


@app.command("erase")
def erase(email: str = typer.Option(None, help="the email address on the lead"),
          phone: str = typer.Option(None, help="the phone number on the lead"),
          sender: str = typer.Option(None, help="the conversation id"),
          yes: bool = typer.Option(False, "--yes", help="do not ask to confirm")) -> None:
    """Erase a person's lead, consents, follow-ups and conversation (a request made offline)."""
    try:
        email = parse_email(email) if email else None
        phone = parse_phone(phone) if phone else None
    except InvalidAnswer as error:
        raise _fail(str(error)) from error
    if not (email or phone or sender):
        raise _fail("give --email, --phone or --sender")
    settings = get_settings()
    factory = session_factory(engine_for(settings))

    def erase_in(session: Session) -> Erasure:
        return erase_person(session, actor="cli", via="cli", sender_id=sender, email=email,
                            phone=phone)

    with factory() as session:  # what would go, rolled back: no lock held while asking
        with session.begin() as preview:
            found = erase_in(session)
            preview.rollback()
    if not found.found_anything:
        typer.echo("no lead matches and nothing else is kept for them; nothing erased")
        return
    if not yes and not typer.confirm(f"erase {_erased_words(found)}?"):
        raise typer.Exit(1)
    with factory() as session, session.begin():
        erasure = erase_in(session)
    erased_events = 0
    for sender_id in erasure.senders:
        try:
            erased_events += erase_conversation_events(settings.tracker_store_url, sender_id)
        except ErasureFailed as error:
            raise _fail(f"the lead was erased, but {error}; run the command again") from error
    typer.echo(f"erased {_erased_words(erasure)} and {erased_events} conversation event(s)")


def _erased_words(erasure: Erasure) -> str:
    """'1 lead(s), event bookings: 1, job alert recipients: 0' (each topic's own counts)."""
    return ", ".join([f"{erasure.leads} lead(s)", *(
        f"{name.replace('_', ' ')}: {count}" for name, count in sorted(erasure.erased.items()))])


@app.command("export")
def export(format: str = typer.Option("csv", "--format", help="csv or json"),
           since: str = typer.Option(None, help="only leads created on or after YYYY-MM-DD"),
           provider: str = typer.Option(None, help="only leads routed to this provider code"),
           out: Path = typer.Option(None, help="write to this file instead of the screen")) -> None:
    """Export leads for follow-up; every export is recorded in the audit log."""
    from carecareers.leads.exports import export_leads, leads_csv, leads_json

    if format not in ("csv", "json"):
        raise _fail("--format must be csv or json")
    try:
        filters = LeadFilters(created_from=date.fromisoformat(since) if since else None,
                              provider=provider)
    except ValueError as error:
        raise _fail("--since must be a date like 2026-09-01") from error
    settings = get_settings()
    factory = session_factory(engine_for(settings))
    try:
        with factory() as session, session.begin():
            if provider and session.scalar(
                    select(Provider).where(Provider.code == provider)) is None:
                raise _fail(f"no provider with code {provider!r}")
            rows = export_leads(session, filters, actor="cli", export_format=format)
    except SQLAlchemyError as error:
        raise _fail(f"the database did not answer: {type(error).__name__}") from error
    stream = out.open("w", encoding="utf-8", newline="") if out else sys.stdout
    try:
        (leads_csv if format == "csv" else leads_json)(rows, stream)
    finally:
        if out:
            stream.close()
    if out:
        typer.echo(f"exported {len(rows)} lead(s) to {out}", err=True)


@retention_app.command("purge")
def purge(days: int = typer.Option(None, help="override LEAD_RETENTION_DAYS"),
          as_json: bool = typer.Option(False, "--json")) -> None:
    """Delete what is past its retention period, and retry failed tracker erasures. Run daily."""
    settings = get_settings()
    retention = Retention.from_settings(settings, **({"lead": days} if days else {}))
    if min(retention.days.values()) < 1:
        raise _fail("the retention period must be at least one day")
    factory = session_factory(engine_for(settings))
    now = clock_for(settings).now()
    try:
        with factory() as session, session.begin():
            report = purge_expired(session, settings.tracker_store_url, retention, now)
        with factory() as session, session.begin():
            pending = retry_pending(session, settings.tracker_store_url, now)
    except (SQLAlchemyError, ErasureFailed) as error:
        raise _fail(f"nothing was purged: {error}") from error
    summary = {"retention_days": retention.days["lead"], "leads": report.leads,
               "unanswered_questions": report.unanswered_questions,
               "conversation_events": report.conversation_events,
               "conversations_unlinked": report.conversations,
               "login_records": report.login_records,
               "tracker_changes_retried": pending.done,
               "tracker_changes_waiting": pending.waiting,
               **report.purged}
    typer.echo(json.dumps(summary) if as_json else
               ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.items()))


@app.command("overdue")
def overdue() -> None:
    """Tell, once, each person no provider contacted within twice LEAD_CONTACT_DAYS working
    days. `make run` runs it with the job alerts; production runs it daily from cron."""
    settings = get_settings()
    if settings.lead_contact_days < 1:
        raise _fail("LEAD_CONTACT_DAYS must be at least 1")
    factory = session_factory(engine_for(settings))
    try:
        with factory() as session, session.begin():
            clock = clock_for(settings)
            told = tell_overdue(session, clock.now(), settings.lead_contact_days, clock.today())
    except SQLAlchemyError as error:
        raise _fail(f"nobody was told: {error}") from error
    typer.echo(f"people told their details are still waiting: {told}")
