"""Turn a feed's vacancy record into the values we store: role, level, salary, place."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from carecareers.geo import Gazetteer, Place, normalise_postcode
from carecareers.vacancies.records import VacancyRecord
from carecareers.vacancies.roles import RoleIndex, words
from carecareers.vacancies.salary import (
    PayRates,
    Salary,
    band_named,
    format_salary,
    parse_salary,
)
from carecareers.vacancies.text import one_line, strip_html

MAX_DESCRIPTION_CHARS = 20_000
_APPRENTICE_RE = re.compile(r"\bapprentice(?:ship)?s?\b", re.IGNORECASE)
_LEVEL_RE = re.compile(r"\b(?:level|lvl|l)\s*([2-7])\b", re.IGNORECASE)
_LEVEL_NAMES = {"intermediate": 2, "advanced": 3, "higher": 4, "degree": 6}
_LEVEL_NAME_RE = re.compile(r"\b(intermediate|advanced|higher|degree)\b", re.IGNORECASE)
_UNSAFE_URL = re.compile(r"[\s\x00-\x1f\x7f<>\"'\\]")
_EMPLOYER_NOISE = {"ltd", "limited", "plc", "the", "llp", "cic", "uk"}
_HASHED_FIELDS = (
    "title", "employer", "description", "location_text", "postcode", "latitude", "longitude",
    "salary_text", "salary_min", "salary_max", "salary_period", "is_apprenticeship", "level",
    "contract_type", "url", "posted_on", "closes_on",
)


@dataclass
class NormalisedVacancy:
    source_id: str
    values: dict[str, Any]
    index: int = 0
    """Position of the entry in its feed (1-based), for reports."""

    @property
    def content_hash(self) -> str:
        return str(self.values["content_hash"])

    @property
    def dedupe_key(self) -> str:
        return str(self.values["dedupe_key"])

    @property
    def closes_on(self) -> date | None:
        return self.values["closes_on"]


def level_name_to_number(name: str) -> int | None:
    """Return the level of an apprenticeship level name ("Advanced" -> 3)."""
    return _LEVEL_NAMES.get(name.strip().lower())


def detect_apprenticeship(*texts: str) -> bool:
    return any(_APPRENTICE_RE.search(t) for t in texts if t)


def detect_level(*texts: str) -> int | None:
    """Return the apprenticeship level a title or course text names, if any."""
    for text in texts:
        match = _LEVEL_RE.search(text or "")
        if match:
            return int(match.group(1))
    for text in texts:
        match = _LEVEL_NAME_RE.search(text or "")
        if match:
            return _LEVEL_NAMES[match.group(1).lower()]
    return None


def dedupe_key(title: str, employer: str, outcode: str | None) -> str:
    """Return the key that recognises the same job in two feeds ("" when unsure)."""
    if not outcode or not title or not employer:
        return ""
    employer_words = [w for w in words(employer).split() if w not in _EMPLOYER_NOISE]
    return f"{words(title)}|{' '.join(employer_words)}|{outcode}"[:300]


class Normaliser:
    """Normalise vacancy records with one gazetteer, one role index and the pay tables.

    `today` stands in for the posting day of a record that has none.
    """

    def __init__(self, gazetteer: Gazetteer, roles: RoleIndex, pay: PayRates,
                 today: date) -> None:
        self.gazetteer = gazetteer
        self.roles = roles
        self.pay = pay
        self.today = today

    def normalise(self, record: VacancyRecord) -> NormalisedVacancy:
        values: dict[str, Any] = {
            "title": one_line(record.title)[:300],
            "employer": one_line(record.employer)[:300],
            "description": strip_html(record.description)[:MAX_DESCRIPTION_CHARS],
            "location_text": one_line(record.location_text)[:300],
            "contract_type": one_line(record.contract_type)[:64],
            "url": web_link(record.url),
            "posted_on": record.posted_on,
            "closes_on": record.closes_on,
        }
        values.update(self._place(record, values["location_text"]))
        values.update(self._salary(record))
        values.update(self._role(record, values["title"]))
        values["content_hash"] = content_hash(values)
        values["dedupe_key"] = dedupe_key(values["title"], values["employer"], values["outcode"])
        return NormalisedVacancy(record.source_id, values)

    def _place(self, record: VacancyRecord, location_text: str) -> dict[str, Any]:
        postcode = normalise_postcode(record.postcode or "") if record.postcode else None
        place: Place | None = self.gazetteer.find(postcode) if postcode else None
        if place is None and location_text:
            place = self.gazetteer.locate_text(location_text)
            if postcode is None and place is not None and normalise_postcode(place.name):
                postcode = place.name
        latitude, longitude = _valid_point(record.latitude, record.longitude)
        outcode = place.outcode if place else None
        if latitude is None and place is not None:
            latitude, longitude = place.latitude, place.longitude
        if outcode is None and latitude is not None and longitude is not None:
            outcode = self.gazetteer.nearest_outcode(latitude, longitude)
        return {"postcode": postcode, "outcode": outcode, "latitude": latitude,
                "longitude": longitude}

    def _salary(self, record: VacancyRecord) -> dict[str, Any]:
        text = one_line(record.salary_text)[:300]
        minimum, maximum, period = record.salary_min, record.salary_max, record.salary_period
        if minimum is None and maximum is None:
            found = self._figures(record, text)
            minimum, maximum, period = found.minimum, found.maximum, found.period
        if not text:
            text = format_salary(minimum, maximum, period)
        return {"salary_text": text, "salary_min": minimum, "salary_max": maximum,
                "salary_period": period}

    def _figures(self, record: VacancyRecord, text: str) -> Salary:
        """The figures the salary text states, else those of the pay it names, on the day
        the vacancy was posted."""
        posted = record.posted_on or self.today
        if record.pay_rule is not None:
            return self.pay.rule(record.pay_rule, posted)
        stated = parse_salary(text)
        band = band_named(text) if stated == Salary() else None
        return self.pay.band(band, posted) if band is not None else stated

    def _role(self, record: VacancyRecord, title: str) -> dict[str, Any]:
        extra = one_line(record.extra_text)
        is_apprenticeship = record.is_apprenticeship
        if is_apprenticeship is None:
            is_apprenticeship = detect_apprenticeship(title, extra)
        level = record.level
        if level is None and is_apprenticeship:
            level = detect_level(title, extra)
        role_code = self.roles.role_of_title(title) or (
            self.roles.role_of_title(extra) if extra else None
        )
        return {"is_apprenticeship": bool(is_apprenticeship), "level": level,
                "role_code": role_code}


def web_link(url: str) -> str:
    """The link if it is a plain http(s) address of at most 1,000 characters, else ""."""
    url = url.strip()
    if len(url) > 1000 or _UNSAFE_URL.search(url):
        return ""
    try:
        parts = urlsplit(url)
        web = parts.scheme.lower() in ("http", "https") and bool(parts.hostname)
    except ValueError:  # a malformed address, such as an unclosed [IPv6]
        return ""
    return url if web else ""


def _valid_point(
    latitude: float | None, longitude: float | None
) -> tuple[float | None, float | None]:
    if latitude is None or longitude is None:
        return None, None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180) or (latitude, longitude) == (0, 0):
        return None, None
    return latitude, longitude


def content_hash(values: dict[str, Any]) -> str:
    """Return a stable hash of what a vacancy says (its feed id and timestamps aside)."""
    payload = "\x1f".join([str(values.get(name)) for name in _HASHED_FIELDS])
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
