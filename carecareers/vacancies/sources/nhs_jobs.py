"""NHS Jobs `search_xml` feed (Open Government Licence: attribute NHS Jobs, link back).

Root `<nhsJobs>` with `<totalPages>`, `<totalResults>` and one `<vacancyDetails>` per job
holding `id`, `reference`, `title`, `employer`, `description`, `locations` (nested
`<locations>` texts such as "Stoke-on-Trent, ST4 6QG"), `salary`, `type`, `postDate`,
`closeDate` and `url`. Read with `iterparse`, clearing each job once mapped.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carecareers.geo import find_postcodes
from carecareers.vacancies.errors import FeedError
from carecareers.vacancies.records import VacancyRecord
from carecareers.vacancies.sources.base import OGL_URL, Attribution, FeedFormat, FeedInfo
from carecareers.vacancies.text import entry_date, one_line, required_text, source_id_of

ROOT_TAG = "nhsJobs"
ENTRY_TAG = "vacancyDetails"


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_entries(path: Path, info: FeedInfo) -> Iterator[dict[str, Any] | None]:
    """Yield each `<vacancyDetails>` as a dict of its fields (locations as a list)."""
    try:
        with path.open("rb") as handle:
            yield from _walk(handle, info)
    except ET.ParseError as exc:
        raise FeedError(_describe_parse_error(exc)) from None


def _walk(handle: Any, info: FeedInfo) -> Iterator[dict[str, Any] | None]:
    depth = 0
    root: ET.Element | None = None
    for event, elem in ET.iterparse(handle, events=("start", "end")):
        if event == "start":
            depth += 1
            if root is None:
                root = _check_root(elem)
            continue
        depth -= 1
        if depth != 1:
            continue
        name = _local(elem.tag)
        if name == ENTRY_TAG:
            yield None if info.count_only else _entry(elem)
        elif name in ("totalPages", "totalResults"):
            _note_total(info, name, elem.text)
        elem.clear()
        if root is not None:
            root.clear()
    if root is None:
        raise FeedError("NHS Jobs feed is empty")


def _note_total(info: FeedInfo, name: str, text: str | None) -> None:
    value = (text or "").strip()
    info.meta[name] = value
    if name == "totalPages" and value.isdigit():
        info.total_pages = int(value)


def _check_root(elem: ET.Element) -> ET.Element:
    if _local(elem.tag) != ROOT_TAG:
        raise FeedError(f"not an NHS Jobs search_xml feed: the root element is <{elem.tag}>, "
                        f"not <{ROOT_TAG}>")
    return elem


def _describe_parse_error(exc: ET.ParseError) -> str:
    line, column = getattr(exc, "position", (0, 0))
    message = str(exc).split(":")[0]
    if message == "no element found" and (line, column) == (1, 0):
        return "NHS Jobs feed is empty"
    if message in ("no element found", "unclosed token"):
        return f"NHS Jobs feed is truncated: it ends at line {line} before the XML is complete"
    return f"NHS Jobs feed is not well-formed XML: {message} at line {line}, column {column}"


def _entry(elem: ET.Element) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for child in elem:
        name = _local(child.tag)
        if name == "locations":
            texts = [(c.text or "").strip() for c in child if _local(c.tag) == "locations"]
            own = (child.text or "").strip()
            fields[name] = [t for t in ([own] if own else []) + texts if t]
        elif len(child):
            fields[name] = " ".join(t.strip() for t in child.itertext() if t.strip())
        else:
            fields[name] = child.text or ""
    return fields


def to_record(entry: dict[str, Any]) -> VacancyRecord:
    source_id = source_id_of(entry.get("id"))
    title = required_text(entry.get("title"), "missing title", source_id)
    locations = entry.get("locations") or []
    location_text = _best_location(locations)
    return VacancyRecord(
        source_id=source_id,
        title=title,
        employer=one_line(entry.get("employer")),
        description=entry.get("description") or "",
        location_text=location_text,
        postcode=next(iter(find_postcodes(location_text)), None),
        salary_text=one_line(entry.get("salary")),
        contract_type=one_line(entry.get("type")),
        url=one_line(entry.get("url")),
        posted_on=entry_date(entry.get("postDate"), "bad posted date", source_id),
        closes_on=entry_date(entry.get("closeDate"), "bad closing date", source_id),
    )


def _best_location(locations: list[str]) -> str:
    """The first location that holds a postcode, else the first location."""
    for location in locations:
        if find_postcodes(location):
            return location
    return locations[0] if locations else ""


FORMAT = FeedFormat(
    name="nhs_jobs",
    title="NHS Jobs",
    read_entries=read_entries,
    to_record=to_record,
    attribution=Attribution("Contains NHS Jobs data, Open Government Licence v3.0", OGL_URL),
)
