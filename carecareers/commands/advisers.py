"""`carecareers advisers ...` commands."""

import typer

app = typer.Typer(help="Advisers.", no_args_is_help=True)
