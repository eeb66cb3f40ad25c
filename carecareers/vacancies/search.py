"""Search open vacancies by words, role, place and distance, apprenticeship and level.

What was typed becomes role codes (by synonym, from the careers content) and words;
`ranking.rank` finds and orders the matches in SQL through the search indexes, and the
full rows are loaded only for the page returned. Totals are exact up to
`ranking.TOTAL_CAP`; beyond it `SearchResult.total_exact` is False ("more than N").
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.elements import ColumnElement

from carecareers.geo import Gazetteer, Place, UnknownPlace, default_gazetteer
from carecareers.models import Vacancy
from carecareers.vacancies.ranking import Criteria, newest_first, rank
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
    """How many vacancies match; with `total_exact` False, more than this many."""
    vacancies: list[VacancyHit] = field(default_factory=list)
    place: Place | None = None
    radius_miles: float | None = None
    total_exact: bool = True

    @property
    def total_text(self) -> str:
        """The total as people read it: "42", or "more than 200"."""
        return f"{self.total:,}" if self.total_exact else f"more than {self.total:,}"

    def as_dict(self) -> dict[str, Any]:
        return {"total": self.total, "total_exact": self.total_exact,
                "vacancies": [v.as_dict() for v in self.vacancies]}


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
    today: date,
    gazetteer: Gazetteer | None = None,
    roles: RoleIndex | None = None,
) -> SearchResult:
    """Return vacancies open on `today` (the UK date) matching the filters, best first.

    A vacancy closing on `today` is still open. UnknownPlace for `near`.
    """
    limit = max(0, min(limit, MAX_LIMIT))
    offset = max(0, offset)
    query = parse_query(q, role, roles or default_role_index())
    place = (gazetteer or default_gazetteer()).locate(near) if near else None
    radius = min(radius_miles or DEFAULT_RADIUS_MILES, MAX_RADIUS_MILES) if place else None
    if apprenticeship is None and query.wants_apprenticeship:
        apprenticeship = True
    filters = _conditions(today, apprenticeship, level, closing_within_days)
    if place is None and query.empty:
        ids, total, exact = newest_first(session, filters, limit, offset)
        return SearchResult(total=total, vacancies=_hits(session, ids, {}), total_exact=exact)
    criteria = Criteria(roles=tuple(sorted(query.roles)), terms=query.terms, place=place,
                        radius=radius, filters=tuple(filters), today=today)
    ranking = rank(session, criteria, offset + limit)
    page = ranking.rows[offset:offset + limit]
    hits = _hits(session, [row.id for row in page], {row.id: row.distance for row in page})
    return SearchResult(total=ranking.total, vacancies=hits, place=place, radius_miles=radius,
                        total_exact=ranking.exact)


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
        # Not open to an index on purpose: the search indexes choose the rows to read.
        func.coalesce(Vacancy.closes_on, date.max) >= today,
        or_(Vacancy.duplicate_of_id.is_(None), ~hidden_original),
    ]
    if apprenticeship is not None:
        conditions.append(Vacancy.is_apprenticeship.is_(apprenticeship))
    if level is not None:
        conditions.append(Vacancy.level == level)
    if closing_within_days is not None:
        conditions.append(Vacancy.closes_on <= today + timedelta(days=closing_within_days))
    return conditions


def _hits(session: Session, ids: Sequence[int],
          distances: dict[int, float | None]) -> list[VacancyHit]:
    if not ids:
        return []
    rows = {v.id: v for v in session.scalars(select(Vacancy).where(Vacancy.id.in_(ids)))}
    return [_hit(rows[i], distances.get(i)) for i in ids if i in rows]


def hit_for(vacancy: Vacancy) -> VacancyHit:
    """A vacancy as search results show it, with no distance."""
    return _hit(vacancy, None)


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
