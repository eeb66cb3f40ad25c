"""The careers content as frozen dataclasses, read from content/careers/*.yml."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Sector = Literal["nhs", "social_care", "both"]
PayKind = Literal["nhs_band", "minimum_wage", "other"]
ProgrammeStatus = Literal["advertised", "in_development"]
ProviderKind = Literal["nhs_trust", "care_home", "hospice", "home_care", "gp_practice", "voluntary"]


@dataclass(frozen=True)
class Source:
    code: str
    name: str
    url: str | None
    note: str | None = None  # for editors only, never said


@dataclass(frozen=True)
class Apprenticeship:
    standard: str
    level: int
    months: int | None
    as_of: date | None
    source: Source | None


@dataclass(frozen=True)
class RolePay:
    kind: PayKind
    bands: tuple[int, ...]
    wording: str | None
    note: str | None


@dataclass(frozen=True)
class Lookalike:
    """Words for a different job that people mix up with this role, and what to say."""

    words: tuple[str, ...]
    note: str


@dataclass(frozen=True)
class Role:
    code: str
    name: str
    synonyms: tuple[str, ...]
    summary: str
    sector: Sector
    entry: tuple[str, ...]
    apprenticeship: Apprenticeship | None
    registration: str | None
    pay: RolePay
    next: tuple[str, ...]
    as_of: date
    source: Source
    not_the_same: Lookalike | None = None


@dataclass(frozen=True)
class StartingPoint:
    code: str
    name: str
    aliases: tuple[str, ...]
    next: tuple[str, ...]


@dataclass(frozen=True)
class StepDetail:
    """How one step on the ladder is made, where the target role's default is not enough."""

    start: str
    target: str
    how: str
    level: int | None
    months: int | None
    as_of: date | None
    source: Source | None
    min_age: int | None = None
    max_age: int | None = None

    def fits(self, age: int | None) -> bool:
        """Whether this way of making the step holds for someone of `age` (None: unknown)."""
        if self.min_age is None and self.max_age is None:
            return True
        if age is None:
            return False
        return (self.min_age or 0) <= age <= (self.max_age if self.max_age is not None else 200)


@dataclass(frozen=True)
class ApprenticeshipLevel:
    code: str
    name: str
    levels: tuple[int, ...]
    equivalent: str
    as_of: date
    source: Source


@dataclass(frozen=True)
class CareCertificate:
    summary: str
    weeks: int
    as_of: date
    source: Source


@dataclass(frozen=True)
class EnglishAndMaths:
    """What apprentices need in English and maths, by the age they start."""

    starts: date
    source: Source
    under_19: str
    from_19: str
    unknown_age: str
    degrees: str
    degrees_source: Source

    def for_age(self, age: int | None) -> str:
        if age is None:
            return self.unknown_age
        return self.under_19 if age < 19 else self.from_19


@dataclass(frozen=True)
class Levels:
    levels: tuple[ApprenticeshipLevel, ...]
    english_and_maths: EnglishAndMaths
    care_certificate: CareCertificate


@dataclass(frozen=True)
class WageRates:
    """The national minimum wage per hour, in force from `starts`."""

    starts: date
    source: Source
    age_21_plus: Decimal
    age_18_to_20: Decimal
    under_18: Decimal
    apprentice: Decimal


@dataclass(frozen=True)
class MinimumWage:
    rates: tuple[WageRates, ...]
    from_age: int
    apprentice_under_age: int
    apprentice_first_year_any_age: bool
    check_at: str


@dataclass(frozen=True)
class Band:
    band: int
    low: Decimal
    high: Decimal


@dataclass(frozen=True)
class BandTable:
    """One year of Agenda for Change pay, in force from `starts`."""

    year: str
    starts: date
    source: Source
    approximate: bool
    bands: tuple[Band, ...]

    def band(self, number: int) -> Band | None:
        return next((band for band in self.bands if band.band == number), None)


@dataclass(frozen=True)
class AgendaForChange:
    basis: str
    check_at: str
    tables: tuple[BandTable, ...]

    def band_numbers(self) -> set[int]:
        return {band.band for table in self.tables for band in table.bands}


@dataclass(frozen=True)
class PayWording:
    """How pay itself is talked about (careers/pay.yml `wording`), placeholders in braces."""

    band: str
    band_one_rate: str
    band_jobs: str
    before_tax: str
    tax_check_at: str


@dataclass(frozen=True)
class PayTables:
    minimum_wage: MinimumWage
    agenda_for_change: AgendaForChange
    wording: PayWording


@dataclass(frozen=True)
class Programme:
    code: str
    name: str
    topic: str
    area: str
    status: ProgrammeStatus
    summary: str
    settings: tuple[str, ...]
    levels: tuple[int, ...]
    months: int | None
    places: int | None
    as_of: date
    source: Source


@dataclass(frozen=True)
class PathwayStage:
    role: str
    how: str
    level: int
    months: int | None
    as_of: date
    source: Source


@dataclass(frozen=True)
class GraduatePathway:
    name: str
    summary: str
    stages: tuple[PathwayStage, ...]
    other_routes: str


@dataclass(frozen=True)
class ProviderEntry:
    code: str
    name: str
    kind: ProviderKind
    areas: tuple[str, ...]
    programmes: tuple[str, ...]
    roles: tuple[str, ...]
    contact_email: str


@dataclass(frozen=True)
class CareersContent:
    roles: tuple[Role, ...]
    starting_points: tuple[StartingPoint, ...]
    steps: tuple[StepDetail, ...]
    levels: Levels
    pay: PayTables
    programmes: tuple[Programme, ...]
    graduate_pathway: GraduatePathway
    providers: tuple[ProviderEntry, ...]
    sources: tuple[Source, ...]

    def role(self, code: str) -> Role | None:
        return next((role for role in self.roles if role.code == code), None)

    def starting_point(self, code: str) -> StartingPoint | None:
        return next((point for point in self.starting_points if point.code == code), None)

    def step_detail(self, start: str, target: str, age: int | None = None) -> StepDetail | None:
        """How to make this step for someone of `age`: the first entry that fits them."""
        return next(
            (s for s in self.steps if (s.start, s.target) == (start, target) and s.fits(age)),
            None,
        )

    def programme(self, code: str) -> Programme | None:
        return next((p for p in self.programmes if p.code == code), None)
