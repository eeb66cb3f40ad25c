"""Run `rasa` with its HTTP API token read from the environment, not the command line.

    RASA_AUTH_TOKEN=... .venv-rasa/bin/python -m rasa_plugins.serve run --enable-api ...

A process's command line is readable by every user of the machine (`ps`); its
environment is not. Changing `sys.argv` here does not change what `ps` shows.

Rasa also logs each exception with the local variables of every frame (structlog's
`dict_tracebacks`): slot values such as a first name or an email end up in its log
(the response interpolator does so for every button payload holding `{...}`). Here its
tracebacks keep the frames and drop the variables.
"""

from __future__ import annotations

import os
import sys

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"


def hide_traceback_locals() -> None:
    """Make Rasa's structlog tracebacks (set up later by Rasa itself) leave out variables."""
    import structlog
    from structlog.tracebacks import ExceptionDictTransformer

    structlog.processors.dict_tracebacks = structlog.processors.ExceptionRenderer(
        ExceptionDictTransformer(show_locals=False))


def main() -> None:
    hide_traceback_locals()
    token = os.environ.pop(TOKEN_VARIABLE, "")
    if not token:
        sys.exit(f"error: set {TOKEN_VARIABLE} to the token Rasa's HTTP API requires")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", token]
    rasa_main()


if __name__ == "__main__":
    main()
