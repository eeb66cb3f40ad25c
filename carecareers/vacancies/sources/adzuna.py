"""Adzuna job search API (JSON): attribute "Jobs by Adzuna".

`results[]` with `id`, `title`, `description`, `created`, `redirect_url`,
`company.display_name`, `location.display_name`, `location.area[]`, `latitude`,
`longitude`, `category{tag,label}`, `salary_min`, `salary_max`, `salary_is_predicted`,
`contract_type`, `contract_time`. Adzuna gives no closing date: its vacancies stay open
until a complete import no longer lists them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carecareers.vacancies.records import VacancyRecord
from carecareers.vacancies.salary import format_salary
from carecareers.vacancies.sources.base import (
    Attribution,
    FeedFormat,
    FeedInfo,
    nested,
    require_object,
)
from carecareers.vacancies.sources.jsonfeed import read_json_array
from carecareers.vacancies.text import (
    entry_date,
    one_line,
    optional_float,
    raw_text,
    required_text,
    source_id_of,
)


def read_entries(path: Path, info: FeedInfo) -> Iterator[Any]:
    return read_json_array(path, "results", "Adzuna feed", info)


def to_record(raw: Any) -> VacancyRecord:
    entry = require_object(raw)
    source_id = source_id_of(entry.get("id"))
    salary_min = optional_float(entry.get("salary_min"))
    salary_max = optional_float(entry.get("salary_max"))
    salary_text = format_salary(salary_min, salary_max, "year")
    if salary_text and str(entry.get("salary_is_predicted")) in ("1", "True", "true"):
        salary_text += " (estimated by Adzuna)"
    return VacancyRecord(
        source_id=source_id,
        title=required_text(entry.get("title"), "missing title", source_id),
        employer=one_line(nested(entry, "company", "display_name")),
        description=raw_text(entry.get("description")),
        location_text=_location_text(entry.get("location")),
        latitude=optional_float(entry.get("latitude")),
        longitude=optional_float(entry.get("longitude")),
        salary_text=salary_text,
        salary_min=salary_min,
        salary_max=salary_max,
        salary_period="year" if salary_min is not None or salary_max is not None else None,
        contract_type=_contract(entry),
        url=one_line(entry.get("redirect_url")),
        posted_on=entry_date(entry.get("created"), "bad posted date", source_id),
    )


def _location_text(location: Any) -> str:
    if not isinstance(location, dict):
        return ""
    display = one_line(location.get("display_name"))
    area = [one_line(a) for a in location.get("area") or [] if isinstance(a, str)]
    if area and area[-1] and area[-1] not in display:
        return f"{display}, {area[-1]}" if display else area[-1]
    return display


def _contract(entry: dict[str, Any]) -> str:
    words = [one_line(entry.get(k)).replace("_", " ") for k in ("contract_type", "contract_time")]
    return ", ".join(w for w in words if w)


FORMAT = FeedFormat(
    name="adzuna",
    title="Adzuna",
    read_entries=read_entries,
    to_record=to_record,
    attribution=Attribution("Jobs by Adzuna", "https://www.adzuna.co.uk/"),
)
