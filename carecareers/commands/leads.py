"""`carecareers leads ...` commands."""

import typer

app = typer.Typer(help="Leads.", no_args_is_help=True)
