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

To load a DIET classifier or a response selector, Rasa 3.6 first trains the empty model on
one example, so that its weights exist with the right shapes, and then reads the trained
weights over them. That one step runs as a traced TensorFlow graph of the whole training
function, gradients and all: about three quarters of the time Rasa takes to load this
project's model. Here the step runs eagerly instead, once, and the model then runs as its
configuration says; the weights read over it, and so every answer, are the same.
"""

from __future__ import annotations

import os
import sys
from typing import Any

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


def build_loaded_models_eagerly() -> None:
    """Make Rasa's model loading take its one shaping step eagerly (not as a traced graph).

    Loading to fine-tune a model is left as Rasa ships it: that model trains on afterwards.
    """
    import tensorflow as tf
    from rasa.utils.tensorflow.constants import LEARNING_RATE, RUN_EAGERLY
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
    from rasa.utils.tensorflow.models import RasaModel

    shipped = RasaModel.load.__func__  # type: ignore[attr-defined]

    def load(cls: type[RasaModel], model_file_name: str, model_data_example: Any,
             predict_data_example: Any = None, finetune_mode: bool = False, *args: Any,
             **kwargs: Any) -> RasaModel:
        if finetune_mode:
            return shipped(cls, model_file_name, model_data_example, predict_data_example,
                           finetune_mode, *args, **kwargs)
        config = kwargs.get("config", {})
        model = cls(*args, **kwargs)
        model.compile(optimizer=tf.keras.optimizers.Adam(config.get(LEARNING_RATE, 0.001)),
                      run_eagerly=True)
        model.fit(RasaBatchDataGenerator(model_data_example, batch_size=1), verbose=False)
        model.run_eagerly = config.get(RUN_EAGERLY)  # predictions: as configured
        model.load_weights(model_file_name)
        if predict_data_example:
            model.run_inference(predict_data_example)  # traces the prediction graph now
        return model

    RasaModel.load = classmethod(load)  # type: ignore[method-assign, assignment]


def main() -> None:
    hide_traceback_locals()
    check_action_answers_with_one_validator()
    build_loaded_models_eagerly()
    token = os.environ.pop(TOKEN_VARIABLE, "")
    if not token:
        sys.exit(f"error: set {TOKEN_VARIABLE} to the token Rasa's HTTP API requires")
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *sys.argv[1:], "--auth-token", token]
    rasa_main()


if __name__ == "__main__":
    main()
