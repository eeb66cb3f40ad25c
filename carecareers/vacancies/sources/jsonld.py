"""schema.org JobPosting in JSON-LD, as providers publish on their own sites.

A location may be a `.json`/`.jsonld` file holding one JobPosting, a list of them or an
`@graph`, or an HTML page with `<script type="application/ld+json">` blocks. Required:
`title`, `description`, `datePosted`, `hiringOrganization`, `jobLocation`; recommended:
`validThrough`, `baseSalary` (MonetaryAmount with a QuantitativeValue
`value`/`minValue`/`maxValue` and `unitText`), `employmentType`, `identifier`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from carecareers.vacancies.errors import FeedError
from carecareers.vacancies.jsonstream import JsonArrayReader
from carecareers.vacancies.records import EntryProblem, VacancyRecord
from carecareers.vacancies.sources.base import FeedFormat, FeedInfo, require_object
from carecareers.vacancies.text import (
    entry_date,
    one_line,
    optional_float,
    raw_text,
    required_text,
    source_id_of,
)

_UNIT_PERIODS = {"HOUR": "hour", "DAY": "day", "WEEK": "week", "MONTH": "month", "YEAR": "year"}
_READ_CHARS = 1 << 16


@dataclass
class MalformedBlock:
    """A `<script type="application/ld+json">` block that is not valid JSON."""

    detail: str


class _LdJsonScripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.blocks: list[str] = []
        self._current: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = (dict(attrs).get("type") or "").split(";")[0].strip().lower()
        if tag == "script" and kind == "application/ld+json":
            self._current = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._current is not None:
            self.blocks.append("".join(self._current))
            self._current = None

    def handle_data(self, data: str) -> None:
        if self._current is not None:
            self._current.append(data)

    def take_blocks(self) -> list[str]:
        blocks, self.blocks = self.blocks, []
        return blocks


def read_entries(path: Path, info: FeedInfo) -> Iterator[Any]:
    """Yield each JobPosting object (or a MalformedBlock) in a JSON-LD file or HTML page."""
    try:
        with path.open(encoding="utf-8-sig") as handle:
            first = _first_char(handle)
            if first in "[{":
                yield from _json_document(handle)
            elif first == "<":
                yield from _html_page(handle)
            elif first == "":
                raise FeedError("JSON-LD feed is empty")
            else:
                raise FeedError(f"JSON-LD feed is neither JSON nor HTML (starts with {first!r})")
    except UnicodeDecodeError as exc:
        raise FeedError(f"JSON-LD feed is not UTF-8 text ({exc.reason})") from None


def _first_char(handle: Any) -> str:
    """Return the first character that is not white space, then rewind."""
    char = handle.read(1)
    while char and char.isspace():
        char = handle.read(1)
    handle.seek(0)
    return char


def _json_document(handle: Any) -> Iterator[Any]:
    reader = JsonArrayReader(handle, ("@graph",), what="JSON-LD feed")
    streamed = False
    for item in reader:
        streamed = True
        yield from job_postings(item)
    if not streamed and reader.found_key is None:
        yield from job_postings(reader.meta)


def _html_page(handle: Any) -> Iterator[Any]:
    parser = _LdJsonScripts()
    while chunk := handle.read(_READ_CHARS):
        parser.feed(chunk)
        yield from _parse_blocks(parser.take_blocks())
    parser.close()
    yield from _parse_blocks(parser.take_blocks())


def _parse_blocks(blocks: list[str]) -> Iterator[Any]:
    for block in blocks:
        try:
            data = json.loads(block)
        except json.JSONDecodeError as exc:
            yield MalformedBlock(f"{exc.msg} at character {exc.pos}")
            continue
        yield from job_postings(data)


def job_postings(data: Any) -> Iterator[Any]:
    """Yield the JobPosting objects in a JSON-LD value (a list, an @graph or one object)."""
    if isinstance(data, list):
        for item in data:
            yield from job_postings(item)
    elif isinstance(data, dict):
        if isinstance(data.get("@graph"), list):
            yield from job_postings(data["@graph"])
        elif _is_job_posting(data):
            yield data


def _is_job_posting(data: dict[str, Any]) -> bool:
    kind = data.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return any(isinstance(k, str) and k.rsplit("/", 1)[-1] == "JobPosting" for k in kinds)


def to_record(raw: Any) -> VacancyRecord:
    if isinstance(raw, MalformedBlock):
        raise EntryProblem("malformed JSON-LD", raw.detail)
    entry = require_object(raw)
    source_id = _identifier(entry)
    place = _first(entry.get("jobLocation"))
    address = _first(place.get("address"))
    minimum, maximum, period = _salary(entry.get("baseSalary"))
    return VacancyRecord(
        source_id=source_id,
        title=required_text(entry.get("title"), "missing title", source_id),
        employer=_organisation(entry.get("hiringOrganization")),
        description=raw_text(entry.get("description")),
        location_text=_location_text(place, address, entry),
        postcode=one_line(address.get("postalCode")) or None,
        latitude=optional_float(_geo(place, "latitude")),
        longitude=optional_float(_geo(place, "longitude")),
        salary_min=minimum,
        salary_max=maximum,
        salary_period=period,
        contract_type=_employment_type(entry.get("employmentType")),
        url=one_line(entry.get("url")),
        posted_on=entry_date(entry.get("datePosted"), "bad posted date", source_id),
        closes_on=entry_date(entry.get("validThrough"), "bad closing date", source_id),
    )


def _identifier(entry: dict[str, Any]) -> str:
    identifier = entry.get("identifier")
    if isinstance(identifier, dict):
        identifier = identifier.get("value")
    if identifier not in (None, ""):
        return source_id_of(identifier)
    url = one_line(entry.get("url"))
    if not url:
        raise EntryProblem("missing id", "no identifier and no url")
    return url if len(url) <= 128 else "url-" + hashlib.sha1(url.encode()).hexdigest()[:20]


def _first(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), {})
    return value if isinstance(value, dict) else {}


def _organisation(value: Any) -> str:
    if isinstance(value, dict):
        return one_line(value.get("name"))
    return one_line(value) if isinstance(value, str) else ""


def _location_text(place: dict[str, Any], address: dict[str, Any], entry: dict[str, Any]) -> str:
    if not place and entry.get("jobLocationType") == "TELECOMMUTE":
        return "Remote"
    if not address and isinstance(place.get("address"), str):
        return one_line(place["address"])
    parts = [one_line(address.get(k)) for k in ("addressLocality", "postalCode")]
    return ", ".join(p for p in parts if p) or one_line(place.get("name"))


def _geo(place: dict[str, Any], key: str) -> Any:
    geo = place.get("geo")
    return geo.get(key) if isinstance(geo, dict) else None


def _salary(value: Any) -> tuple[float | None, float | None, str | None]:
    if not isinstance(value, dict):
        return None, None, None
    amount = value.get("value")
    if isinstance(amount, dict):
        period = _UNIT_PERIODS.get(str(amount.get("unitText") or "").upper())
        single = optional_float(amount.get("value"))
        minimum = optional_float(amount.get("minValue"))
        maximum = optional_float(amount.get("maxValue"))
        if single is not None:
            minimum = maximum = single
        return minimum, maximum if maximum is not None else minimum, period
    single = optional_float(amount)
    period = _UNIT_PERIODS.get(str(value.get("unitText") or "").upper())
    return single, single, period


def _employment_type(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    names = [one_line(v).replace("_", " ").lower() for v in values if isinstance(v, str)]
    return ", ".join(n for n in names if n)


FORMAT = FeedFormat(
    name="jsonld",
    title="schema.org JobPosting (JSON-LD)",
    read_entries=read_entries,
    to_record=to_record,
)
