"""Find the vacancies new since each alert last looked that match it.

New vacancies are read once (plain rows, by `first_seen_at`), indexed in memory by role
and latitude, and each alert looks only at the band of latitudes its radius covers.
The vacancy model is queried directly and simply; the search module is left to the
conversation. Vacancies marked as duplicates of another are never sent.
"""

from __future__ import annotations

import heapq
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from carecareers.geo import EARTH_RADIUS_MILES, bounding_box
from carecareers.models import AlertMatch, AlertRecipient, JobAlert, Vacancy

OVERLAP = timedelta(hours=1)
"""Look back this far before each alert's watermark, for imports committed late."""
MAX_MATCHES_PER_RUN = 10
"""The closest this many new vacancies per alert and run are kept (a bundle shows 10)."""


def aware(moment: datetime) -> datetime:
    """SQLite gives back naive UTC datetimes; make every stored time comparable."""
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class Watch:
    """An active alert of a recipient who can be sent to."""

    alert_id: int
    recipient_id: int
    role_code: str | None
    keywords: tuple[str, ...]
    latitude: float | None
    longitude: float | None
    radius_miles: float | None
    apprenticeships_only: bool
    since: datetime


@dataclass(frozen=True)
class NewVacancy:
    id: int
    text: str  # title and employer, lower case
    role_code: str | None
    latitude: float | None
    longitude: float | None
    is_apprenticeship: bool
    first_seen_at: datetime


@dataclass(frozen=True)
class Match:
    recipient_id: int
    alert_id: int
    vacancy_id: int


def active_watches(session: Session) -> list[Watch]:
    rows = session.execute(
        select(JobAlert.id, JobAlert.recipient_id, JobAlert.role_code, JobAlert.keywords,
               JobAlert.latitude, JobAlert.longitude, JobAlert.radius_miles,
               JobAlert.apprenticeships_only, JobAlert.matched_until)
        .join(AlertRecipient, AlertRecipient.id == JobAlert.recipient_id)
        .where(JobAlert.status == "active", AlertRecipient.status == "active",
               AlertRecipient.address.is_not(None))
        .order_by(JobAlert.id))
    return [Watch(r[0], r[1], r[2], tuple(r[3].lower().split()), r[4], r[5], r[6], bool(r[7]),
                  aware(r[8])) for r in rows]


def new_vacancies(session: Session, since: datetime, today: date) -> list[NewVacancy]:
    rows = session.connection().execute(
        select(Vacancy.id, Vacancy.title, Vacancy.employer, Vacancy.role_code, Vacancy.latitude,
               Vacancy.longitude, Vacancy.is_apprenticeship, Vacancy.first_seen_at)
        .where(Vacancy.first_seen_at > since, Vacancy.status == "open",
               or_(Vacancy.closes_on.is_(None), Vacancy.closes_on >= today),
               Vacancy.duplicate_of_id.is_(None)))
    return [NewVacancy(r[0], f"{r[1]} {r[2]}".lower(), r[3], r[4], r[5], bool(r[6]), aware(r[7]))
            for r in rows]


class VacancyIndex:
    """New vacancies by role code and by latitude, for quick candidates near a place."""

    def __init__(self, vacancies: Iterable[NewVacancy]) -> None:
        everything = sorted(vacancies, key=lambda v: (v.latitude is None, v.latitude or 0.0))
        self._all = _Band(everything)
        by_role: dict[str | None, list[NewVacancy]] = defaultdict(list)
        for vacancy in everything:
            by_role[vacancy.role_code].append(vacancy)
        self._by_role = {code: _Band(items) for code, items in by_role.items()}

    def candidates_all(self) -> list[NewVacancy]:
        return self._all.items

    def candidates(self, watch: Watch) -> list[NewVacancy]:
        """The vacancies of the alert's role (unless it watches words too) in its bounding box."""
        band = self._all
        if watch.role_code and not watch.keywords:
            band = self._by_role.get(watch.role_code) or _Band([])
        if watch.latitude is None or watch.longitude is None:
            return band.items
        min_lat, max_lat, min_lon, max_lon = bounding_box(
            watch.latitude, watch.longitude, watch.radius_miles or 10.0)
        return [v for v in band.between(min_lat, max_lat)
                if min_lon <= (v.longitude if v.longitude is not None else math.inf) <= max_lon]


class _Band:
    def __init__(self, items: list[NewVacancy]) -> None:
        self.items = items
        self._lats = [v.latitude for v in items if v.latitude is not None]

    def between(self, low: float, high: float) -> list[NewVacancy]:
        return self.items[bisect_left(self._lats, low):bisect_right(self._lats, high)]


def matches(watch: Watch, vacancy: NewVacancy) -> bool:
    return match_distance(watch, vacancy) is not None


def match_distance(watch: Watch, vacancy: NewVacancy) -> float | None:
    """How far a matching vacancy is (0 for an alert with no place); None if it doesn't match."""
    if vacancy.first_seen_at <= watch.since - OVERLAP:
        return None
    if watch.apprenticeships_only and not vacancy.is_apprenticeship:
        return None
    if watch.role_code or watch.keywords:
        wanted = (watch.role_code is not None and vacancy.role_code == watch.role_code) or any(
            word in vacancy.text for word in watch.keywords)
        if not wanted:
            return None
    if watch.latitude is None or watch.longitude is None:
        return 0.0
    if vacancy.latitude is None or vacancy.longitude is None:
        return None
    distance = _haversine(watch.latitude, watch.longitude, vacancy.latitude, vacancy.longitude)
    return distance if distance <= (watch.radius_miles or 10.0) else None


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Miles between two points (geo.haversine_miles, inlined: it runs a million times)."""
    phi1, phi2 = lat1 * _RADIANS, lat2 * _RADIANS
    a = _sin((phi2 - phi1) / 2) ** 2 + _cos(phi1) * _cos(phi2) * _sin(
        (lon2 - lon1) * _RADIANS / 2) ** 2
    return _DIAMETER * _asin(min(1.0, a ** 0.5))


_RADIANS = math.pi / 180
_DIAMETER = 2 * EARTH_RADIUS_MILES
_sin, _cos, _asin = math.sin, math.cos, math.asin


def already_matched(session: Session, vacancy_ids: list[int]) -> set[tuple[int, int]]:
    """(recipient, vacancy) pairs already found, among these vacancies."""
    pairs: set[tuple[int, int]] = set()
    for start in range(0, len(vacancy_ids), 1000):
        chunk = vacancy_ids[start:start + 1000]
        pairs.update((r[0], r[1]) for r in session.execute(
            select(AlertMatch.recipient_id, AlertMatch.vacancy_id)
            .where(AlertMatch.vacancy_id.in_(chunk))))
    return pairs


def find_matches(session: Session, watches: list[Watch], today: date) -> list[Match]:
    """Every (recipient, vacancy) pair new since the alert's watermark, never found before."""
    if not watches:
        return []
    since = min(w.since for w in watches) - OVERLAP
    index = VacancyIndex(new_vacancies(session, since, today))
    seen = already_matched(session, [v.id for v in index.candidates_all()])
    found: list[Match] = []
    for watch in watches:
        near = [(distance, vacancy.id) for vacancy in index.candidates(watch)
                if (watch.recipient_id, vacancy.id) not in seen
                and (distance := match_distance(watch, vacancy)) is not None]
        for _, vacancy_id in heapq.nsmallest(MAX_MATCHES_PER_RUN, near):
            seen.add((watch.recipient_id, vacancy_id))
            found.append(Match(watch.recipient_id, watch.alert_id, vacancy_id))
    return found
