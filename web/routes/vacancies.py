"""GET /api/vacancies: open vacancies near a place, for the web chat and partners."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from sqlalchemy.orm import Session

from carecareers.geo import UnknownPlace, gazetteer_for
from carecareers.settings import Settings
from carecareers.vacancies.roles import role_index_for
from carecareers.vacancies.search import search_vacancies
from web.deps import AppClock, get_session, get_settings

logger = logging.getLogger(__name__)
router = APIRouter()

MAX_PAGE = 50


@router.get("/api/vacancies")
def list_vacancies(
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
    clock: AppClock,
    q: Annotated[str | None, Query(max_length=200)] = None,
    near: Annotated[str | None, Query(max_length=100)] = None,
    radius_miles: Annotated[float | None, Query(gt=0, le=100)] = None,
    apprenticeship: bool | None = None,
    role: Annotated[str | None, Query(max_length=64)] = None,
    level: Annotated[int | None, Query(ge=2, le=7)] = None,
    closing_within_days: Annotated[int | None, Query(ge=0, le=366)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
) -> dict[str, Any]:
    """Return {"total": N, "vacancies": [...]}: best matches first, nearest first near a place."""
    try:
        result = search_vacancies(
            session,
            q=q or None,
            role=role or None,
            near=near.strip() if near and near.strip() else None,
            radius_miles=radius_miles,
            apprenticeship=apprenticeship,
            level=level,
            closing_within_days=closing_within_days,
            limit=limit,
            offset=offset,
            today=clock.today(),
            gazetteer=gazetteer_for(settings.content_dir),
            roles=role_index_for(settings.content_dir),
        )
    except UnknownPlace as exc:
        raise HTTPException(status_code=400, detail=str(exc)) from None
    return result.as_dict()
