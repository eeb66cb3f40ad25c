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

from carecareers.alerts.recipients import delivered_to
from carecareers.clock import as_utc
from carecareers.geo import MILES_PER_DEGREE_LATITUDE, bounding_box
from carecareers.models import AlertMatch, AlertRecipient, JobAlert, Vacancy

OVERLAP = timedelta(hours=1)
"""Look back this far before each alert's watermark, for imports committed late."""
MAX_MATCHES_PER_RUN = 10
"""The closest this many new vacancies per alert and run are kept (a bundle shows 10)."""


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
    created: datetime

    @property
    def cutoff(self) -> float:
        """Vacancies first seen after this (epoch seconds) are new to the alert: since its
        watermark, less the overlap for late imports, and never before it was set up."""
        return max(self.since - OVERLAP, self.created).timestamp()


@dataclass(frozen=True)
class NewVacancy:
    id: int
    text: str  # title and employer, lower case
    role_code: str | None
    latitude: float | None
    longitude: float | None
    is_apprenticeship: bool
    first_seen: float  # epoch seconds


@dataclass(frozen=True)
class Match:
    recipient_id: int
    alert_id: int
    vacancy_id: int


def active_watches(session: Session) -> list[Watch]:
    rows = session.execute(
        select(JobAlert.id, JobAlert.recipient_id, JobAlert.role_code, JobAlert.keywords,
               JobAlert.latitude, JobAlert.longitude, JobAlert.radius_miles,
               JobAlert.apprenticeships_only, JobAlert.matched_until, JobAlert.created_at)
        .join(AlertRecipient, AlertRecipient.id == JobAlert.recipient_id)
        .where(JobAlert.status == "active", AlertRecipient.status == "active",
               delivered_to().is_not(None))
        .order_by(JobAlert.id))
    return [Watch(r[0], r[1], r[2], tuple(r[3].lower().split()), r[4], r[5], r[6], bool(r[7]),
                  as_utc(r[8]), as_utc(r[9])) for r in rows]


def new_vacancies(session: Session, since: datetime, today: date) -> list[NewVacancy]:
    rows = session.connection().execute(
        select(Vacancy.id, Vacancy.title, Vacancy.employer, Vacancy.role_code, Vacancy.latitude,
               Vacancy.longitude, Vacancy.is_apprenticeship, Vacancy.first_seen_at)
        .where(Vacancy.first_seen_at > since, Vacancy.status == "open",
               or_(Vacancy.closes_on.is_(None), Vacancy.closes_on >= today),
               Vacancy.duplicate_of_id.is_(None)))
    return [NewVacancy(r[0], f"{r[1]} {r[2]}".lower(), r[3], r[4], r[5], bool(r[6]),
                       as_utc(r[7]).timestamp()) for r in rows]


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
    return bool(nearest(watch, [vacancy], set()))


def nearest(watch: Watch, candidates: list[NewVacancy],
            seen: set[tuple[int, int]]) -> list[tuple[float, int]]:
    """(squared distance, vacancy id) of the candidates the alert matches and hasn't had.

    One tight loop, as it runs for every alert over its candidates. Distance is measured
    on a flat map scaled at the alert's latitude: within 0.5% of the great-circle
    distance for the radii alerts use (up to 50 miles).
    """
    cutoff = watch.cutoff
    role, words, recipient = watch.role_code, watch.keywords, watch.recipient_id
    by_text, apprentices_only = bool(role or words), watch.apprenticeships_only
    located = watch.latitude is not None and watch.longitude is not None
    lat0, lon0 = watch.latitude or 0.0, watch.longitude or 0.0
    ky = MILES_PER_DEGREE_LATITUDE
    kx = ky * math.cos(math.radians(lat0))
    limit = (watch.radius_miles or 10.0) ** 2
    found: list[tuple[float, int]] = []
    for v in candidates:
        if v.first_seen <= cutoff or (apprentices_only and not v.is_apprenticeship):
            continue
        if by_text and not ((role is not None and v.role_code == role)
                            or any(word in v.text for word in words)):
            continue
        if (recipient, v.id) in seen:
            continue
        if not located:
            found.append((0.0, v.id))
            continue
        if v.latitude is None or v.longitude is None:
            continue
        dy, dx = (v.latitude - lat0) * ky, (v.longitude - lon0) * kx
        squared = dx * dx + dy * dy
        if squared <= limit:
            found.append((squared, v.id))
    return found


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
    since = datetime.fromtimestamp(min(w.cutoff for w in watches), timezone.utc)
    index = VacancyIndex(new_vacancies(session, since, today))
    seen = already_matched(session, [v.id for v in index.candidates_all()])
    found: list[Match] = []
    for watch in watches:
        for _, vacancy_id in heapq.nsmallest(MAX_MATCHES_PER_RUN,
                                             nearest(watch, index.candidates(watch), seen)):
            seen.add((watch.recipient_id, vacancy_id))
            found.append(Match(watch.recipient_id, watch.alert_id, vacancy_id))
    return found
