"""Liveness and health checks."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from carecareers.db import DatabaseUnavailable, check_database

router = APIRouter()


@router.get("/livez")
def livez() -> dict[str, str]:
    """Answer while the process runs, whatever its dependencies do."""
    return {"status": "ok"}


@router.get("/healthz")
async def healthz(request: Request) -> JSONResponse:
    """200 only when both the database and Rasa answer; otherwise say which failed."""
    checks: dict[str, str] = {}
    try:
        check_database(request.app.state.engine)
        checks["database"] = "ok"
    except DatabaseUnavailable:
        checks["database"] = "unavailable"
    checks["rasa"] = "ok" if await request.app.state.rasa.is_up() else "unavailable"
    healthy = all(value == "ok" for value in checks.values())
    return JSONResponse(status_code=200 if healthy else 503,
                        content={"status": "ok" if healthy else "degraded", **checks})
