"""`carecareers campaigns ...` commands: create campaigns, print their QR codes and posters."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

import typer
from sqlalchemy.orm import Session

from carecareers.campaigns.service import (
    CAMPAIGN_KINDS,
    CampaignError,
    campaign_funnel,
    campaign_url,
    create_campaign,
    get_campaign,
)
from carecareers.cli.common import engine_for
from carecareers.db import DatabaseUnavailable, session_factory
from carecareers.settings import ConfigurationError, Settings, get_settings

app = typer.Typer(help="Campaigns: posters and events that bring people to the chat.",
                  no_args_is_help=True)
QR_FORMATS = (".png", ".svg")
T = TypeVar("T")


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _settings() -> Settings:
    try:
        return get_settings()
    except ConfigurationError as exc:
        raise _fail(str(exc), 2) from exc


def _in_transaction(settings: Settings, work: Callable[[Session], T]) -> T:
    """Run `work` in one transaction; turn business and database errors into `error:` lines."""
    engine = engine_for(settings)
    try:
        with session_factory(engine)() as session, session.begin():
            return work(session)
    except CampaignError as exc:
        raise _fail(str(exc)) from exc
    except DatabaseUnavailable as exc:
        raise _fail(str(exc)) from exc
    except Exception as exc:  # an unreachable or unmigrated database
        raise _fail(f"{str(exc).splitlines()[0]}. Check DATABASE_URL and run "
                    "`carecareers db upgrade`.") from exc
    finally:
        engine.dispose()


def _parse_date(value: str | None, option: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise _fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}") from exc


@app.command("create")
def create(
    code: str = typer.Option(..., help="Short code used in the link: letters, digits, - or _."),
    name: str = typer.Option(..., help="What advisers see, e.g. 'Hanley food bank, May'."),
    kind: str = typer.Option("online", help="One of: " + ", ".join(CAMPAIGN_KINDS)),
    place: str | None = typer.Option(None, help="Where the posters hang or the event is."),
    starts: str | None = typer.Option(None, help="First day, YYYY-MM-DD."),
    ends: str | None = typer.Option(None, help="Last day, YYYY-MM-DD."),
) -> None:
    """Create a campaign and print its link."""
    settings = _settings()
    starts_on, ends_on = _parse_date(starts, "--starts"), _parse_date(ends, "--ends")
    stored = _in_transaction(settings, lambda session: create_campaign(
        session, code, name, kind=kind, place=place, starts_on=starts_on, ends_on=ends_on).code)
    typer.echo(f"created campaign {stored}: {campaign_url(settings.public_base_url, stored)}")


@app.command("list")
def list_() -> None:
    """List the campaigns with their visits, conversations and leads."""
    rows = _in_transaction(_settings(), campaign_funnel)
    typer.echo("code\tkind\tvisits\tconversations\tleads\tcontacted\tname")
    for row in rows:
        typer.echo(f"{row.code}\t{row.kind}\t{row.visits}\t{row.conversations}\t{row.leads}"
                   f"\t{row.contacted}\t{row.name}")


@app.command("qr")
def qr(
    code: str = typer.Argument(..., help="The campaign's code."),
    out: Path = typer.Option(..., "--out", "-o", help="File to write: .png or .svg."),
) -> None:
    """Write the campaign's QR code (pointing at PUBLIC_BASE_URL/c/CODE) as PNG or SVG."""
    from carecareers.campaigns.qr import qr_png, qr_svg

    suffix = out.suffix.lower()
    if suffix not in QR_FORMATS:
        raise _fail(f"--out must end in .png or .svg, not {out.name!r}")
    settings = _settings()
    stored = _in_transaction(settings, lambda session: get_campaign(session, code).code)
    url = campaign_url(settings.public_base_url, stored)
    _write(out, qr_png(url) if suffix == ".png" else qr_svg(url).encode("utf-8"))
    typer.echo(f"wrote {out} -> {url}")


@app.command("poster")
def poster(
    code: str = typer.Argument(..., help="The campaign's code."),
    out: Path = typer.Option(..., "--out", "-o", help="HTML file to write (print it on A4)."),
) -> None:
    """Write a printable A4 poster (HTML with the QR code inline) for the campaign."""
    from carecareers.campaigns.qr import campaign_poster

    settings = _settings()
    page = _in_transaction(settings, lambda session: campaign_poster(
        get_campaign(session, code), settings))
    _write(out, page.encode("utf-8"))
    typer.echo(f"wrote {out}: open it in a browser and print it on A4")


def _write(out: Path, content: bytes) -> None:
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(content)
    except OSError as exc:
        raise _fail(f"cannot write {out}: {exc.strerror or exc}") from exc
