"""What every feed format provides: a streaming reader, a mapper, an attribution."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carecareers.vacancies.records import BadEntry, EntryProblem, VacancyRecord

OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


@dataclass(frozen=True)
class Attribution:
    """The credit a source's licence asks us to show beside its vacancies."""

    text: str
    url: str

    def as_dict(self) -> dict[str, str]:
        return {"text": self.text, "url": self.url}


@dataclass
class FeedInfo:
    """What a validating pass over a whole feed file learned."""

    entries: int = 0
    total_pages: int | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    count_only: bool = False
    """Set while checking: a reader may then yield None instead of building each entry."""


EntryReader = Callable[[Path, FeedInfo], Iterator[Any]]
EntryMapper = Callable[[Any], VacancyRecord]


@dataclass(frozen=True)
class FeedFormat:
    """One feed format: `read_entries` streams raw entries (FeedError for a bad file),
    `to_record` maps one entry (EntryProblem for a bad entry)."""

    name: str
    title: str
    read_entries: EntryReader
    to_record: EntryMapper
    attribution: Attribution | None = None

    def check(self, path: Path) -> FeedInfo:
        """Read the whole file once, raising FeedError if it is truncated or malformed."""
        info = FeedInfo(count_only=True)
        for _ in self.read_entries(path, info):
            info.entries += 1
        return info

    def records(self, path: Path) -> Iterator[VacancyRecord | BadEntry]:
        """Yield a record, or a BadEntry saying why not, for each entry of the feed."""
        for index, entry in enumerate(self.read_entries(path, FeedInfo()), start=1):
            try:
                yield self.to_record(entry)
            except EntryProblem as problem:
                yield BadEntry(index, problem.reason, problem.detail, problem.source_id)


def require_object(entry: Any) -> dict[str, Any]:
    if not isinstance(entry, dict):
        raise EntryProblem("not an object", f"got {type(entry).__name__}")
    return entry


def nested(entry: dict[str, Any], *keys: str) -> Any:
    """Return entry[k1][k2]... or None when any level is missing or not an object."""
    value: Any = entry
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
