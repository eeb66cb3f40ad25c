"""Shared reading of JSON feeds whose entries sit in one top-level array."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carecareers.vacancies.errors import FeedError
from carecareers.vacancies.jsonstream import JsonArrayReader
from carecareers.vacancies.sources.base import FeedInfo


def read_json_array(path: Path, key: str, what: str, info: FeedInfo) -> Iterator[Any]:
    """Stream the elements of `document[key]`; FeedError if the file is bad or has no such array."""
    with path.open(encoding="utf-8-sig") as handle:
        reader = JsonArrayReader(handle, (key,), what=what)
        yield from reader
    if reader.found_key is None:
        raise FeedError(f"{what} has no {key!r} array of entries")
    if reader.found_key == "":
        raise FeedError(f"{what} is a bare JSON array; expected an object with {key!r}")
    info.meta.update({k: v for k, v in reader.meta.items() if not isinstance(v, (dict, list))})
    for name in ("totalPages", "total_pages"):
        if isinstance(reader.meta.get(name), int):
            info.total_pages = reader.meta[name]
