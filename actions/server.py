"""The action server: rasa-sdk's app on 127.0.0.1, running actions only for Rasa (by token).

Rasa sends the token as the `token` query parameter (endpoints.yml: `action_endpoint.token`);
a header `Authorization: Bearer <token>` is accepted too. Only `/health` is open.

    .venv/bin/python -m actions.server [--port 5055] [--host 127.0.0.1]
"""

from __future__ import annotations

import argparse
import hmac
import logging
import sys
import traceback
from collections.abc import Awaitable, Callable

from rasa_sdk.endpoint import create_app
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from carecareers.settings import (
    ConfigurationError,
    Settings,
    get_settings,
    refuse_exposed_development,
)

logger = logging.getLogger(__name__)

OPEN_PATHS = frozenset({"/health"})
# After SIGTERM, requests still running get this long before the server stops anyway.
GRACEFUL_SHUTDOWN_SECONDS = 3.0
REFUSED = {"error": "This action server runs actions only for its Rasa server."}
FAILED = {"error": "The action failed; the action server's log says where."}
Middleware = Callable[[Request], Awaitable[HTTPResponse | None]]


def action_server_token(settings: Settings) -> str:
    """The token Rasa must present (carecareers.processes.rasa_environment gives Rasa the same)."""
    return settings.actions_token


def presented_token(request: Request) -> str:
    authorization = request.headers.get("authorization", "")
    if authorization.lower().startswith("bearer "):
        return authorization[len("bearer "):].strip()
    return str(request.args.get("token", ""))


def refuse_without_token(token: str) -> Middleware:
    """Return request middleware that answers 401 unless the request carries `token`."""
    expected = token.encode()

    async def check_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS:
            return None
        if hmac.compare_digest(presented_token(request).encode(), expected):
            return None
        logger.warning("refused a %s %s without the right token", request.method, request.path)
        return response.json(REFUSED, status=401)

    return check_token


async def answer_failure_without_data(request: Request, exception: Exception) -> HTTPResponse:
    """Answer an action's crash with no tracker and no exception text (rasa-sdk echoes both).

    Rasa logs the body of a failed call, and an exception's text can hold what someone
    typed; the log gets the action's name, the exception's type and where it was raised.
    """
    try:
        call = request.json
    except Exception:  # noqa: BLE001 - a body that is not JSON names no action
        call = None
    action = call.get("next_action") if isinstance(call, dict) else None
    logger.error("action %s failed with %s:\n%s", action if isinstance(action, str) else "?",
                 type(exception).__name__,
                 "".join(traceback.format_tb(exception.__traceback__)).rstrip())
    return response.json(FAILED, status=500)


def build_app(token: str, actions_package: str = "actions") -> Sanic:
    """Return rasa-sdk's app with our actions, refusing requests without `token`."""
    if not token:
        raise ConfigurationError(
            "the action server needs a token: set ACTION_SERVER_TOKEN or RASA_TOKEN")
    app = create_app(actions_package, cors_origins="")  # only Rasa calls it; no browser may
    app.config.GRACEFUL_SHUTDOWN_TIMEOUT = GRACEFUL_SHUTDOWN_SECONDS  # sanic's default is 15
    app.register_middleware(refuse_without_token(token), "request")
    app.error_handler.add(Exception, answer_failure_without_data)  # replaces rasa-sdk's
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    return app


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Run the Care Careers action server.")
    parser.add_argument("--host", default="127.0.0.1",
                        help="interface to listen on (default 127.0.0.1; Rasa runs beside it)")
    parser.add_argument("--port", type=int, default=5055)
    parser.add_argument("--actions", default="actions", help="package holding the actions")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = get_settings()
        refuse_exposed_development(settings, args.host, "action server")
        app = build_app(action_server_token(settings), args.actions)
    except ConfigurationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    logger.info("action server listening on %s:%d", args.host, args.port)
    app.run(host=args.host, port=args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
