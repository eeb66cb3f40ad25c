"""Demand: vacancies by role and district, read only from the weekly snapshots (vacancy_weeks).

Definitions (the snapshot's own are in carecareers/models/vacancies.py VacancyWeek):
- "now" is the latest week whose Monday is on or before the chosen month's last day;
- a month's "open" is the vacancies open in the last week whose Monday is in that month (a
  vacancy is counted once, in one week); its "new", "closed" and "re-advertised" add up the
  weeks whose Monday is in the month;
- only the area's districts count: vacancies elsewhere are not the programme's demand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.models import VacancyWeek
from carecareers.picture.months import month_end
from carecareers.picture.slices import Slice


@dataclass
class NowSums:
    """One role in one district in the latest week."""

    open: int = 0
    long_open: int = 0
    pay_known: int = 0
    pay_total: float = 0.0
    below_floor: int = 0

    def add(self, other: NowSums) -> None:
        self.open += other.open
        self.long_open += other.long_open
        self.pay_known += other.pay_known
        self.pay_total += other.pay_total
        self.below_floor += other.below_floor


@dataclass
class WeekSums:
    open: int = 0
    new: int = 0
    closed: int = 0
    readvertised: int = 0


@dataclass
class Demand:
    latest_week: date | None
    now: dict[tuple[str, str], NowSums] = field(default_factory=dict)  # (role, district)
    # (week, district): all roles; (role, district): the new and re-advertised of the months
    weeks: dict[tuple[date, str], WeekSums] = field(default_factory=dict)
    year_roles: dict[tuple[str, str], WeekSums] = field(default_factory=dict)
    # month index -> its last snapshot week (in any of the area's districts)
    last_weeks: dict[int, date] = field(default_factory=dict)
    # (week, role, district): open, for each month's last week only
    month_end_open: dict[tuple[date, str, str], int] = field(default_factory=dict)


def read_demand(session: Session, who: Slice, districts: tuple[str, ...],
                months: list[date]) -> Demand:
    """The snapshots' figures for the area's districts over the months, with "now"."""
    last_day = month_end(months[-1])
    in_area = (VacancyWeek.district.in_(districts), who.vacancies())
    latest = session.scalar(select(func.max(VacancyWeek.week)).where(
        VacancyWeek.week < last_day, *in_area))
    demand = Demand(latest)
    if latest is None:
        return demand
    now = select(VacancyWeek.role_code, VacancyWeek.district, func.sum(VacancyWeek.open),
                 func.sum(VacancyWeek.long_open), func.sum(VacancyWeek.pay_known),
                 func.sum(VacancyWeek.pay_hourly_total),
                 func.sum(VacancyWeek.pay_below_floor)).where(
        VacancyWeek.week == latest, *in_area).group_by(VacancyWeek.role_code,
                                                       VacancyWeek.district)
    for role, district, *sums in session.execute(now):
        demand.now[(role, district)] = NowSums(int(sums[0] or 0), int(sums[1] or 0),
                                               int(sums[2] or 0), float(sums[3] or 0.0),
                                               int(sums[4] or 0))
    weekly = select(VacancyWeek.week, VacancyWeek.role_code, VacancyWeek.district,
                    func.sum(VacancyWeek.open), func.sum(VacancyWeek.new),
                    func.sum(VacancyWeek.closed), func.sum(VacancyWeek.readvertised)).where(
        VacancyWeek.week >= months[0], VacancyWeek.week < last_day, *in_area).group_by(
        VacancyWeek.week, VacancyWeek.role_code, VacancyWeek.district)
    # One pass over the weeks (the index ix_vacancy_weeks_picture holds every column read),
    # summed here once both ways: every view then reads a few thousand sums.
    role_open: dict[tuple[date, str, str], int] = {}
    for week, role, district, *sums in session.execute(weekly):
        opened, new, closed, readvertised = (int(s or 0) for s in sums)
        role_open[(week, role, district)] = opened
        place = demand.weeks.setdefault((week, district), WeekSums())
        place.open += opened
        place.new += new
        place.closed += closed
        place.readvertised += readvertised
        kind = demand.year_roles.setdefault((role, district), WeekSums())
        kind.new += new
        kind.readvertised += readvertised
    for week, _ in demand.weeks:
        index = _month_index(months, week)
        demand.last_weeks[index] = max(demand.last_weeks.get(index, week), week)
    last = set(demand.last_weeks.values())
    demand.month_end_open = {key: n for key, n in role_open.items() if key[0] in last}
    return demand


def open_by_role(demand: Demand, months: list[date], district: str | None
                 ) -> dict[str, list[int | None]]:
    """Each role's open vacancies month by month in one district (or the whole area, None):
    as by_month, the month's last week, and None for a month with no snapshot."""
    last = demand.last_weeks
    found: dict[str, list[int | None]] = {}
    for (week, role, place), opened in demand.month_end_open.items():
        if district is not None and place != district:
            continue
        counts = found.setdefault(role, [0 if i in last else None for i in range(len(months))])
        index = _month_index(months, week)
        counts[index] = (counts[index] or 0) + opened
    return {role: counts for role, counts in found.items() if any(counts)}


@dataclass
class MonthDemand:
    open: int | None = None  # None: no snapshot that month
    new: int = 0
    closed: int = 0
    readvertised: int = 0


def by_month(demand: Demand, months: list[date], district: str | None) -> list[MonthDemand]:
    """Each month's demand in one district (or the whole area, None)."""
    found = [MonthDemand() for _ in months]
    open_in_week: dict[date, int] = defaultdict(int)
    for (week, place), sums in demand.weeks.items():
        if district is not None and place != district:
            open_in_week.setdefault(week, 0)
            continue
        month = found[_month_index(months, week)]
        month.new += sums.new
        month.closed += sums.closed
        month.readvertised += sums.readvertised
        open_in_week[week] += sums.open
    for week in sorted(open_in_week):  # the month's last week wins
        found[_month_index(months, week)].open = open_in_week[week]
    return found


def _month_index(months: list[date], week: date) -> int:
    return (week.year - months[0].year) * 12 + week.month - months[0].month


def year_by_role(demand: Demand, district: str | None) -> dict[str, WeekSums]:
    """New and re-advertised vacancies of each role over the months."""
    found: dict[str, WeekSums] = defaultdict(WeekSums)
    for (role, place), sums in demand.year_roles.items():
        if district is None or place == district:
            found[role].new += sums.new
            found[role].readvertised += sums.readvertised
    return found


def now_by_role(demand: Demand, district: str | None) -> dict[str, NowSums]:
    found: dict[str, NowSums] = defaultdict(NowSums)
    for (role, place), sums in demand.now.items():
        if district is None or place == district:
            found[role].add(sums)
    return found


def now_by_district(demand: Demand) -> dict[str, NowSums]:
    found: dict[str, NowSums] = defaultdict(NowSums)
    for (_, place), sums in demand.now.items():
        found[place].add(sums)
    return found
