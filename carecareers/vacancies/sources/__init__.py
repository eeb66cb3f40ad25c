"""The feed formats we import, by name; a source is a format name, optionally `:label`.

`provider_csv:douglas-macmillan` and `jsonld:keele-care` keep each provider's vacancies
apart (idempotence and `--complete` expiry work per source).
"""

from __future__ import annotations

import re

from carecareers.vacancies.errors import UnknownSource
from carecareers.vacancies.sources import (
    adzuna,
    dwp_find_a_job,
    find_apprenticeship,
    jsonld,
    nhs_jobs,
    provider_csv,
)
from carecareers.vacancies.sources.base import Attribution, FeedFormat, FeedInfo

FORMATS: dict[str, FeedFormat] = {
    module.FORMAT.name: module.FORMAT
    for module in (nhs_jobs, find_apprenticeship, dwp_find_a_job, adzuna, jsonld, provider_csv)
}
_SOURCE_RE = re.compile(r"^(?P<format>[a-z_]+)(?::(?P<label>[a-z0-9][a-z0-9_.-]{0,40}))?$")


def format_of(source: str) -> FeedFormat:
    """Return the feed format a source names; UnknownSource otherwise."""
    match = _SOURCE_RE.match(source)
    if match is None or match.group("format") not in FORMATS:
        known = ", ".join(sorted(FORMATS))
        raise UnknownSource(
            f"unknown source {source!r}: use one of {known}, optionally followed by "
            "':label' (lower case letters, digits, '-', '_' or '.')"
        )
    return FORMATS[match.group("format")]


def attribution_of(source: str) -> Attribution | None:
    """Return the attribution to show for a stored source name, if its licence asks for one."""
    feed_format = FORMATS.get(source.split(":", 1)[0])
    return feed_format.attribution if feed_format else None


__all__ = ["FORMATS", "Attribution", "FeedFormat", "FeedInfo", "attribution_of", "format_of"]
