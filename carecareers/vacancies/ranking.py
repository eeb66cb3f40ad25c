"""The best vacancies for a search, ranked in SQL with a limit and found through indexes.

Order (as the search has always shown it): score, highest first (3 for a role asked for,
then per word 2 when the title contains it, else 1 when the employer's name does), then
distance, closing date (none last) and id. A word matches as a substring of the title or
employer, found through a trigram index of open vacancies (SQLite: the FTS5 table
`vacancy_text`; PostgreSQL: pg_trgm GIN indexes); a place through a spatial index of open
vacancies (SQLite: the R*Tree `vacancy_places`; PostgreSQL: GiST on point(lon, lat)).
Migration 0004 builds them; triggers (SQLite) and the server (PostgreSQL) keep them current.

The work for one page does not grow with the number of matches:
1. Ask the words' index, then the places' index, how many candidates they hold, reading at
   most TOTAL_CAP + 1 entries of each.
2. When one holds at most TOTAL_CAP (or the words' index at most COUNT_BY_WORDS), rank
   its candidates in SQL (ORDER BY ... LIMIT).
3. Otherwise read WINDOW matches in (distance, closing date, id) order, in rings widening
   around the place or along the closing-date index, and rank those. Only a match scoring
   more than the last of the page can still come before it: find the best of those the
   same way (steps 1 to 3 with that score as a floor, so with the words such a match must
   have as the index) and merge. The score floor rises each time, so this ends.
4. Count the matches up to TOTAL_CAP + 1; beyond it the total reads "more than TOTAL_CAP".

The counts of step 1 only choose the plan (every plan gives the same page and total), so
each engine keeps them for PROBE_SECONDS, as a planner keeps statistics: a word people
search for often is not counted again on every search.
"""

from __future__ import annotations

import math
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import reduce
from operator import add
from typing import Any

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    Select,
    Table,
    and_,
    bindparam,
    case,
    column,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from carecareers.geo import EARTH_RADIUS_MILES, Place, bounding_box
from carecareers.models import Vacancy

TOTAL_CAP = 200
"""Totals are exact up to this; beyond it a search reports "more than TOTAL_CAP".

Counting is the part of a search that grows with the matches: at 1,000,000 vacancies on
PostgreSQL a cap of 1,000 gave a mixed p95 of 129 ms, a cap of 200 gave 77-83 ms (target
100). Nobody reads 200 jobs in a chat; "more than 200" tells them to narrow the search.
"""
WINDOW = 50
"""Matches read in distance or closing-date order before the best score is trusted."""
COUNT_BY_WORDS = 10_000
"""Rank or count through the words' index when it holds at most this many entries."""
RING_START_MILES = 0.5
MIN_INDEXED_TERM = 3
"""A trigram index finds words of three letters or more; shorter ones are checked per row."""
ROLE_SCORE, TITLE_SCORE, EMPLOYER_SCORE = 3, 2, 1
PROBE_SECONDS = 300.0
"""How long an engine keeps a count of step 1 (how many candidates an index holds)."""
PROBE_ENTRIES = 4096

# The SQLite search tables (migration 0004), outside the model's metadata: PostgreSQL has none.
_SEARCH_TABLES = MetaData()
VACANCY_PLACES = Table("vacancy_places", _SEARCH_TABLES, Column("id", Integer),
                       Column("min_lat", Float), Column("max_lat", Float),
                       Column("min_lon", Float), Column("max_lon", Float))
VACANCY_TEXT = table("vacancy_text", column("rowid", Integer))


@dataclass(frozen=True)
class Criteria:
    """What to find: role codes, words, a place and radius, and the row filters."""

    roles: tuple[str, ...]
    terms: tuple[str, ...]
    place: Place | None
    radius: float | None
    filters: tuple[ColumnElement[bool], ...]
    today: date

    @property
    def best_score(self) -> int:
        return (ROLE_SCORE if self.roles else 0) + TITLE_SCORE * len(self.terms)

    @property
    def has_words(self) -> bool:
        return bool(self.roles or self.terms)


@dataclass(frozen=True)
class Ranked:
    id: int
    score: int
    distance: float | None
    closes_on: date | None

    @property
    def key(self) -> tuple[int, float, date, int]:
        return (-self.score, self.distance or 0.0, self.closes_on or date.max, self.id)


@dataclass
class Ranking:
    rows: list[Ranked]
    """The best matches, best first (at most the number asked for)."""
    total: int
    exact: bool


def rank(session: Session, criteria: Criteria, count: int) -> Ranking:
    """Return the best `count` matches of the criteria and how many there are (capped)."""
    return _Search(session, criteria).best(max(count, 0))


def newest_first(session: Session, filters: Sequence[ColumnElement[bool]], limit: int,
                 offset: int) -> tuple[list[int], int, bool]:
    """Return a page of ids, newest posted first, and the (capped) total."""
    statement = (
        select(Vacancy.id).where(*filters)
        .order_by(Vacancy.posted_on.desc(), Vacancy.id.desc()).limit(limit).offset(offset)
    )  # read backwards along ix_vacancies_posted_on
    if session.get_bind().dialect.name != "sqlite":  # SQLite puts nulls last when descending
        statement = statement.order_by(None).order_by(Vacancy.posted_on.desc().nulls_last(),
                                                      Vacancy.id.desc())
    ids = list(session.scalars(statement))
    total = _capped_count(session, select(Vacancy.id).where(*filters))
    return ids, min(total, TOTAL_CAP), total <= TOTAL_CAP


def _capped_count(session: Session, statement: Select[Any]) -> int:
    """Count the rows of a query, reading at most TOTAL_CAP + 1 of them."""
    return _count_upto(session, statement, TOTAL_CAP + 1)


def _count_upto(session: Session, statement: Select[Any], most: int) -> int:
    limited = statement.limit(most).subquery()
    return session.connection().scalar(select(func.count()).select_from(limited)) or 0


_PROBES: weakref.WeakKeyDictionary[Engine, dict[Any, tuple[float, int]]] = (
    weakref.WeakKeyDictionary())
_PROBES_LOCK = threading.Lock()


def _probe(session: Session, statement: Select[Any], most: int) -> int:
    """`_count_upto` for choosing a plan: kept per engine for PROBE_SECONDS."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    compiled = statement.compile(dialect=engine.dialect)
    key = (str(compiled), tuple(sorted((k, repr(v)) for k, v in compiled.params.items())), most)
    now = time.monotonic()
    with _PROBES_LOCK:
        kept = _PROBES.setdefault(engine, {})  # type: ignore[arg-type]
        found = kept.get(key)
    if found is not None and now - found[0] < PROBE_SECONDS:
        return found[1]
    count = _count_upto(session, statement, most)
    with _PROBES_LOCK:
        if len(kept) >= PROBE_ENTRIES:
            kept.clear()
        kept[key] = (now, count)
    return count


class _Search:
    """One search on one session: its SQL expressions and the plan of the three steps."""

    def __init__(self, session: Session, criteria: Criteria) -> None:
        self.session = session
        self.criteria = criteria
        self.sqlite = session.get_bind().dialect.name == "sqlite"
        self.score = _score(criteria, self.sqlite)
        self.distance = _distance(criteria.place, self.sqlite) if criteria.place else None

    def best(self, need: int) -> Ranking:
        rows, small = self._top(need, 0 if self.criteria.has_words else None)
        if small is not None:
            with self._place_scan(small is _PLACE):
                total = _capped_count(self.session, self._matching(driver=small))
        else:
            total = self._total()
        return Ranking(rows, min(total, TOTAL_CAP), total <= TOTAL_CAP)

    def _top(self, need: int, above: int | None) -> tuple[list[Ranked], _Driver | None]:
        """The best `need` matches scoring more than `above`, and the small index if used.

        When no index holds few candidates, read a window in order; if rows scoring more
        than the window's last may lie beyond it, find the best of those the same way.
        """
        small = self._small_driver(above)
        if small is not None:
            return self._rows(self._ranked(driver=small, above=above).limit(need)), small
        window = max(need, WINDOW)
        if self.criteria.place is not None:
            rows, complete = self._by_rings(need, window, above)
        else:
            rows, complete = self._by_closing_date(need, window, above)
        if not complete and len(rows) >= need and rows[-1].score < self.criteria.best_score:
            rows = _merge(rows, self._top(need, rows[-1].score)[0], need)
        return rows, None

    def _total(self) -> int:
        """Count the matches up to TOTAL_CAP + 1 through the index that finds them."""
        if self.criteria.place is not None or not self.sqlite or not self._words_indexed():
            words = self._words_driver(0)
            if words is not None and self._candidates(words, COUNT_BY_WORDS) <= COUNT_BY_WORDS:
                return _capped_count(self.session, self._matching(driver=words))
            with self._place_scan():
                return _capped_count(self.session, self._matching(driver=_PLACE))
        total = 0  # SQLite, words only: matches of the roles, then of the words (FTS5)
        roles = Vacancy.role_code.in_(self.criteria.roles)
        if self.criteria.roles:
            total += _capped_count(self.session, self._matching().where(roles))
        if self.criteria.terms and total <= TOTAL_CAP:
            others = [or_(~roles, Vacancy.role_code.is_(None))] if self.criteria.roles else []
            total += _capped_count(self.session, self._matching().where(
                VACANCY_TEXT.c.rowid == Vacancy.id, _fts_match(_fts_any(self.criteria.terms)),
                *others))
        return total

    # -- step 1: how many candidates each index holds ------------------------------------

    def _small_driver(self, above: int | None) -> _Driver | None:
        """An index holding at most TOTAL_CAP candidates scoring more than `above`."""
        words = self._words_driver(above)
        if words is not None and self._candidates(words, TOTAL_CAP) <= TOTAL_CAP:
            return words
        if self.criteria.place is not None and self._place_candidates() <= TOTAL_CAP:
            return _PLACE
        some = words if words is not None else self._words_driver(0) if above else None
        if some is not None and self._candidates(some, COUNT_BY_WORDS) <= COUNT_BY_WORDS:
            return some  # a few thousand entries: cheaper than reading in order
        return None

    def _words_driver(self, above: int | None) -> _Driver | None:
        """The words (or roles) a match scoring more than `above` must have, as an index."""
        if above is None or not self.criteria.has_words or not self._words_indexed():
            return None
        required = _required(self.criteria, above)
        roles = Vacancy.role_code.in_(self.criteria.roles)
        if required.words and self.sqlite:
            fts = _fts_ids(_fts_all(required))
            return _Driver("words", (fts,), Vacancy.id.in_(fts))
        if required.words or required.role:
            condition = _contains_all(required) if required.words else roles
            return _Driver("words", (_open(condition),), condition)
        if above > 0:
            return None
        if not self.sqlite:
            condition = or_(roles, _contains_any(self.criteria.terms))
            return _Driver("words", (_open(condition),), condition)
        parts: list[tuple[Select[Any], ColumnElement[bool]]] = []
        if self.criteria.roles:
            parts.append((_open(roles), roles))
        if self.criteria.terms:
            fts = _fts_ids(_fts_any(self.criteria.terms))
            parts.append((fts, Vacancy.id.in_(fts)))
        return _Driver("words", tuple(p for p, _ in parts), or_(*(c for _, c in parts)))

    def _candidates(self, driver: _Driver, most: int) -> int:
        """How many entries a driver's indexes hold, counting up to `most` + 1."""
        total = 0
        for candidates in driver.candidates:
            total += _probe(self.session, candidates, most + 1 - total)
            if total > most:
                break
        return total

    @contextmanager
    def _place_scan(self, wanted: bool = True) -> Iterator[None]:
        """PostgreSQL: count through the GiST index in a plain index scan, which stops at
        the count's LIMIT, not a bitmap scan, which first reads every entry in the box
        (143,000 for 25 miles around London at 1,000,000 vacancies: 70 ms). The planner
        cannot see this: it guesses a box holds 0.1% of the rows."""
        if self.sqlite or not wanted:
            yield
            return
        connection = self.session.connection()
        connection.exec_driver_sql("SET LOCAL enable_bitmapscan = off")
        try:
            yield
        finally:
            connection.exec_driver_sql("SET LOCAL enable_bitmapscan TO DEFAULT")

    def _words_indexed(self) -> bool:
        return all(len(term) >= MIN_INDEXED_TERM for term in self.criteria.terms)

    def _place_candidates(self) -> int:
        if self.sqlite:
            return _probe(self.session, select(VACANCY_PLACES.c.id).where(
                *_box_overlaps(self.criteria.place, self.criteria.radius)), TOTAL_CAP + 1)
        with self._place_scan():
            return _probe(self.session, select(Vacancy.id).where(
                Vacancy.status == "open", _in_box(self.criteria.place, self.criteria.radius)),
                TOTAL_CAP + 1)

    # -- the SQL of a search -----------------------------------------------------------

    def _where(self, radius: float | None = None, above: int | None = 0,
               by_words: bool = False) -> list[ColumnElement[bool]]:
        """Exact conditions: the filters, a score above `above`, within `radius` of the place."""
        conditions = list(self.criteria.filters)
        if self.criteria.has_words and above is not None:
            conditions.append(self.score > above)
        place = self.criteria.place
        if place is not None and self.distance is not None:
            radius = radius or self.criteria.radius or 0.0
            if not self.sqlite:
                conditions.append(_in_box(place, radius, indexed=not by_words))
            conditions.append(self.distance <= radius)
        return conditions

    def _select(self, *columns: Any, driver: _Driver | None = None, radius: float | None = None,
                above: int | None = 0) -> Select[Any]:
        by_words = driver is not None and driver.name == "words"
        statement = select(*columns).where(*self._where(radius, above, by_words))
        if driver is None or (driver.name == "place" and self.criteria.place is None):
            return statement
        if driver.name == "words":
            return statement.where(driver.condition)
        if not self.sqlite:
            return statement  # PostgreSQL's planner picks the GiST index itself
        return statement.where(  # the R*Tree drives; vacancies are read by rowid
            VACANCY_PLACES.c.id == Vacancy.id,
            *_box_overlaps(self.criteria.place, radius or self.criteria.radius))

    def _matching(self, driver: _Driver | None = None, radius: float | None = None,
                  above: int | None = 0) -> Select[Any]:
        return self._select(Vacancy.id, driver=driver, radius=radius, above=above)

    def _ranked(self, driver: _Driver | None = None, radius: float | None = None,
                above: int | None = 0) -> Select[Any]:
        distance = self.distance if self.distance is not None else literal(None)
        statement = self._select(Vacancy.id, self.score.label("score"),
                                 distance.label("distance"), Vacancy.closes_on,
                                 driver=driver, radius=radius, above=above)
        return statement.order_by(*self._order())

    def _order(self) -> list[Any]:
        order: list[Any] = [self.score.desc()] if self.criteria.has_words else []
        if self.distance is not None:
            order.append(self.distance)
        return [*order, Vacancy.closes_on.asc().nulls_last(), Vacancy.id]

    def _rows(self, statement: Select[Any]) -> list[Ranked]:
        return [Ranked(r.id, int(r.score), r.distance, r.closes_on)
                for r in self.session.connection().execute(statement)]

    # -- step 3: reading in order --------------------------------------------------------

    def _by_rings(self, need: int, window: int,
                  above: int | None) -> tuple[list[Ranked], bool]:
        """Widen a ring around the place until it holds `window` matches; rank those."""
        radius = self.criteria.radius or 0.0
        ring = min(RING_START_MILES, radius)
        while ring < radius:
            ringed = self._matching(driver=_PLACE, radius=ring, above=above)
            with self._place_scan():
                found = _count_upto(self.session, ringed, window)
            if found >= window:
                break
            ring = _next_ring(ring, found, window, radius)
        ranked = self._ranked(driver=_PLACE, radius=ring, above=above)
        return self._rows(ranked.limit(need)), ring >= radius

    def _by_closing_date(self, need: int, window: int,
                         above: int | None) -> tuple[list[Ranked], bool]:
        """Rank the first `window` matches along the closing-date index (none last)."""
        dated = Vacancy.closes_on >= self.criteria.today
        rows = self._rows(self._closing_window(dated, window, above))
        if len(rows) < window:
            rows += self._rows(self._closing_window(Vacancy.closes_on.is_(None),
                                                    window - len(rows), above))
        return sorted(rows, key=lambda row: row.key)[:need], len(rows) < window

    def _closing_window(self, condition: ColumnElement[bool], window: int,
                        above: int | None) -> Select[Any]:
        return (
            self._select(Vacancy.id, self.score.label("score"),
                         literal_column("NULL").label("distance"), Vacancy.closes_on,
                         above=above)
            .where(condition).order_by(Vacancy.closes_on, Vacancy.id).limit(window)
        )


@dataclass(frozen=True)
class _Driver:
    """An index to read candidates by: "words" (FTS5 or a role) or "place" (R*Tree)."""

    name: str
    candidates: tuple[Select[Any], ...] = ()
    """Index entries to count: FTS5 rowids, open vacancies of a role, or (PostgreSQL) rows."""
    condition: Any = None
    """What to add to a query to read the candidates through the index."""


_PLACE = _Driver("place")


def _merge(first: list[Ranked], second: list[Ranked], need: int) -> list[Ranked]:
    merged = {row.id: row for row in [*first, *second]}
    return sorted(merged.values(), key=lambda row: row.key)[:need]


def _next_ring(ring: float, found: int, window: int, radius: float) -> float:
    """Widen a ring that holds `found` matches to hold about `window` (area grows as r²)."""
    growth = math.sqrt(window / found) * 1.2 if found else 2.0
    return min(radius, ring * min(2.0, max(math.sqrt(2), growth)))


@dataclass(frozen=True)
class _Required:
    role: bool
    terms: tuple[str, ...]
    """Each of these words, in the title or the employer's name."""
    title_terms: tuple[str, ...]
    """Each of these words in the title."""
    any_in_title: tuple[str, ...] = ()
    """One of these words, at least, in the title."""

    @property
    def words(self) -> bool:
        return bool(self.terms or self.title_terms or self.any_in_title)


def _required(criteria: Criteria, score: int) -> _Required:
    """What a match must have to score more than `score` (indexed words only)."""
    best = criteria.best_score
    role = bool(criteria.roles) and best - ROLE_SCORE <= score
    indexed = tuple(t for t in criteria.terms if len(t) >= MIN_INDEXED_TERM)
    if best - EMPLOYER_SCORE <= score:  # every word in the title
        return _Required(role, (), indexed)
    if best - TITLE_SCORE <= score:  # every word somewhere
        return _Required(role, indexed, ())
    without_titles = (ROLE_SCORE if criteria.roles else 0) + EMPLOYER_SCORE * len(indexed)
    if criteria.terms and indexed == criteria.terms and score >= without_titles:
        return _Required(role, (), (), indexed)  # a word in the title
    return _Required(role, (), ())


def _score(criteria: Criteria, sqlite: bool) -> ColumnElement[Any]:
    parts: list[ColumnElement[Any]] = []
    if criteria.roles:
        parts.append(case((Vacancy.role_code.in_(criteria.roles), ROLE_SCORE), else_=0))
    for term in criteria.terms:  # letters and digits only (roles.words)
        pattern = f"%{term}%"
        # SQLite's LIKE ignores the case of ASCII letters: lower() on each row is not needed.
        title, employer = ((Vacancy.title.like(pattern), Vacancy.employer.like(pattern))
                           if sqlite else
                           (Vacancy.title.ilike(pattern), Vacancy.employer.ilike(pattern)))
        parts.append(case((title, TITLE_SCORE), (employer, EMPLOYER_SCORE), else_=0))
    return reduce(add, parts) if parts else literal_column("0")


def _open(condition: ColumnElement[bool]) -> Select[Any]:
    return select(Vacancy.id).where(Vacancy.status == "open", condition)


def _contains_all(required: _Required) -> ColumnElement[bool]:
    conditions = [Vacancy.title.ilike(f"%{t}%") for t in required.title_terms]
    conditions += [or_(Vacancy.title.ilike(f"%{t}%"), Vacancy.employer.ilike(f"%{t}%"))
                   for t in required.terms]
    if required.any_in_title:
        conditions.append(or_(*(Vacancy.title.ilike(f"%{t}%") for t in required.any_in_title)))
    return and_(*conditions)


def _contains_any(terms: Sequence[str]) -> ColumnElement[bool]:
    return or_(*(column.ilike(f"%{term}%") for term in terms
                 for column in (Vacancy.title, Vacancy.employer)))


def _distance(place: Place, sqlite: bool) -> ColumnElement[float]:
    """Haversine miles from the place, as geo.haversine_miles computes them, in SQL."""
    lat0, lon0 = math.radians(place.latitude), math.radians(place.longitude)
    latitude = func.radians(Vacancy.latitude)
    north = func.sin((latitude - lat0) * 0.5)  # exactly / 2, without a cast to NUMERIC
    east = func.sin((func.radians(Vacancy.longitude) - lon0) * 0.5)
    a = north * north + math.cos(lat0) * func.cos(latitude) * (east * east)
    smaller = func.min if sqlite else func.least
    return 2 * EARTH_RADIUS_MILES * func.asin(smaller(1.0, func.sqrt(a)))


def _box_overlaps(place: Place | None, radius: float | None) -> list[ColumnElement[bool]]:
    assert place is not None and radius is not None
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, radius)
    places = VACANCY_PLACES.c
    return [places.min_lat <= max_lat, places.max_lat >= min_lat,
            places.min_lon <= max_lon, places.max_lon >= min_lon]


def _in_box(place: Place | None, radius: float | None,
            indexed: bool = True) -> ColumnElement[bool]:
    """PostgreSQL: within the box around the place; through the GiST index, or (`indexed`
    False, when the words' index drives) checked per row: the planner guesses any box holds
    0.1% of the rows, and would otherwise read a crowded box (143,000 rows around London at
    1,000,000 vacancies, 1.2 s) rather than the few thousand rows with the words."""
    assert place is not None and radius is not None
    min_lat, max_lat, min_lon, max_lon = bounding_box(place.latitude, place.longitude, radius)
    longitude = "vacancies.longitude" if indexed else "vacancies.longitude + 0"
    return text(
        f"point({longitude}, vacancies.latitude) <@ "
        "box(point(:min_lon, :min_lat), point(:max_lon, :max_lat))"
    ).bindparams(
        bindparam("min_lon", min_lon, unique=True), bindparam("min_lat", min_lat, unique=True),
        bindparam("max_lon", max_lon, unique=True), bindparam("max_lat", max_lat, unique=True),
    )  # type: ignore[return-value]


def _fts_ids(expression: str) -> Select[Any]:
    return select(VACANCY_TEXT.c.rowid).where(_fts_match(expression))


def _fts_match(expression: str) -> ColumnElement[bool]:
    return text("vacancy_text MATCH :fts").bindparams(  # type: ignore[return-value]
        bindparam("fts", expression, unique=True))


def _fts_any(terms: Sequence[str]) -> str:
    return " OR ".join(_phrase(term) for term in terms)


def _fts_all(required: _Required) -> str:
    parts = [f"(title : {_phrase(t)})" for t in required.title_terms]
    parts += [f"({_phrase(t)})" for t in required.terms]
    if required.any_in_title:
        parts.append("(title : (" + " OR ".join(map(_phrase, required.any_in_title)) + "))")
    return " AND ".join(parts)


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'
