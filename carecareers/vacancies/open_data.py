"""The weekly vacancy history as open data for the area's analysts (/data/vacancies.csv and
/data/vacancies.json; docs/open-data.md documents every column).

Only the vacancy side, and no people: the rows of `vacancy_weeks` (carecareers/vacancies/
history.py gives the definitions) for the programme's area (content/geo/districts.yml), one
row per week, postcode district and role, summed over publishers. The filters are checked
here; a bad one raises `OpenDataQueryError`, whose words are a text of the catalogue.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.geo import Districts
from carecareers.models import VacancyWeek
from carecareers.vacancies.history import MOST_WEEKS, monday_of

DEFAULT_WEEKS = 52
MOST_YEARS = 5  # MOST_WEEKS
COLUMNS = ("week", "district", "outcode", "role_code", "role_name", "open", "new", "closed",
           "readvertised", "long_open", "pay_known", "mean_hourly_pay", "pay_below_floor",
           "share_below_floor")


class OpenDataQueryError(ValueError):
    """A filter that cannot be answered: `status` for the answer, `text_id` its words (with
    `values` for the placeholders)."""

    def __init__(self, status: int, text_id: str, **values: Any) -> None:
        super().__init__(text_id)
        self.status, self.text_id, self.values = status, text_id, values


@dataclass(frozen=True)
class OpenDataQuery:
    """The weeks from the Monday of `first` to the Monday of `last`, of one district or of
    the whole area."""

    first: date
    last: date
    district: str | None = None
    outcodes: tuple[str, ...] = field(default=(), compare=False)


def read_open_data_query(districts: Districts, today: date, first: str | None,
                         last: str | None, district: str | None) -> OpenDataQuery:
    """The filters asked for, checked: ISO dates, in order, at most five years apart, and a
    district of the area (any case). By default the last 52 weeks, this one included."""
    try:
        last_week = monday_of(_day(last) if last else today)
        first_week = (monday_of(_day(first)) if first
                      else last_week - timedelta(weeks=DEFAULT_WEEKS - 1))
    except OverflowError:  # a week before the year 1
        raise OpenDataQueryError(400, "web.open_data.bad_date") from None
    if last_week < first_week:
        raise OpenDataQueryError(400, "web.open_data.bad_order")
    if (last_week - first_week).days // 7 + 1 > MOST_WEEKS:
        raise OpenDataQueryError(400, "web.open_data.too_long", years=MOST_YEARS)
    name = _district(districts, district) if district else None
    outcodes = tuple(sorted(code for code, of in districts.of_outcode.items()
                            if name is None or of == name))
    return OpenDataQuery(first_week, last_week, name, outcodes)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise OpenDataQueryError(400, "web.open_data.bad_date") from None


def _district(districts: Districts, asked: str) -> str:
    wanted = " ".join(asked.split()).casefold()
    for name in districts.names:
        if name.casefold() == wanted:
            return name
    raise OpenDataQueryError(400, "web.open_data.bad_district",
                             districts=", ".join(districts.names))


def area_weeks(session: Session, districts: Districts, query: OpenDataQuery,
               role_names: Mapping[str, str]) -> list[dict[str, Any]]:
    """The rows asked for, by week, district, postcode district and role (see COLUMNS)."""
    weeks = VacancyWeek
    keys = (weeks.week, weeks.outcode, weeks.role_code)
    found = session.execute(
        select(*keys, func.sum(weeks.open), func.sum(weeks.new), func.sum(weeks.closed),
               func.sum(weeks.readvertised), func.sum(weeks.long_open),
               func.sum(weeks.pay_known), func.sum(weeks.pay_hourly_total),
               func.sum(weeks.pay_below_floor))
        .where(weeks.week.between(query.first, query.last), weeks.outcode.in_(query.outcodes))
        .group_by(*keys)
    )
    rows = [_row(districts, role_names, *values) for values in found]
    rows.sort(key=lambda row: (row["week"], row["district"], row["outcode"], row["role_code"]))
    return rows


def _row(districts: Districts, role_names: Mapping[str, str], week: date, outcode: str,
         role: str, opened: int, new: int, closed: int, readvertised: int, long_open: int,
         pay_known: int, pay_total: float, below: int) -> dict[str, Any]:
    return {
        "week": week.isoformat(), "district": districts.district_of(outcode) or "",
        "outcode": outcode, "role_code": role, "role_name": role_names.get(role, ""),
        "open": int(opened), "new": int(new), "closed": int(closed),
        "readvertised": int(readvertised), "long_open": int(long_open),
        "pay_known": int(pay_known),
        "mean_hourly_pay": round(float(pay_total) / pay_known, 2) if pay_known else None,
        "pay_below_floor": int(below),
        "share_below_floor": round(below / pay_known, 3) if pay_known else None,
    }


def as_csv(rows: list[dict[str, Any]]) -> bytes:
    """A header row of COLUMNS, then the rows; a figure not known is left empty."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(["" if row[name] is None else row[name] for name in COLUMNS])
    return out.getvalue().encode("utf-8")


def as_json(rows: list[dict[str, Any]], query: OpenDataQuery, area: str) -> bytes:
    """The rows, with the area, weeks and district they are for; null for a figure not known."""
    return json.dumps({
        "area": area, "from": query.first.isoformat(), "to": query.last.isoformat(),
        "district": query.district, "columns": list(COLUMNS), "rows": rows,
    }, separators=(",", ":")).encode("utf-8")
