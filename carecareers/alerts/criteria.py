"""What an alert watches: a role or words, a place and radius, apprenticeships only or not."""

from __future__ import annotations

from dataclasses import dataclass

from carecareers import catalogue
from carecareers.alerts.errors import InvalidAlert
from carecareers.geo import Gazetteer
from carecareers.vacancies.roles import RoleIndex, words

DEFAULT_RADIUS_MILES = 10.0
MAX_RADIUS_MILES = 50.0
_APPRENTICE = {"apprentice", "apprentices", "apprenticeship", "apprenticeships"}
_IGNORED = {
    "a", "an", "and", "any", "about", "alert", "alerts", "at", "care", "come", "comes", "for",
    "in", "job", "jobs", "know", "let", "like", "me", "my", "near", "new", "of", "or", "the",
    "to", "up", "vacancies", "vacancy", "when", "work", "role", "roles", "i", "with", "tell",
    "around", "these",
}


@dataclass(frozen=True)
class AlertCriteria:
    role_code: str | None = None
    keywords: str = ""
    place: str | None = None
    outcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_miles: float | None = None
    apprenticeships_only: bool = False

    def describe(self, role_names: dict[str, str] | None = None) -> str:
        """In plain words: 'healthcare assistant jobs within 10 miles of ST4'."""
        what = (role_names or {}).get(self.role_code or "", "") or (
            (self.role_code or "").replace("_", " ")) or self.keywords
        kind = "apprenticeships" if self.apprenticeships_only else "jobs"
        watch = catalogue.text(f"chat.watch.{kind}", what=what) if what else \
            catalogue.text(f"chat.watch.care_{kind}")
        if self.place:
            watch = catalogue.text("chat.watch.near", watch=watch, place=self.place,
                                   miles=f"{self.radius_miles or DEFAULT_RADIUS_MILES:g}")
        return watch


def build_criteria(gazetteer: Gazetteer, roles: RoleIndex, *, what: str | None = None,
                   role: str | None = None, place: str | None = None,
                   radius_miles: float | None = None,
                   apprenticeships_only: bool | None = None) -> AlertCriteria:
    """Turn what the person asked for into criteria; InvalidAlert if the place is unknown."""
    role_code = roles.resolve(role) if role else None
    text = words(what or "")
    found = roles.matches(text)
    if role_code is None and found:
        role_code = found[0].code
    for match in found:
        text = text[: match.start] + " " * (match.end - match.start) + text[match.end:]
    leftover = [t for t in text.split() if t not in _IGNORED and len(t) > 1]
    apprenticeships = bool(apprenticeships_only) or any(t in _APPRENTICE for t in leftover)
    keywords = " ".join(t for t in leftover if t not in _APPRENTICE and not _is_place_word(
        t, place))[:200]
    if role and role_code is None:
        keywords = " ".join(words(role).split())[:200]
    located = _locate(gazetteer, place) if place else None
    radius = min(max(radius_miles or DEFAULT_RADIUS_MILES, 1.0), MAX_RADIUS_MILES)
    return AlertCriteria(
        role_code=role_code, keywords=keywords,
        place=located[0] if located else None, outcode=located[1] if located else None,
        latitude=located[2] if located else None, longitude=located[3] if located else None,
        radius_miles=radius if located else None, apprenticeships_only=apprenticeships)


def _is_place_word(token: str, place: str | None) -> bool:
    return bool(place) and token in words(place or "").split()


def _locate(gazetteer: Gazetteer, place: str) -> tuple[str, str | None, float, float]:
    """Return (name, outcode, lat, lon); keep only the district of a full postcode."""
    found = gazetteer.find(place)
    if found is None:
        raise InvalidAlert(catalogue.text("chat.alert_errors.place_not_found", place=place))
    name = found.outcode if found.outcode else found.name
    return name, found.outcode, found.latitude, found.longitude
