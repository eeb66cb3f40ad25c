"""The weekly history of vacancies (table `vacancy_weeks`), kept after the vacancies expire.

Each row counts one week's vacancies for one role, postcode district and publisher. The
import refreshes the current and the previous week after each run (`refresh_recent`);
`backfill` makes every week the vacancies still held cover that has no rows yet. Both
replace the weeks they make (delete, then insert, in the caller's transaction), so running
them again gives the same rows. Weeks older than the vacancies still held are never
touched. docs/open-data.md gives the same definitions for the area's analysts.

Definitions (dates are UK dates; a week runs Monday to Sunday and is named by its Monday):

- Vacancies counted: every vacancy that is not a copy of another (`duplicate_of_id` is
  empty), from every feed.
- Start: the date posted (`posted_on`); if the feed gave none, the day we first saw it.
- End: for a vacancy no longer open (it left its feed, or its closing date passed), the
  earlier of its closing date and the last day we saw it in its feed. For one still open:
  its closing date if that is before today, otherwise none (still open). A vacancy whose
  end comes before its start contradicts itself and is left out.
- open in a week: started by its Sunday and not ended before its Monday.
- new: started in the week. closed: ended in the week.
- long_open (hard to fill): open on the week's Sunday (not ended before it) and started at
  least 42 days before that Sunday.
- readvertised: new in the week, and the same employer (letters compared without case or
  extra spaces) had an earlier vacancy for the same role (its role code; the title,
  compared the same way, when the role is not known) in the same postcode district that
  started at least 7 days before this one and had not ended more than 90 days before this
  one started (it may still be open). Vacancies with no employer or no postcode district
  are never readvertised.
- Pay, over the week's open vacancies: the hourly rate from the lowest pay offered
  (`salary_min`) and its period: an hour as it is; a day of 7.5 hours; a week of 37.5
  hours; a year of 37.5 hours for 52.14 weeks (1,955.25 hours); a month a twelfth of a
  year (162.94 hours). Rounded to the penny. A rate under £1 or over £200 an hour is taken
  as a misread figure, and pay with no amount or period as not known. `pay_known` counts
  the vacancies with a rate, `pay_hourly_total` adds their rates (the mean is the total
  divided by `pay_known`), `pay_below_floor` counts those under the legal minimum for
  workers aged 21 and over in force on the week's Monday (content/careers/pay.yml; the
  earliest rate there for a week before it).
- Role: the vacancy's role code, "" when not known. Postcode district: its outward code,
  "" when not known; `district` is its local authority district (content/geo/districts.yml,
  else the gazetteer's county), "" when not known. Publisher (`provider_code`): the
  provider's code for a vacancy from the provider's own feed (`provider_csv:<code>`,
  `jsonld:<code>`), "" for job boards'.
- A row is kept only for a role, place and publisher with a vacancy open in the week (so a
  week with none open has no rows, and `backfill` looks at it again each time). The
  current week is counted as it stands today, and made again by each import until it ends.

Speed: one pass over the vacancies that matter (those not ended more than 90 days before
the first week, for the readvertised look-back), reading only the columns needed, streamed.
Each vacancy adds to its group's weekly counts as a range (a difference array), so a
vacancy costs the same whether it was open one week or fifty; the readvertised test sorts
packed integers once. The rows go in by batches (PostgreSQL: COPY). bench/history.py:
1,000,000 vacancies in well under a minute on SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Connection, Table, case, delete, func, insert, literal, or_, select
from sqlalchemy.orm import Session

from carecareers.clock import Clock, uk_date
from carecareers.geo import Districts
from carecareers.models import Vacancy, VacancyWeek
from carecareers.vacancies.listing import OWN_FORMATS
from carecareers.vacancies.salary import PayRates

logger = logging.getLogger(__name__)

OPEN = "open"
HOURS_A_DAY = 7.5
HOURS_A_WEEK = 37.5
WEEKS_A_YEAR = 52.14
HOURS_A_YEAR = HOURS_A_WEEK * WEEKS_A_YEAR
HOURS_IN = {"hour": 1.0, "day": HOURS_A_DAY, "week": HOURS_A_WEEK, "month": HOURS_A_YEAR / 12,
            "year": HOURS_A_YEAR}
LOWEST_RATE, HIGHEST_RATE = 1.0, 200.0  # pounds an hour; outside: a misread figure
LONG_OPEN_DAYS = 42
READVERTISED_AFTER_DAYS = 7
READVERTISED_WITHIN_DAYS = 90
RECENT_WEEKS = 2
MOST_WEEKS = 261
"""Five years of weeks, counting both ends: the most one build makes (so a wrong date cannot
make it huge), and the most the open data gives at once."""
STREAM_ROWS = 20_000
INSERT_ROWS = 5_000

Floor = Callable[[date], Decimal]
"""The legal minimum an hour, in pounds, for a worker aged 21 and over, on a day."""

WEEKS = cast(Table, VacancyWeek.__table__)
_NO_END = (1 << 22) - 1  # an ordinal after every date (date.max is 3,652,059)
_BITS = 22
_MASK = (1 << _BITS) - 1
# The counts kept for each group, each over the weeks (+1 for the difference arrays' end).
_OPEN, _NEW, _CLOSED, _READV, _LONG, _PAY_KNOWN, _PAY_PENCE, _BELOW = range(8)  # _OPEN: 0
_COUNTS = 8


def legal_floor(pay: PayRates) -> Floor:
    """The minimum wage at 21 and over in force on a day, from the careers pay tables."""
    return lambda day: pay.minimum_wage(day).age_21_plus


def hourly_pence(amount: float | None, period: str | None) -> int | None:
    """The hourly rate of pay, in pence (rounded), or None when not known; see the notes."""
    hours = HOURS_IN.get(period or "")
    if amount is None or hours is None:
        return None
    rate = amount / hours
    if not LOWEST_RATE <= rate <= HIGHEST_RATE:
        return None
    return int(rate * 100 + 0.5)


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Built:
    """What one build made: the weeks replaced, their rows, the vacancies read."""

    weeks: tuple[date, ...]
    rows: int
    vacancies: int

    def as_dict(self) -> dict[str, Any]:
        return {"weeks": [w.isoformat() for w in self.weeks], "rows": self.rows,
                "vacancies": self.vacancies}


def refresh_recent(session: Session, *, clock: Clock, districts: Districts,
                   floor: Floor) -> Built:
    """Make the current and the previous week again (what each import calls)."""
    this_week = monday_of(clock.today())
    first = this_week - timedelta(weeks=RECENT_WEEKS - 1)
    return build_weeks(session, first, this_week, clock=clock, districts=districts,
                       floor=floor)


def backfill(session: Session, *, clock: Clock, districts: Districts, floor: Floor) -> Built:
    """Make every week from the earliest vacancy's start to this one that has no rows yet,
    and the last two weeks again; weeks already made stay as they are."""
    earliest = _earliest_start(session)
    this_week = monday_of(clock.today())
    if earliest is None:
        return refresh_recent(session, clock=clock, districts=districts, floor=floor)
    first = max(monday_of(min(earliest, clock.today())),
                this_week - timedelta(weeks=MOST_WEEKS - 1))
    made = set(session.scalars(select(VacancyWeek.week).distinct()
                               .where(VacancyWeek.week >= first)))
    recent = {this_week - timedelta(weeks=n) for n in range(RECENT_WEEKS)}
    wanted = sorted({w for w in _mondays(first, this_week) if w not in made} | recent)
    return build_weeks(session, wanted[0], this_week, clock=clock, districts=districts,
                       floor=floor, only=wanted)


def build_weeks(session: Session, first_monday: date, last_monday: date, *, clock: Clock,
                districts: Districts, floor: Floor,
                only: Collection[date] | None = None) -> Built:
    """Count every week from `first_monday` to `last_monday` in one pass over the vacancies,
    and replace those weeks' rows (or only the weeks in `only`)."""
    weeks = _Weeks(monday_of(first_monday), monday_of(last_monday), floor)
    tally = _Tally(weeks, clock.today(), districts)
    tally.add_all(_spans(session, weeks))
    keep = weeks.mondays if only is None else tuple(sorted(set(only) & set(weeks.mondays)))
    rows = _replace(session, keep, tally.rows(set(keep), clock.now()))
    logger.info("vacancy history: %d weeks from %s, %d rows, %d vacancies read",
                len(keep), keep[0] if keep else "-", rows, tally.read)
    return Built(keep, rows, tally.read)


def _mondays(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += timedelta(weeks=1)


def _earliest_start(session: Session) -> date | None:
    posted, first_seen = session.execute(
        select(func.min(Vacancy.posted_on),
               func.min(case((Vacancy.posted_on.is_(None), Vacancy.first_seen_at))))
        .where(Vacancy.duplicate_of_id.is_(None))
    ).one()
    starts = [d for d in (posted, uk_date(first_seen) if first_seen else None) if d]
    return min(starts) if starts else None


class _Weeks:
    """The weeks of one build: their Mondays, and the legal floor (pence) of each run of
    weeks that share one."""

    def __init__(self, first: date, last: date, floor: Floor) -> None:
        if last < first:
            raise ValueError(f"the last week ({last}) is before the first ({first})")
        self.mondays = tuple(_mondays(first, last))
        if len(self.mondays) > MOST_WEEKS:
            raise ValueError(f"at most {MOST_WEEKS} weeks at once, not {len(self.mondays)}")
        self.count = len(self.mondays)
        self.first = first.toordinal()
        self.last_sunday = last + timedelta(days=6)
        self.floors = _floor_runs([int(floor(m) * 100) for m in self.mondays])


def _floor_runs(pence: Sequence[int]) -> list[tuple[int, int, int]]:
    """(first week, last week, floor) for each run of weeks with one floor."""
    runs: list[tuple[int, int, int]] = []
    for index, value in enumerate(pence):
        if runs and runs[-1][2] == value:
            runs[-1] = (runs[-1][0], index, value)
        else:
            runs.append((index, index, value))
    return runs


def _spans(session: Session, weeks: _Weeks) -> Iterator[Any]:
    """The columns needed of every vacancy that may count, streamed; the dates are narrowed
    here with a day to spare (UK dates of UTC times) and exactly in `_Tally`."""
    horizon = date.fromordinal(weeks.first) - timedelta(days=READVERTISED_WITHIN_DAYS + 1)
    horizon_at = datetime.combine(horizon, datetime.min.time())
    after = datetime.combine(weeks.last_sunday + timedelta(days=2), datetime.min.time())
    statement = (
        select(Vacancy.source, Vacancy.employer,
               case((or_(Vacancy.role_code.is_(None), Vacancy.role_code == ""), Vacancy.title),
                    else_=literal("")),
               Vacancy.role_code, Vacancy.outcode, Vacancy.posted_on, Vacancy.closes_on,
               Vacancy.status, Vacancy.first_seen_at, Vacancy.last_seen_at,
               Vacancy.salary_min, Vacancy.salary_period)
        .where(Vacancy.duplicate_of_id.is_(None),
               or_(Vacancy.posted_on <= weeks.last_sunday,
                   Vacancy.posted_on.is_(None) & (Vacancy.first_seen_at < after)),
               or_(Vacancy.closes_on.is_(None), Vacancy.closes_on >= horizon),
               or_(Vacancy.status == OPEN, Vacancy.last_seen_at >= horizon_at))
        .execution_options(yield_per=STREAM_ROWS)
    )
    # Core rows on the session's connection (in its transaction): the ORM's result rows
    # cost three times as much to read (bench/history.py).
    return iter(session.connection().execute(statement))


def _uk_day(moment: datetime) -> int:
    """The UK date's ordinal of a time the database gave back (naive: UTC). Only 23:xx UTC
    can fall on the next UK day (in summer time), so only those ask the time zone."""
    zone = moment.tzinfo
    if moment.hour != 23 and (zone is None or zone is timezone.utc):
        return moment.toordinal()
    return uk_date(moment).toordinal()


def _key(text: str) -> str:
    """Letters compared without case or extra spaces."""
    return " ".join(text.split()).casefold()


class _Tally:
    """Each group's (role, postcode district, publisher) counts by week, as difference
    arrays for what spans weeks; and the spans needed for the readvertised test."""

    def __init__(self, weeks: _Weeks, today: date, districts: Districts) -> None:
        self.weeks = weeks
        self.today = today
        self.districts = districts
        self.width = weeks.count + 1
        self.groups: dict[tuple[str, str, str], int] = {}
        self.cells: list[list[int]] = []
        self.spans: list[int] = []  # packed (readvertising key, start, end, group)
        # Groups by the columns as read (one look-up a row); words made comparable once each.
        self._groups_as_read: dict[tuple[str | None, str | None, str], int] = {}
        self._words: dict[str, str] = {}
        self._keys: dict[tuple[str, str, str], int] = {}
        self.read = 0

    def add_all(self, rows: Iterable[Any]) -> None:
        for row in rows:
            self.read += 1
            self.add(*row)
        self._readvertised()

    def add(self, source: str, employer: str, title: str, role: str | None,
            outcode: str | None, posted: date | None, closes: date | None, status: str,
            first_seen: datetime, last_seen: datetime, salary: float | None,
            period: str | None) -> None:
        start = posted.toordinal() if posted is not None else _uk_day(first_seen)
        if status == OPEN:
            end = closes.toordinal() if closes is not None and closes < self.today else _NO_END
        else:
            end = _uk_day(last_seen)
            if closes is not None:
                end = min(end, closes.toordinal())
        if end < start:
            return
        group = self._groups_as_read.get((role, outcode, source))
        if group is None:
            group = self._group(role, outcode, source)
        self._count(self.cells[group], start, end, hourly_pence(salary, period))
        readvertising = self._readvertising_key(employer, role, title, outcode)
        if readvertising >= 0:
            self.spans.append((((readvertising << _BITS | start) << _BITS | end) << _BITS)
                              | group)

    def _count(self, cells: list[int], start: int, end: int, pence: int | None) -> None:
        # The hot loop of a build: a range of weeks [a, b] adds to a difference array as
        # cells[at + a] += n; cells[at + b + 1] -= n (see `rows` for the running totals).
        first, last_week, width = self.weeks.first, self.weeks.count - 1, self.width
        start_week = (start - first) // 7
        end_week = last_week if end == _NO_END else (end - first) // 7
        if 0 <= start_week <= last_week:
            cells[_NEW * width + start_week] += 1
        if end != _NO_END and 0 <= end_week <= last_week:
            cells[_CLOSED * width + end_week] += 1
        low = start_week if start_week > 0 else 0
        high = end_week if end_week < last_week else last_week
        if low > high:
            return
        cells[low] += 1  # _OPEN is the first array
        cells[high + 1] -= 1
        # Open on the Sunday (first + 7w + 6) and started 42 days or more before it.
        long_low = max(low, -((start + LONG_OPEN_DAYS - 6 - first) // -7))
        long_high = high if end == _NO_END else min(high, (end - 6 - first) // 7)
        if long_low <= long_high:
            cells[_LONG * width + long_low] += 1
            cells[_LONG * width + long_high + 1] -= 1
        if pence is None:
            return
        cells[_PAY_KNOWN * width + low] += 1
        cells[_PAY_KNOWN * width + high + 1] -= 1
        cells[_PAY_PENCE * width + low] += pence
        cells[_PAY_PENCE * width + high + 1] -= pence
        for run_low, run_high, floor in self.weeks.floors:
            if pence < floor and run_low <= high and low <= run_high:
                cells[_BELOW * width + max(low, run_low)] += 1
                cells[_BELOW * width + min(high, run_high) + 1] -= 1

    def _group(self, role: str | None, outcode: str | None, source: str) -> int:
        kind, _, label = source.partition(":")
        key = (role or "", (outcode or "").upper(), label if kind in OWN_FORMATS else "")
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = len(self.cells)
            self.cells.append([0] * (_COUNTS * self.width))
        self._groups_as_read[role, outcode, source] = group
        return group

    def _readvertising_key(self, employer: str, role: str | None, title: str,
                           outcode: str | None) -> int:
        """A number for (employer, role or title, postcode district); -1 if one is missing."""
        who = self._word(employer)
        what = role or self._word(title)
        if not (who and what and outcode):
            return -1
        key = (who, what if role else f"title:{what}", outcode.upper())
        found = self._keys.get(key)
        if found is None:
            found = self._keys[key] = len(self._keys)
        return found

    def _word(self, text: str | None) -> str:
        if not text:
            return ""
        found = self._words.get(text)
        if found is None:
            found = self._words[text] = _key(text)
        return found

    def _readvertised(self) -> None:
        """Mark each new vacancy of the weeks that an earlier one of its key makes a
        re-advertisement: started 7+ days before it, not ended 90+ days before it started."""
        self.spans.sort()
        first, last = self.weeks.first, self.weeks.last_sunday.toordinal()
        width = self.width
        current = -1
        starts: list[int] = []
        ends: list[int] = []
        seen = 0
        latest_end = -1
        for packed in self.spans:
            group = packed & _MASK
            end = (packed >> _BITS) & _MASK
            start = (packed >> 2 * _BITS) & _MASK
            key = packed >> 3 * _BITS
            if key != current:
                current, starts, ends, seen, latest_end = key, [], [], 0, -1
            while seen < len(starts) and starts[seen] <= start - READVERTISED_AFTER_DAYS:
                latest_end = max(latest_end, ends[seen])
                seen += 1
            if first <= start <= last and latest_end >= start - READVERTISED_WITHIN_DAYS:
                self.cells[group][_READV * width + (start - first) // 7] += 1
            starts.append(start)
            ends.append(end)
        self.spans = []

    def rows(self, keep: set[date], now: datetime) -> Iterator[dict[str, Any]]:
        """The rows of the weeks to keep: one per group and week with a vacancy open."""
        width = self.width
        districts: dict[str, str] = {}
        for (role, outcode, publisher), group in self.groups.items():
            cells = self.cells[group]
            for spanned in (_OPEN, _LONG, _PAY_KNOWN, _PAY_PENCE, _BELOW):
                _running_total(cells, spanned * width, self.weeks.count)
            if outcode not in districts:
                districts[outcode] = self.districts.district_of(outcode) or ""
            for index, monday in enumerate(self.weeks.mondays):
                if cells[_OPEN * width + index] <= 0 or monday not in keep:
                    continue
                yield {
                    "week": monday, "role_code": role, "outcode": outcode,
                    "district": districts[outcode], "provider_code": publisher,
                    "open": cells[_OPEN * width + index],
                    "new": cells[_NEW * width + index],
                    "closed": cells[_CLOSED * width + index],
                    "readvertised": cells[_READV * width + index],
                    "long_open": cells[_LONG * width + index],
                    "pay_known": cells[_PAY_KNOWN * width + index],
                    "pay_hourly_total": cells[_PAY_PENCE * width + index] / 100,
                    "pay_below_floor": cells[_BELOW * width + index],
                    "made_at": now,
                }


def _running_total(cells: list[int], offset: int, count: int) -> None:
    total = 0
    for index in range(offset, offset + count):
        total += cells[index]
        cells[index] = total


def _replace(session: Session, weeks: Sequence[date], rows: Iterable[dict[str, Any]]) -> int:
    """Delete the weeks' rows and insert these, a batch at a time; return how many."""
    if not weeks:
        return 0
    if len(weeks) == (weeks[-1] - weeks[0]).days // 7 + 1:
        which = VacancyWeek.week.between(weeks[0], weeks[-1])
    else:
        which = VacancyWeek.week.in_(weeks)
    session.execute(delete(VacancyWeek).where(which),
                    execution_options={"synchronize_session": False})
    count = 0
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == INSERT_ROWS:
            count += _insert(session, batch)
            batch = []
    return count + _insert(session, batch)


def _insert(session: Session, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    connection = session.connection()
    if connection.dialect.driver == "psycopg2":
        _copy(connection, rows)
    else:
        connection.execute(insert(WEEKS), rows)
    return len(rows)


_COPIED = [column.name for column in WEEKS.columns if column.name != "id"]


def _copy(connection: Connection, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL's COPY, in the session's transaction: five times as fast as multi-row
    INSERTs for a build's 150,000 rows (bench/history.py). Every value quoted: "" is text."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL).writerows(
        [row[name] for name in _COPIED] for row in rows)
    buffer.seek(0)
    cursor: Any = connection.connection.cursor()  # psycopg2's, with copy_expert
    try:
        cursor.copy_expert(f"COPY {WEEKS.name} ({', '.join(_COPIED)}) FROM STDIN "
                           "WITH (FORMAT csv)", buffer)
    finally:
        cursor.close()
