"""Search open vacancies by words, role, place and distance, apprenticeship and level.

Near a place, a bounding box on latitude/longitude narrows the rows in SQL (indexed),
then the exact distance (haversine) and the ranking are computed in Python on the few
candidate rows; the full rows are loaded only for the page returned.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from carecareers.geo import (
    EARTH_RADIUS_MILES,
    Gazetteer,
    Place,
    UnknownPlace,
    bounding_box,
    default_gazetteer,
)
from carecareers.models import Vacancy
from carecareers.vacancies.roles import RoleIndex, default_role_index, words
from carecareers.vacancies.salary import format_salary
from carecareers.vacancies.sources import Attribution, attribution_of

logger = logging.getLogger(__name__)

DEFAULT_RADIUS_MILES = 10.0
MAX_RADIUS_MILES = 200.0
MAX_LIMIT = 100
_STOPWORDS = {
    "a", "an", "and", "any", "at", "for", "in", "job", "jobs", "me", "my", "near", "of", "or",
    "the", "to", "vacancies", "vacancy", "work", "role", "roles", "position", "positions",
    "around", "looking", "want", "i", "with",
}
_APPRENTICE_TERMS = {"apprentice", "apprentices", "apprenticeship", "apprenticeships"}
_ORIGINAL = aliased(Vacancy, name="original")

__all__ = ["SearchResult", "UnknownPlace", "VacancyHit", "search_vacancies"]


@dataclass
class VacancyHit:
    """One vacancy as search results show it."""

    id: int
    title: str
    employer: str
    place: str
    distance_miles: float | None
    salary: str
    salary_min: float | None
    salary_max: float | None
    salary_period: str | None
    closing_date: date | None
    posted_date: date | None
    apply_url: str
    source: str
    attribution: Attribution | None
    is_apprenticeship: bool
    level: int | None
    role_code: str | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "employer": self.employer,
            "place": self.place,
            "distance_miles": self.distance_miles,
            "salary": self.salary,
            "closing_date": self.closing_date.isoformat() if self.closing_date else None,
            "apply_url": self.apply_url,
            "source": self.source,
            "attribution": self.attribution.as_dict() if self.attribution else None,
            "apprenticeship": self.is_apprenticeship,
            "level": self.level,
            "role": self.role_code,
        }


@dataclass
class SearchResult:
    total: int
    vacancies: list[VacancyHit] = field(default_factory=list)
    place: Place | None = None
    radius_miles: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "vacancies": [v.as_dict() for v in self.vacancies]}


@dataclass(frozen=True)
class _Query:
    roles: frozenset[str]
    terms: tuple[str, ...]
    wants_apprenticeship: bool

    @property
    def empty(self) -> bool:
        return not (self.roles or self.terms)


def parse_query(q: str | None, role: str | None, index: RoleIndex) -> _Query:
    """Split what was typed into role codes (by synonym) and remaining words."""
    text = words(q or "")
    roles: set[str] = set()
    for match in index.matches(text):
        roles.add(match.code)
        text = text[: match.start] + " " * (match.end - match.start) + text[match.end:]
    remaining = [t for t in text.split() if t not in _STOPWORDS and len(t) > 1]
    wants_apprenticeship = any(t in _APPRENTICE_TERMS for t in remaining)
    terms = tuple(t for t in remaining if t not in _APPRENTICE_TERMS)
    if role:
        code = index.resolve(role)
        if code:
            roles.add(code)
        else:
            terms += tuple(t for t in words(role).split() if t not in _STOPWORDS)
    return _Query(frozenset(roles), terms, wants_apprenticeship)


def search_vacancies(
    session: Session,
    *,
    q: str | None = None,
    role: str | None = None,
    near: str | None = None,
    radius_miles: float | None = None,
    apprenticeship: bool | None = None,
    level: int | None = None,
    closing_within_days: int | None = None,
    limit: int = 10,
    offset: int = 0,
    today: date | None = None,
    gazetteer: Gazetteer | None = None,
    roles: RoleIndex | None = None,
) -> SearchResult:
    """Return open vacancies matching the filters, best first; UnknownPlace for `near`."""
    today = today or date.today()
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    query = parse_query(q, role, roles or default_role_index())
    place = (gazetteer or default_gazetteer()).locate(near) if near else None
    radius = min(radius_miles or DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES) if place else None
    if apprenticeship is None and query.wants_apprenticeship:
        apprenticeship = True
    conditions = _conditions(today, apprenticeship, level, closing_within_days)
    if query.terms or query.roles:
        conditions.append(_matches(query))
    if place is None and query.empty:
        return _newest_first(session, conditions, limit, offset)
    if place is not None and radius is not None:
        conditions.append(_within_box(place, radius))
    ranked = _rank(session, conditions, query, place, radius)
    page = ranked[offset:offset + limit]
    hits = _hits(session, [vacancy_id for vacancy_id, _ in page], dict(page))
    return SearchResult(total=len(ranked), vacancies=hits, place=place, radius_miles=radius)


def _conditions(today: date, apprenticeship: bool | None, level: int | None,
                closing_within_days: int | None) -> list[ColumnElement[bool]]:
    original = _ORIGINAL
    hidden_original = (
        select(original.id)
        .where(original.id == Vacancy.duplicate_of_id, original.status == "open",
               or_(original.closes_on.is_(None), original.closes_on >= today))
        .exists()
    )
    conditions: list[ColumnElement[bool]] = [
        Vacancy.status == "open",
        or_(Vacancy.closes_on.is_(None), Vacancy.closes_on >= today),
        or_(Vacancy.duplicate_of_id.is_(None), ~hidden_original),
    ]
    if apprenticeship is not None:
        conditions.append(Vacancy.is_apprenticeship.is_(apprenticeship))
    if level is not None:
        conditions.append(Vacancy.level == level)
    if closing_within_days is not None:
        conditions.append(Vacancy.closes_on <= today + timedelta(days=closing_within_days))
    return conditions


def _matches(query: _Query) -> ColumnElement[bool]:
    options: list[ColumnElement[bool]] = []
    if query.roles:
        options.append(Vacancy.role_code.in_(sorted(query.roles)))
    for term in query.terms:
        pattern = f"%{_escape_like(term)}%"
        options.append(Vacancy.title.ilike(pattern, escape="\\"))
        options.append(Vacancy.employer.ilike(pattern, escape="\\"))
    return or_(*options)


def _escape_like(term: str) -> str:
    return re.sub(r"([\\%_])", r"\\\1", term)


def _within_box(place: Place, radius: float) -> ColumnElement[bool]:
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, radius)
    return and_(Vacancy.latitude.between(min_lat, max_lat),
                Vacancy.longitude.between(min_lon, max_lon))


def _rank(session: Session, conditions: list[ColumnElement[bool]], query: _Query,
          place: Place | None, radius: float | None) -> list[tuple[int, float | None]]:
    """Return (id, distance) of every match, best first: relevance, distance, closing date."""
    columns: list[Any] = [Vacancy.id, Vacancy.latitude, Vacancy.longitude, Vacancy.closes_on]
    if not query.empty:
        columns += [Vacancy.title, Vacancy.employer, Vacancy.role_code, Vacancy.is_apprenticeship]
    # Plain rows through the session's connection: no ORM processing for thousands of rows.
    rows = session.connection().execute(select(*columns).where(*conditions)).all()
    distance_to = _distance_from(place) if place is not None else None
    scored: list[tuple[float, float, date, int, float | None]] = []
    for row in rows:
        distance = None
        if distance_to is not None:
            distance = distance_to(row[1], row[2])
            if radius is not None and distance > radius:
                continue
        relevance = _relevance(query, row) if not query.empty else 0.0
        scored.append((-relevance, distance or 0.0, row[3] or date.max, row[0], distance))
    scored.sort()
    return [(item[3], item[4]) for item in scored]


def _distance_from(place: Place) -> Callable[[float, float], float]:
    """Return the haversine distance in miles from a place, with its trigonometry done once."""
    lat0 = math.radians(place.latitude)
    lon0 = math.radians(place.longitude)
    cos_lat0 = math.cos(lat0)
    diameter = 2 * EARTH_RADIUS_MILES
    sin, cos, asin, sqrt, radians = math.sin, math.cos, math.asin, math.sqrt, math.radians

    def distance(latitude: float, longitude: float) -> float:
        lat = radians(latitude)
        a = sin((lat - lat0) / 2) ** 2 + cos_lat0 * cos(lat) * sin(
            (radians(longitude) - lon0) / 2) ** 2
        return diameter * asin(min(1.0, sqrt(a)))

    return distance


def _relevance(query: _Query, row: Any) -> float:
    score = 0.0
    if row.role_code and row.role_code in query.roles:
        score += 3
    title = row.title.lower()
    employer = row.employer.lower()
    for term in query.terms:
        if term in title:
            score += 2
        elif term in employer:
            score += 1
    if query.wants_apprenticeship and row.is_apprenticeship:
        score += 2
    return score


def _newest_first(session: Session, conditions: list[ColumnElement[bool]], limit: int,
                  offset: int) -> SearchResult:
    total = session.scalar(select(func.count()).select_from(Vacancy).where(*conditions)) or 0
    ids = session.scalars(
        select(Vacancy.id).where(*conditions)
        .order_by(Vacancy.posted_on.desc().nulls_last(), Vacancy.id.desc())
        .limit(limit).offset(offset)
    ).all()
    return SearchResult(total=total, vacancies=_hits(session, list(ids), {}))


def _hits(session: Session, ids: Sequence[int],
          distances: dict[int, float | None]) -> list[VacancyHit]:
    if not ids:
        return []
    rows = {v.id: v for v in session.scalars(select(Vacancy).where(Vacancy.id.in_(ids)))}
    return [_hit(rows[i], distances.get(i)) for i in ids if i in rows]


def _hit(vacancy: Vacancy, distance: float | None) -> VacancyHit:
    return VacancyHit(
        id=vacancy.id,
        title=vacancy.title,
        employer=vacancy.employer,
        place=vacancy.location_text or vacancy.outcode or "",
        distance_miles=round(distance, 1) if distance is not None else None,
        salary=vacancy.salary_text
        or format_salary(vacancy.salary_min, vacancy.salary_max, vacancy.salary_period),
        salary_min=vacancy.salary_min,
        salary_max=vacancy.salary_max,
        salary_period=vacancy.salary_period,
        closing_date=vacancy.closes_on,
        posted_date=vacancy.posted_on,
        apply_url=vacancy.url,
        source=vacancy.source,
        attribution=attribution_of(vacancy.source),
        is_apprenticeship=vacancy.is_apprenticeship,
        level=vacancy.level,
        role_code=vacancy.role_code,
    )
