"""Liveness and health checks."""

from __future__ import annotations

import os

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from carecareers.db import DatabaseUnavailable, check_database
from carecareers.runtime.status import optional_parts, supervisor_report

router = APIRouter()


@router.get("/livez")
def livez() -> dict[str, str]:
    """Answer while the process runs, whatever its dependencies do."""
    return {"status": "ok"}


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 only when the database and Rasa answer and no part of `make run` is down.

    Under `make run`, "parts" gives the state of each process the launcher supervises
    (for example "actions": "restarting"), and each channel with a process of its own its
    link to its service (content/channels.yml); those are optional, so neither their
    state nor their link makes the web app unhealthy.
    """
    checks: dict[str, str] = {}
    try:
        check_database(request.app.state.engine)
        checks["database"] = "ok"
    except DatabaseUnavailable:
        checks["database"] = "unavailable"
    checks["rasa"] = "ok" if await request.app.state.rasa.is_up() else "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    report = supervisor_report(request.app.state.settings.run_dir, os.getppid())
    if report is not None:
        optional = optional_parts()
        essential = [s for name, s in report["parts"].items() if name not in optional]
        healthy = healthy and all(state == "running" for state in essential)
    return JSONResponse(status_code=200 if healthy else 503,
                        content={"status": "ok" if healthy else "degraded", **checks,
                                 **(report or {})})
