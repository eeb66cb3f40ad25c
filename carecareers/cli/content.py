"""`carecareers content check`: facts without a source or date, out-of-date tables, and
(as warnings) tables about to change."""

from __future__ import annotations

from datetime import date

import typer

from carecareers.careers.audit import check_content
from carecareers.clock import clock_for
from carecareers.settings import get_settings

app = typer.Typer(help="The careers content.", no_args_is_help=True)


@app.command("check")
def check(
    today: str = typer.Option(
        "", "--today", metavar="YYYY-MM-DD", help="Check as on this day (default: today)."
    ),
) -> None:
    """List facts without a source or date, tables past their review date, and tables that
    change within 60 days (warnings: they do not fail the check)."""
    settings = get_settings()
    try:
        day = date.fromisoformat(today) if today else clock_for(settings).today()
    except ValueError:
        raise typer.BadParameter("give a date as YYYY-MM-DD", param_hint="--today") from None
    findings = check_content(settings.content_dir, day)
    for finding in findings:
        typer.echo(str(finding))
    problems = [finding for finding in findings if not finding.warning]
    if problems:
        typer.echo(f"{len(problems)} problem(s) in the careers content on {day}", err=True)
        raise typer.Exit(1)
    typer.echo(f"careers content: every fact dated and sourced, every table in date on {day}")
    if findings:
        typer.echo(f"{len(findings)} warning(s): a table changes soon", err=True)
