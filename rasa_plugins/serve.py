"""Run `rasa` with its HTTP API token read from the environment, not the command line.

    RASA_AUTH_TOKEN=... .venv-rasa/bin/python -m rasa_plugins.serve run --enable-api ...

A process's command line is readable by every user of the machine (`ps`); its
environment is not. Changing `sys.argv` here does not change what `ps` shows.
"""

from __future__ import annotations

import os
import sys

TOKEN_VARIABLE = "RASA_AUTH_TOKEN"


def main() -> None:
    token = os.environ.pop(TOKEN_VARIABLE, "")
    if not token:
        sys.exit(f"error: set {TOKEN_VARIABLE} to the token Rasa's HTTP API requires")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", token]
    rasa_main()


if __name__ == "__main__":
    main()
