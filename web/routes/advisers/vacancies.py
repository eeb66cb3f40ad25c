"""Vacancies: the state of each feed, and a search that finds what the bot would show."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from carecareers.catalogue import text
from carecareers.dashboard.feeds import feed_statuses
from carecareers.geo import UnknownPlace, gazetteer_for
from carecareers.vacancies.roles import role_index_for
from carecareers.vacancies.search import SearchResult, search_vacancies
from web.auth import CurrentViewer, DbSession
from web.deps import get_clock
from web.routes.advisers.common import dashboard_router, render

router = dashboard_router()
PER_PAGE = 20
LEVELS = (2, 3, 4, 5, 6, 7)


def read_search(params: Mapping[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """Search arguments from the query string, and a message per field that is wrong."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    q, near = params.get("q", "").strip(), params.get("near", "").strip()
    if len(q) > 200:
        errors["q"] = text("dashboard.vacancies.errors.words")
    if len(near) > 100:
        errors["near"] = text("dashboard.vacancies.errors.near")
    values.update(q=q or None, near=near or None)
    values["radius_miles"] = _number(params.get("radius", ""), 1, 100, "radius", errors,
                                     text("dashboard.vacancies.errors.radius"))
    level = params.get("level", "")
    values["level"] = int(level) if level in {str(n) for n in LEVELS} else None
    if level and values["level"] is None:
        errors["level"] = text("dashboard.vacancies.errors.level")
    values["apprenticeship"] = {"yes": True, "no": False}.get(params.get("apprenticeship", ""))
    return values, errors


def _number(raw: str, low: float, high: float, name: str, errors: dict[str, str],
            message: str) -> float | None:
    if not raw.strip():
        return None
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not low <= value <= high:
        errors[name] = message
        return None
    return value


def _search(request: Request, session: DbSession, values: dict[str, Any],
            errors: dict[str, str]) -> SearchResult | None:
    if errors or not any(values.get(k) is not None for k in ("q", "near", "level",
                                                              "apprenticeship")):
        return None
    settings = request.app.state.settings
    try:
        return search_vacancies(session, **values, limit=PER_PAGE,
                                today=get_clock(request).today(),
                                gazetteer=gazetteer_for(settings.content_dir),
                                roles=role_index_for(settings.content_dir))
    except UnknownPlace as exc:
        errors["near"] = str(exc) + "."
        return None


@router.get("/vacancies", response_class=HTMLResponse)
def vacancies_page(request: Request, session: DbSession, viewer: CurrentViewer) -> Response:
    values, errors = read_search(request.query_params)
    result = _search(request, session, values, errors)
    return render(request, "vacancies.html", viewer, status_code=400 if errors else 200,
                  feeds=feed_statuses(session), result=result, errors=errors,
                  params=request.query_params,
                  level_options=[(str(n), text("dashboard.vacancies.level_option", level=n))
                                 for n in LEVELS])
