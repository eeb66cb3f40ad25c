"""The careers content as frozen dataclasses, read from content/careers/*.yml."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

Sector = Literal["nhs", "social_care", "both"]
PayKind = Literal["nhs_band", "minimum_wage", "other"]
ProgrammeStatus = Literal["advertised", "in_development"]
ProviderKind = Literal["nhs_trust", "care_home", "hospice", "home_care", "gp_practice", "voluntary"]


@dataclass(frozen=True)
class MonthDay:
    """A day that comes back every year, such as 1 April."""

    month: int
    day: int

    def next_after(self, day: date) -> date:
        """The first time this day comes round after `day`."""
        this_year = date(day.year, self.month, self.day)
        return this_year if this_year > day else date(day.year + 1, self.month, self.day)


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
    english_and_maths: str | None = None  # a requirement code in levels.yml


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
class Phrases:
    """What a reply says around the facts, by name, with {named} placeholders."""

    file: str
    texts: Mapping[str, str]

    def say(self, key: str, /, **values: object) -> str:
        return self.texts[key].format(**values)


@dataclass(frozen=True)
class Requirement:
    """English and maths that employers, universities or regulators ask for at entry."""

    code: str
    says: str
    as_of: date
    source: Source


@dataclass(frozen=True)
class FundingRule:
    """What an apprentice who starts at 16 to 18 must reach, for these apprenticeship levels."""

    levels: tuple[int, ...]
    says: str


@dataclass(frozen=True)
class EnglishAndMaths:
    """English and maths: the apprenticeship funding rule by age and level, and the entry
    requirements that roles set themselves (which the funding rule never lifts)."""

    starts: date
    source: Source
    optional_from_age: int
    young: tuple[FundingRule, ...]
    young_any_level: str
    optional: str
    optional_too: str
    requirements: tuple[Requirement, ...]

    def funding_rule(self, age: int | None, levels: Collection[int] = ()) -> str:
        """The funding rule for someone of `age` (None: unknown) starting at these levels."""
        if age is not None and age >= self.optional_from_age:
            return self.optional
        young = self.for_levels(levels)
        return young if age is not None else f"{young} {self.optional_too}"

    def for_levels(self, levels: Collection[int]) -> str:
        """The 16 to 18 rule for every one of `levels` (all of them when it depends)."""
        wanted = set(levels)
        found = next((rule for rule in self.young if wanted and wanted <= set(rule.levels)),
                     None)
        return found.says if found else self.young_any_level

    def requirement(self, code: str) -> Requirement | None:
        return next((item for item in self.requirements if item.code == code), None)


@dataclass(frozen=True)
class Foundation:
    """Foundation apprenticeships: a level 2 way in, from the day they started."""

    says: str
    starts: date
    source: Source


@dataclass(frozen=True)
class Levels:
    levels: tuple[ApprenticeshipLevel, ...]
    english_and_maths: EnglishAndMaths
    care_certificate: CareCertificate
    foundation: Foundation
    phrases: Phrases


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
class TooYoung:
    """What to say to someone under school-leaving age instead of a wage ({age} is theirs)."""

    says: tuple[str, ...]
    as_of: date
    source: Source


@dataclass(frozen=True)
class MinimumWage:
    rates: tuple[WageRates, ...]
    from_age: int
    apprentice_under_age: int
    apprentice_first_year_any_age: bool
    check_at: str
    too_young: TooYoung
    changes_each_year: MonthDay


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
    changes_each_year: MonthDay

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
    role_phrases: Phrases
    programme_phrases: Phrases

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
