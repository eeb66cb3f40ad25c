"""The programme board's picture: demand, supply, the gap between them, conversion and the
questions nobody answered, for the whole area and each of its districts.

Everything is read once per picture (a few grouped queries, never the vacancies table) and
protected once (suppression.py); the area's view and each district's are cut from the same
protected tables, so every page, the printed report and the CSV agree.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from carecareers.careers.content import load_content
from carecareers.catalogue import text
from carecareers.picture import views
from carecareers.picture.conversion import read_conversion
from carecareers.picture.demand import read_demand
from carecareers.picture.months import months_to
from carecareers.picture.places import places_for
from carecareers.picture.slices import Slice
from carecareers.picture.supply import read_supply
from carecareers.picture.tables import Table
from carecareers.picture.themes import load_themes, questions_by_theme


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

    @property
    def districts(self) -> list[str]:
        return [view.label for view in self.views[1:]]

    def view(self, district: str | None = None) -> PlaceView:
        found = next((v for v in self.views if v.district == (district or None)), None)
        if found is None:
            raise UnknownDistrict(district)
        return found


def build_picture(session: Session, content_dir: Path, month: date, who: Slice) -> Picture:
    """The picture of the 12 months to `month` (its first day) for the whole programme or one
    provider's slice."""
    months = months_to(month)
    places = places_for(content_dir)
    careers = load_content(content_dir)
    themes = load_themes(content_dir)
    readers: dict[str, Callable[[Session], Any]] = {
        "demand": lambda own: read_demand(own, who, places.districts, months),
        "supply": lambda own: read_supply(own, who, places, months),
        "conversion": lambda own: read_conversion(own, who, months),
        "questions": lambda own: questions_by_theme(own, themes, months) if who.whole else None,
    }
    read = _read_together(session, readers)
    demand, supply, conversion = read["demand"], read["supply"], read["conversion"]
    questions = read["questions"]
    built = views.Builder(months, places, careers, demand, supply, conversion, who,
                          themes, questions)
    area = PlaceView(None, places.area, built.area_tables())
    districts = [PlaceView(name, name, built.district_tables(name))
                 for name in places.districts]
    return Picture(months[-1], tuple(months), demand.latest_week, who, places.area,
                   (area, *districts))


def _read_together(session: Session, readers: dict[str, Callable[[Session], Any]]
                   ) -> dict[str, Any]:
    """Each reader's result. On PostgreSQL they run at once, each in a session of its own
    (each of their statements would see its own snapshot anyway, under READ COMMITTED, as
    in one session): the server works on them side by side. SQLite answers one at a time,
    and so does a session bound to one connection (its transaction's rows are its own)."""
    engine = session.get_bind()
    if not isinstance(engine, Engine) or engine.dialect.name != "postgresql":
        return {name: reader(session) for name, reader in readers.items()}

    def run(reader: Callable[[Session], Any]) -> Any:
        with Session(engine) as own:
            return reader(own)

    with ThreadPoolExecutor(max_workers=len(readers)) as pool:
        running = {name: pool.submit(run, reader) for name, reader in readers.items()}
        return {name: future.result() for name, future in running.items()}


def scope_note(who: Slice) -> str:
    """What the picture covers, in words."""
    if who.whole:
        return text("dashboard.picture.scope_whole")
    return text("dashboard.picture.scope_provider", provider=who.provider_name or "")
