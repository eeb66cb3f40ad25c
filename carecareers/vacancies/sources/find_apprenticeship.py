"""Find an apprenticeship: the DfE display advert API v2 (JSON).

`vacancies[]` with `title`, `description`, `vacancyReference`, `vacancyUrl`,
`applicationUrl`, `postedDate`, `closingDate`, `startDate`, `employerName`,
`providerName`, `wage{wageType, wageUnit, wageAdditionalInformation}`, `hoursPerWeek`,
`expectedDuration`, `course{larsCode, title, level, route}`, `apprenticeshipLevel`,
`addresses[]{addressLine1..4, postcode, latitude, longitude}`, `isDisabilityConfident`,
`isNationalVacancy`; plus `total`, `totalFiltered`, `totalPages`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carecareers.vacancies.normalise import level_name_to_number
from carecareers.vacancies.records import EntryProblem, VacancyRecord
from carecareers.vacancies.salary import PayRule, Salary, parse_salary
from carecareers.vacancies.sources.base import (
    OGL_URL,
    Attribution,
    FeedFormat,
    FeedInfo,
    require_object,
)
from carecareers.vacancies.sources.jsonfeed import read_json_array
from carecareers.vacancies.text import (
    entry_date,
    one_line,
    optional_float,
    required_text,
    source_id_of,
)

_UNIT_PERIODS = {"hourly": "hour", "weekly": "week", "monthly": "month", "annually": "year",
                 "yearly": "year", "daily": "day"}


def read_entries(path: Path, info: FeedInfo) -> Iterator[Any]:
    return read_json_array(path, "vacancies", "Find an apprenticeship feed", info)


def to_record(raw: Any) -> VacancyRecord:
    entry = require_object(raw)
    source_id = source_id_of(entry.get("vacancyReference"))
    title = required_text(entry.get("title"), "missing title", source_id)
    posted_on = entry_date(entry.get("postedDate"), "bad posted date", source_id)
    address = _first_address(entry.get("addresses"))
    salary_text, salary, pay_rule = _wage(entry.get("wage"))
    course = _object(entry.get("course"))
    return VacancyRecord(
        source_id=source_id,
        title=title,
        employer=one_line(entry.get("employerName")),
        description=_description(entry),
        location_text=_address_text(address, entry),
        postcode=one_line(address.get("postcode")) or None,
        latitude=optional_float(address.get("latitude")),
        longitude=optional_float(address.get("longitude")),
        salary_text=salary_text,
        salary_min=salary.minimum,
        salary_max=salary.maximum,
        salary_period=salary.period,
        pay_rule=pay_rule,
        is_apprenticeship=True,
        level=_level(course, entry.get("apprenticeshipLevel"), source_id),
        contract_type="Apprenticeship",
        url=one_line(entry.get("vacancyUrl")) or one_line(entry.get("applicationUrl")),
        posted_on=posted_on,
        closes_on=entry_date(entry.get("closingDate"), "bad closing date", source_id),
        extra_text=one_line(course.get("title")),
    )


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _first_address(addresses: Any) -> dict[str, Any]:
    if isinstance(addresses, list):
        for address in addresses:
            if isinstance(address, dict):
                return address
    return {}


def _address_text(address: dict[str, Any], entry: dict[str, Any]) -> str:
    if not address and entry.get("isNationalVacancy"):
        return "National (several locations)"
    lines = [one_line(address.get(f"addressLine{n}")) for n in (3, 4)]
    town = next((line for line in lines if line), one_line(address.get("addressLine2")))
    postcode = one_line(address.get("postcode"))
    return ", ".join(part for part in (town, postcode) if part)


def _description(entry: dict[str, Any]) -> str:
    parts = [entry.get("description") or ""]
    if entry.get("providerName"):
        parts.append(f"<p>Training provider: {one_line(entry['providerName'])}</p>")
    if entry.get("expectedDuration"):
        parts.append(f"<p>Expected duration: {one_line(entry['expectedDuration'])}</p>")
    if entry.get("hoursPerWeek"):
        parts.append(f"<p>Hours per week: {one_line(entry['hoursPerWeek'])}</p>")
    return "\n".join(p for p in parts if isinstance(p, str))


def _level(course: dict[str, Any], level_name: Any, source_id: str) -> int | None:
    level = course.get("level")
    if isinstance(level, int) and not isinstance(level, bool) and 2 <= level <= 7:
        return level
    if isinstance(level, str) and level.strip().isdigit() and 2 <= int(level) <= 7:
        return int(level)
    if level not in (None, ""):
        raise EntryProblem("bad level", f"course level {level!r}", source_id)
    return level_name_to_number(str(level_name)) if isinstance(level_name, str) else None


def _wage(wage: Any) -> tuple[str, Salary, PayRule | None]:
    """Return the wage as text, the figures it states, and the pay rule it names, if any.

    A minimum wage is named by rule: its figures depend on the day the vacancy was posted.
    """
    if not isinstance(wage, dict):
        return "", Salary(), None
    wage_type = str(wage.get("wageType") or "").replace(" ", "").lower()
    extra = one_line(wage.get("wageAdditionalInformation"))
    period = _UNIT_PERIODS.get(str(wage.get("wageUnit") or "").lower())
    amount = optional_float(wage.get("wageAmount"))
    rule: PayRule | None = None
    salary = Salary()
    if wage_type == "apprenticeshipminimum":
        text, rule = "Apprenticeship minimum wage", "apprentice_minimum"
    elif wage_type in ("nationalminimum", "nationalminimumwage"):
        text, rule = "National Minimum Wage for your age", "national_minimum"
    elif wage_type in ("competitivesalary", "competitive"):
        text = "Competitive"
    elif amount is not None:
        text, salary = "", Salary(amount, amount, period)
    else:
        text, salary = "", parse_salary(extra)
    text = "; ".join(part for part in (text, extra) if part)
    return text, salary, rule


FORMAT = FeedFormat(
    name="find_apprenticeship",
    title="Find an apprenticeship",
    read_entries=read_entries,
    to_record=to_record,
    attribution=Attribution(
        "Contains public sector information from Find an apprenticeship, "
        "Open Government Licence v3.0",
        OGL_URL,
    ),
)
