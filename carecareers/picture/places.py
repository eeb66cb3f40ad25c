"""Where figures are counted: the programme's districts, then outside the area and not known."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from carecareers.catalogue import text
from carecareers.geo import Districts, districts_for

OUTSIDE = "outside"  # a postcode district outside the programme's area
UNKNOWN = "unknown"  # no postcode given, or one the gazetteer does not know


@dataclass(frozen=True)
class Places:
    """The columns of a table by place: each district of the area, then OUTSIDE and UNKNOWN."""

    area: str
    districts: tuple[str, ...]
    lookup: Districts

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.districts, OUTSIDE, UNKNOWN)

    def of_outcode(self, outcode: str | None) -> int:
        """The column of a person's or an event's postcode district."""
        if not outcode:
            return len(self.districts) + 1
        if self.lookup.in_area(outcode):
            return self.districts.index(self.lookup.district_of(outcode) or "")
        return len(self.districts) if self.lookup.district_of(outcode) else len(
            self.districts) + 1

    def label(self, place: str) -> str:
        if place in (OUTSIDE, UNKNOWN):
            return text(f"dashboard.picture.places.{place}")
        return place


def places_for(content_dir: Path) -> Places:
    districts = districts_for(content_dir)
    return Places(districts.area, tuple(districts.names), districts)
