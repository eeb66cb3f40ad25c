"""`carecareers advisers ...` commands: dashboard accounts."""

from __future__ import annotations

import typer
from sqlalchemy.exc import SQLAlchemyError

from carecareers.advisers.accounts import ROLES, AccountError, add_adviser, reset_password
from carecareers.cli.common import engine_for
from carecareers.db import session_factory
from carecareers.settings import ConfigurationError, get_settings

app = typer.Typer(help="Dashboard accounts (admins, advisers, provider users).",
                  no_args_is_help=True)

PASSWORD_HELP = "At least 12 characters; asked for (hidden) when left out."


def _fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def _factory():  # type: ignore[no-untyped-def]
    try:
        settings = get_settings()
    except ConfigurationError as exc:
        raise _fail(str(exc), 2) from exc
    return session_factory(engine_for(settings))


@app.command("add")
def add(
    email: str = typer.Option(..., "--email", help="Their email address; it is the login."),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True,
                                 confirmation_prompt=True, help=PASSWORD_HELP),
    role: str = typer.Option(..., "--role", help=f"One of: {', '.join(ROLES)}."),
    provider: str | None = typer.Option(None, "--provider",
                                        help="The provider code of a provider user."),
    name: str | None = typer.Option(None, "--name",
                                    help="The name people see on the messages they write "
                                         "(default: the first part of the email address)."),
) -> None:
    """Create a dashboard account."""
    try:
        with _factory()() as session, session.begin():
            adviser = add_adviser(session, email, password, role, provider, name)
            summary = f"added {adviser.email} ({adviser.role})"
    except AccountError as exc:
        raise _fail(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise _fail(f"the database refused: {type(exc).__name__}. "
                    "Run `carecareers db upgrade` first.") from exc
    typer.echo(summary)


@app.command("reset-password")
def reset(
    email: str = typer.Option(..., "--email"),
    password: str = typer.Option(..., "--password", prompt=True, hide_input=True,
                                 confirmation_prompt=True, help=PASSWORD_HELP),
) -> None:
    """Set a new password and lift a lock-out; the account's sessions end."""
    try:
        with _factory()() as session, session.begin():
            adviser = reset_password(session, email, password)
            summary = f"password reset for {adviser.email}"
    except AccountError as exc:
        raise _fail(str(exc)) from exc
    except SQLAlchemyError as exc:
        raise _fail(f"the database refused: {type(exc).__name__}") from exc
    typer.echo(summary)
