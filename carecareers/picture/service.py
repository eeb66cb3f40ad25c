"""The programme board's picture: demand, supply, the gap between them, conversion and the
questions nobody answered, for the whole area and each of its districts.

Everything is read once per picture, from counts made before (the vacancies' weekly snapshots,
the people's monthly counts: counting.py), never from the vacancies or the people, and
protected once (suppression.py); the area's view and each district's are cut from the same
protected tables, so every page, the printed report and the CSV agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from carecareers.careers.content import load_content
from carecareers.catalogue import text
from carecareers.clock import SYSTEM_CLOCK, Clock
from carecareers.picture import views
from carecareers.picture.conversion import read_conversion
from carecareers.picture.counting import ensure_counted, questions_by_theme
from carecareers.picture.demand import read_demand
from carecareers.picture.months import months_to
from carecareers.picture.places import places_for
from carecareers.picture.slices import Slice
from carecareers.picture.supply import read_supply
from carecareers.picture.tables import Table
from carecareers.picture.themes import load_themes


class UnknownDistrict(LookupError):
    """A district that is not one of the area's."""


@dataclass(frozen=True)
class PlaceView:
    """The tables of the whole area (district None) or of one district."""

    district: str | None
    label: str
    tables: tuple[Table, ...]

    def table(self, code: str) -> Table | None:
        return next((t for t in self.tables if t.code == code), None)


@dataclass(frozen=True)
class Picture:
    month: date
    months: tuple[date, ...]
    latest_week: date | None
    who: Slice
    area: str
    views: tuple[PlaceView, ...]  # the whole area first, then each district
    counted_at: datetime | None = None  # when its people were counted

    @property
    def districts(self) -> list[str]:
        return [view.label for view in self.views[1:]]

    def view(self, district: str | None = None) -> PlaceView:
        found = next((v for v in self.views if v.district == (district or None)), None)
        if found is None:
            raise UnknownDistrict(district)
        return found


def build_picture(session: Session, content_dir: Path, month: date, who: Slice,
                  clock: Clock = SYSTEM_CLOCK,
                  recount_after: timedelta = timedelta(minutes=30)) -> Picture:
    """The picture of the 12 months to `month` (its first day) for the whole programme or one
    provider's slice. The people in it are counted again first when their counts are older
    than `recount_after` or do not cover the months (counting.py), in the caller's
    transaction."""
    months = months_to(month)
    counted = ensure_counted(session, content_dir, clock, recount_after, months)
    places = places_for(content_dir)
    careers = load_content(content_dir)
    themes = load_themes(content_dir)
    demand = read_demand(session, who, places.districts, months)
    supply = read_supply(session, who, places, months)
    conversion = read_conversion(session, who, months)
    questions = questions_by_theme(session, themes, months) if who.whole else None
    built = views.Builder(months, places, careers, demand, supply, conversion, who,
                          themes, questions)
    area = PlaceView(None, places.area, built.area_tables())
    districts = [PlaceView(name, name, built.district_tables(name))
                 for name in places.districts]
    return Picture(months[-1], tuple(months), demand.latest_week, who, places.area,
                   (area, *districts), counted.counted_at)


def scope_note(who: Slice) -> str:
    """What the picture covers, in words."""
    if who.whole:
        return text("dashboard.picture.scope_whole")
    return text("dashboard.picture.scope_provider", provider=who.provider_name or "")
