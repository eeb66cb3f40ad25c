"""`carecareers leads ...` and `carecareers retention ...` commands."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

import typer
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from carecareers.advisers import audit
from carecareers.db import make_engine, session_factory
from carecareers.leads.erasure import (
    ErasureFailed,
    erase_conversation_events,
    erase_lead,
    find_leads,
    forget_conversation,
    purge_expired,
)
from carecareers.leads.validation import InvalidAnswer, parse_email, parse_phone
from carecareers.models import Lead, LeadRoute, Provider
from carecareers.settings import get_settings

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
    factory = session_factory(make_engine(settings.database_url))
    with factory() as session, session.begin():
        leads = find_leads(session, sender_id=sender, email=email, phone=phone)
        if not leads:
            typer.echo("no lead matches; nothing erased")
            return
        if not yes and not typer.confirm(f"erase {len(leads)} lead(s)?"):
            raise typer.Exit(1)
        senders = {lead.sender_id for lead in leads} | ({sender} if sender else set())
        for lead in leads:
            erase_lead(session, lead, "cli", via="cli")
        for sender_id in senders:
            forget_conversation(session, sender_id)
    erased_events = 0
    for sender_id in senders:
        try:
            erased_events += erase_conversation_events(settings.tracker_store_url, sender_id)
        except ErasureFailed as error:
            raise _fail(f"the lead was erased, but {error}; run the command again") from error
    typer.echo(f"erased {len(leads)} lead(s) and {erased_events} conversation event(s)")


@app.command("export")
def export(format: str = typer.Option("csv", "--format", help="csv or json"),
           since: str = typer.Option(None, help="only leads created on or after YYYY-MM-DD"),
           provider: str = typer.Option(None, help="only leads routed to this provider code"),
           out: Path = typer.Option(None, help="write to this file instead of the screen")) -> None:
    """Export leads for follow-up; every export is recorded in the audit log."""
    from carecareers.leads.exports import lead_export_rows, leads_csv, leads_json

    if format not in ("csv", "json"):
        raise _fail("--format must be csv or json")
    try:
        start = (datetime.combine(date.fromisoformat(since), time.min, timezone.utc)
                 if since else None)
    except ValueError as error:
        raise _fail("--since must be a date like 2026-09-01") from error
    settings = get_settings()
    factory = session_factory(make_engine(settings.database_url))
    try:
        with factory() as session, session.begin():
            query = select(Lead).order_by(Lead.created_at)
            if start is not None:
                query = query.where(Lead.created_at >= start)
            if provider:
                found = session.scalar(select(Provider).where(Provider.code == provider))
                if found is None:
                    raise _fail(f"no provider with code {provider!r}")
                query = query.join(LeadRoute).where(LeadRoute.provider_id == found.id)
            rows = lead_export_rows(session, list(session.scalars(query)))
            audit.record(session, "cli", "leads.exported", None, format=format, since=since,
                         provider=provider, rows=len(rows))
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
    """Delete leads inactive for the retention period, and old conversation events. Run daily."""
    settings = get_settings()
    retention = days or settings.lead_retention_days
    if retention < 1:
        raise _fail("the retention period must be at least one day")
    factory = session_factory(make_engine(settings.database_url))
    try:
        with factory() as session, session.begin():
            report = purge_expired(session, settings.tracker_store_url, retention)
    except (SQLAlchemyError, ErasureFailed) as error:
        raise _fail(f"nothing was purged: {error}") from error
    summary = {"retention_days": retention, "leads": report.leads,
               "unanswered_questions": report.unanswered_questions,
               "conversation_events": report.conversation_events}
    typer.echo(json.dumps(summary) if as_json else
               ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in summary.items()))
