"""Where places are: postcode districts (outward codes), towns and distances between them.

Positions come from `content/geo/uk_outcodes.csv` (district centroids, a few km of
accuracy); a full postcode is located by its outward code.
"""

from __future__ import annotations

import csv
import logging
import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

logger = logging.getLogger(__name__)

EARTH_RADIUS_MILES = 3958.8
MILES_PER_DEGREE_LATITUDE = 69.05

_OUTCODE = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_INCODE = r"[0-9][A-Z]{2}"
POSTCODE_RE = re.compile(rf"\b({_OUTCODE})\s*({_INCODE})\b", re.IGNORECASE)
OUTCODE_RE = re.compile(rf"^{_OUTCODE}$", re.IGNORECASE)
_OUTCODE_TOKEN_RE = re.compile(rf"\b{_OUTCODE}\b", re.IGNORECASE)
# The words around a place that correct one said before: "sorry, I meant Stone",
# "no i meant ST5 not ST4", "soz meant to put leek".
_CORRECTION_RE = re.compile(
    r"^\W*(?:(?:sorry|soz|sry|oops|whoops|no|nah|oh|ah|wait|my bad|actually)\b\W*)*"
    r"(?:i\s+)?(?:meant|mean|ment)\b(?:\s+to\s+(?:say|put|type|write))?\s*(?:in|near|round)?\s+",
    re.IGNORECASE)
_AFTER_CORRECTION_RE = re.compile(r"\s+(?:not\b.*|instead|sorry|soz|lol)\W*$|[\s.!,]+$",
                                  re.IGNORECASE)

# Places people name that the outcode file does not list as a town.
TOWN_ALIASES: dict[str, str] = {
    "stoke": "stoke on trent",
    "the potteries": "stoke on trent",
    "newcastle staffs": "ST5",
    "hanley": "ST1",
    "burslem": "ST6",
    "tunstall": "ST6",
    "longton": "ST3",
    "fenton": "ST4",
    "meir": "ST3",
    "rugeley": "WS15",
}


class UnknownPlace(LookupError):
    """A place that is neither a known postcode, postcode district nor town."""

    def __init__(self, place: str) -> None:
        self.place = place
        super().__init__(
            f"Cannot find the place {place!r}: give a postcode (such as ST4 6QG), "
            "a postcode district (such as ST4) or a town"
        )


@dataclass(frozen=True)
class Outcode:
    code: str
    latitude: float
    longitude: float
    town: str
    county: str
    country: str


@dataclass(frozen=True)
class Place:
    name: str
    latitude: float
    longitude: float
    outcode: str | None = None


def normalise_postcode(text: str) -> str | None:
    """Return a full postcode in its usual form ("ST4 6QG"), or None."""
    match = POSTCODE_RE.fullmatch(text.strip())
    if match is None:
        return None
    return f"{match.group(1).upper()} {match.group(2).upper()}"


def outcode_of(text: str) -> str | None:
    """Return the outward code of a full postcode or of an outward code, or None."""
    cleaned = text.strip().upper()
    postcode = normalise_postcode(cleaned)
    if postcode:
        return postcode.split(" ")[0]
    return cleaned if OUTCODE_RE.match(cleaned) else None


def is_correction(text: str) -> bool:
    """Whether a message corrects something said before ("sorry, I meant Stone")."""
    return _CORRECTION_RE.match(text) is not None


def place_said(text: str) -> str:
    """The place in a typed answer, without the words of a correction around it.

    "sorry, I meant Stone" -> "Stone"; "no i meant ST5 not ST4" -> "ST5"; "Leek" -> "Leek".
    """
    match = _CORRECTION_RE.match(text)
    place = text[match.end():] if match else text
    return _AFTER_CORRECTION_RE.sub("", place).strip()


def find_postcodes(text: str) -> list[str]:
    """Return the full postcodes written anywhere in a piece of text, in order."""
    return [f"{m.group(1).upper()} {m.group(2).upper()}" for m in POSTCODE_RE.finditer(text)]


def haversine_miles(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(
    latitude: float, longitude: float, radius_miles: float
) -> tuple[float, float, float, float]:
    """Return (min_lat, max_lat, min_lon, max_lon) enclosing a circle of the radius."""
    dlat = radius_miles / MILES_PER_DEGREE_LATITUDE
    cos_lat = max(math.cos(math.radians(min(abs(latitude) + dlat, 89.9))), 1e-6)
    dlon = radius_miles / (MILES_PER_DEGREE_LATITUDE * cos_lat)
    return latitude - dlat, latitude + dlat, longitude - dlon, longitude + dlon


def _place_key(name: str) -> str:
    text = name.lower().replace("&", " and ").replace("-", " ").replace(".", " ")
    text = re.sub(r"[^a-z0-9 ]+", " ", text)
    return " ".join(text.split())


class Gazetteer:
    """Outward codes and towns, looked up by name; built from the outcode CSV."""

    def __init__(self, outcodes: Iterable[Outcode]) -> None:
        self._outcodes: dict[str, Outcode] = {o.code: o for o in outcodes}
        self._towns: dict[str, list[Outcode]] = defaultdict(list)
        for outcode in self._outcodes.values():
            for name in {outcode.town, outcode.county} - {""}:
                self._towns[_place_key(name)].append(outcode)
        self._counties = {_place_key(o.county) for o in self._outcodes.values() if o.county}
        self._nearest_cache: dict[tuple[float, float], str] = {}

    @classmethod
    def from_csv(cls, path: Path) -> Gazetteer:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            outcodes = [_outcode_from_row(row) for row in csv.DictReader(handle)]
        logger.debug("loaded %d outcodes from %s", len(outcodes), path)
        return cls(o for o in outcodes if o is not None)

    def __len__(self) -> int:
        return len(self._outcodes)

    def outcode(self, code: str) -> Outcode | None:
        return self._outcodes.get(code.strip().upper())

    def town(self, name: str, within: str | None = None) -> Place | None:
        """Locate a town (or local authority) by name: the centre of its districts.

        `within` names a county to prefer when several places share the name.
        """
        key = _place_key(name)
        alias = TOWN_ALIASES.get(key)
        if alias and OUTCODE_RE.match(alias):
            outcode = self._outcodes.get(alias)
            return _place(name.strip(), [outcode]) if outcode else None
        members = self._towns.get(alias or key)
        if not members:
            return None
        if within:
            in_county = [m for m in members if _place_key(m.county) == _place_key(within)]
            members = in_county or members
        return _place(name.strip(), _largest_county_group(members))

    def locate(self, text: str) -> Place:
        """Locate a postcode, outward code or town; raise UnknownPlace otherwise."""
        place = self.find(text)
        if place is None:
            raise UnknownPlace(text)
        return place

    def find(self, text: str) -> Place | None:
        cleaned = " ".join(text.split())
        if not cleaned:
            return None
        code = outcode_of(cleaned)
        if code:
            outcode = self._outcodes.get(code)
            if outcode is None:
                return None
            name = normalise_postcode(cleaned) or code
            return Place(name, outcode.latitude, outcode.longitude, code)
        return self.town(cleaned)

    def locate_text(self, text: str) -> Place | None:
        """Best effort for free-text locations: a postcode, a district, then a town."""
        for postcode in find_postcodes(text):
            outcode = self._outcodes.get(postcode.split(" ")[0])
            if outcode:
                return Place(postcode, outcode.latitude, outcode.longitude, outcode.code)
        for token in _OUTCODE_TOKEN_RE.findall(text):
            outcode = self._outcodes.get(token.upper())
            if outcode and any(ch.isdigit() for ch in token):
                return Place(outcode.code, outcode.latitude, outcode.longitude, outcode.code)
        parts = [p.strip() for p in re.split(r"[,/;()|]", text) if p.strip()]
        county = next((p for p in parts if _place_key(p) in self._counties), None)
        for part in parts:
            place = self.town(part, within=county)
            if place:
                return place
        return None

    def nearest_outcode(self, latitude: float, longitude: float) -> str | None:
        """Return the outward code whose centre is nearest a point (within 15 miles)."""
        key = (round(latitude, 3), round(longitude, 3))
        if key not in self._nearest_cache:
            self._nearest_cache[key] = self._scan_nearest(latitude, longitude)
        return self._nearest_cache[key] or None

    def _scan_nearest(self, latitude: float, longitude: float) -> str:
        cos_lat = math.cos(math.radians(latitude))
        best, best_d2 = "", float("inf")
        for outcode in self._outcodes.values():
            dlon = (outcode.longitude - longitude) * cos_lat
            d2 = (outcode.latitude - latitude) ** 2 + dlon**2
            if d2 < best_d2:
                best, best_d2 = outcode.code, d2
        return best if math.sqrt(best_d2) * MILES_PER_DEGREE_LATITUDE <= 15 else ""


def _outcode_from_row(row: dict[str, str]) -> Outcode | None:
    try:
        return Outcode(
            code=row["postcode"].strip().upper(),
            latitude=float(row["latitude"]),
            longitude=float(row["longitude"]),
            town=(row.get("city") or "").strip(),
            county=(row.get("county") or "").strip(),
            country=(row.get("country_name") or "").strip(),
        )
    except (KeyError, ValueError):
        return None


def _largest_county_group(members: list[Outcode]) -> list[Outcode]:
    groups: dict[str, list[Outcode]] = defaultdict(list)
    for outcode in members:
        groups[outcode.county].append(outcode)
    return max(groups.values(), key=len)


def _place(name: str, members: list[Outcode]) -> Place:
    latitude = sum(o.latitude for o in members) / len(members)
    longitude = sum(o.longitude for o in members) / len(members)
    outcode = members[0].code if len(members) == 1 else None
    return Place(name, latitude, longitude, outcode)


def outcodes_csv(content_dir: Path) -> Path:
    return content_dir / "geo" / "uk_outcodes.csv"


@lru_cache(maxsize=4)
def gazetteer_for(content_dir: Path) -> Gazetteer:
    """Return the gazetteer of a content folder, loaded once per process."""
    return Gazetteer.from_csv(outcodes_csv(content_dir))


def default_gazetteer() -> Gazetteer:
    from carecareers.settings import get_settings

    return gazetteer_for(get_settings().content_dir)


@dataclass(frozen=True)
class Districts:
    """The local authority district of each postcode district (content/geo/districts.yml):
    the programme's area by name, others by the gazetteer's county."""

    area: str
    of_outcode: dict[str, str]
    gazetteer: Gazetteer

    def district_of(self, outcode: str | None) -> str | None:
        """The district of a postcode district, or None when it is not known at all."""
        if not outcode:
            return None
        code = outcode.strip().upper()
        if code in self.of_outcode:
            return self.of_outcode[code]
        known = self.gazetteer.outcode(code)
        return known.county or None if known else None

    def in_area(self, outcode: str | None) -> bool:
        return bool(outcode) and outcode.strip().upper() in self.of_outcode

    @property
    def names(self) -> list[str]:
        """The area's districts, in alphabetical order."""
        return sorted(set(self.of_outcode.values()))


@lru_cache(maxsize=4)
def districts_for(content_dir: Path) -> Districts:
    """The districts of a content folder, loaded once per process."""
    data = yaml.safe_load((content_dir / "geo" / "districts.yml").read_text(encoding="utf-8"))
    of_outcode = {code.upper(): name for name, codes in data["districts"].items()
                  for code in codes}
    return Districts(str(data["area"]), of_outcode, gazetteer_for(content_dir))
