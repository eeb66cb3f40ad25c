"""Run `rasa` with its HTTP API token read from the environment, not the command line.

    RASA_AUTH_TOKEN=... .venv-rasa/bin/python -m rasa_plugins.serve run --enable-api ...

A process's command line is readable by every user of the machine (`ps`); its
environment is not. Changing `sys.argv` here does not change what `ps` shows.

Rasa also logs each exception with the local variables of every frame (structlog's
`dict_tracebacks`): slot values such as a first name or an email end up in its log
(the response interpolator does so for every button payload holding `{...}`). Here its
tracebacks keep the frames and drop the variables.

Rasa checks every answer of the action server against its response schema with
`jsonschema.validate`, which first checks the schema itself against the JSON Schema
meta-schema: most of the server's time on a turn with a custom action went there. Here the
schema's validator is made once and the answers are checked with it, with the same result
and the same error.
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


def check_action_answers_with_one_validator() -> None:
    """Make Rasa's RemoteAction check each answer with a validator built once for its schema
    (the schema is Rasa's own constant), as `jsonschema.validate` does minus re-checking the
    schema, and with the message Rasa adds to the error."""
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    kind = validator_for(schema)
    kind.check_schema(schema)
    validator = kind(schema)

    def validate_action_result(self: RemoteAction, result: dict) -> bool:
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        error.message += (
            ". Failed to validate Action server response from API, make sure your response "
            f"from the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions")
        raise error

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def main() -> None:
    hide_traceback_locals()
    check_action_answers_with_one_validator()
    token = os.environ.pop(TOKEN_VARIABLE, "")
    if not token:
        sys.exit(f"error: set {TOKEN_VARIABLE} to the token Rasa's HTTP API requires")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", token]
    rasa_main()


if __name__ == "__main__":
    main()
