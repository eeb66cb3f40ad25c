"""What every `carecareers` command shares: failing with a message, and reading the settings."""

from __future__ import annotations

import typer

from carecareers.settings import ConfigurationError, Settings, get_settings


def fail(message: str, code: int = 1) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


def load_settings() -> Settings:
    try:
        return get_settings()
    except ConfigurationError as exc:
        raise fail(str(exc), 2) from exc
