"""DWP Find a job (JSON, partner access).

`jobs[]` with `title`, `url`, `closing`, `posted`, `company`, `location`, `salary` and
`description`; `pager.total_entries`. Jobs carry no separate id: the number in the job's
URL (`/details/12345678`) is its id.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carecareers.vacancies.records import EntryProblem, VacancyRecord
from carecareers.vacancies.sources.base import Attribution, FeedFormat, FeedInfo, require_object
from carecareers.vacancies.sources.jsonfeed import read_json_array
from carecareers.vacancies.text import entry_date, one_line, raw_text, required_text

_JOB_NUMBER_RE = re.compile(r"/details/(\d+)|[?&]jobId=(\d+)|/(\d{5,})(?:[/?#]|$)")


def read_entries(path: Path, info: FeedInfo) -> Iterator[Any]:
    return read_json_array(path, "jobs", "DWP Find a job feed", info)


def job_id(url: str) -> str:
    """Return the job number in a Find a job URL, or a short hash of the URL."""
    match = _JOB_NUMBER_RE.search(url)
    if match:
        return next(group for group in match.groups() if group)
    return "url-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:20]


def to_record(raw: Any) -> VacancyRecord:
    entry = require_object(raw)
    url = one_line(entry.get("url"))
    if not url:
        raise EntryProblem("missing id", "a job needs its url (its id is taken from it)")
    source_id = job_id(url)
    return VacancyRecord(
        source_id=source_id,
        title=required_text(entry.get("title"), "missing title", source_id),
        employer=one_line(entry.get("company")),
        description=raw_text(entry.get("description")),
        location_text=one_line(entry.get("location")),
        salary_text=one_line(entry.get("salary")),
        url=url,
        posted_on=entry_date(entry.get("posted"), "bad posted date", source_id),
        closes_on=entry_date(entry.get("closing"), "bad closing date", source_id),
    )


FORMAT = FeedFormat(
    name="dwp_find_a_job",
    title="DWP Find a job",
    read_entries=read_entries,
    to_record=to_record,
    attribution=Attribution("Job advertised on DWP Find a job", "https://findajob.dwp.gov.uk/"),
)
