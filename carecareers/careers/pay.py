"""What a role pays: an NHS band, or at least the minimum wage for your age in social care."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from carecareers.careers.errors import NoPayRate
from carecareers.careers.phrasing import as_of, capitalised, pounds, with_article
from carecareers.careers.records import (
    AgendaForChange,
    Band,
    CareersContent,
    MedianPay,
    MinimumWage,
    Role,
    WageRates,
)
from carecareers.careers.roles import get_role

# Who each minimum wage rate is for, as said in a reply.
RATE_WHO = {
    "21 and over": "people 21 and over",
    "18 to 20": "18 to 20 year olds",
    "under 18": "under-18s",
    "apprentice": "apprentices",
}


@dataclass(frozen=True)
class BandPay:
    """An NHS role: its Agenda for Change band or bands, per year full-time."""

    role: Role
    bands: tuple[Band, ...]
    table: AgendaForChange

    @property
    def low(self) -> Decimal:
        return min(band.low for band in self.bands)

    @property
    def high(self) -> Decimal:
        return max(band.high for band in self.bands)


@dataclass(frozen=True)
class HourlyPay:
    """A social care role: the legal minimum per hour for the person, and the median."""

    role: Role
    hourly: Decimal
    rate: str
    age: int | None
    rates: WageRates
    table: MinimumWage
    median: MedianPay


@dataclass(frozen=True)
class NotedPay:
    """A role whose pay the content only describes in words."""

    role: Role
    note: str


Pay = BandPay | HourlyPay | NotedPay


def pay_for(
    content: CareersContent,
    role: str,
    age: int | None = None,
    on: date | None = None,
    apprentice: bool = False,
    first_year: bool = False,
) -> Pay:
    """Work out the pay for `role` (a code or words) on date `on` (default today)."""
    found = get_role(content, role)
    day = on or date.today()
    if found.pay.kind == "nhs_band":
        return band_pay(content, found, day)
    if found.pay.kind == "minimum_wage":
        return hourly_pay(content, found, day, age, apprentice, first_year)
    return NotedPay(found, found.pay.note or "")


def band_pay(content: CareersContent, role: Role, on: date) -> BandPay:
    table = content.pay.agenda_for_change
    if on < table.starts:
        raise NoPayRate("Agenda for Change", on)
    bands = tuple(band for number in role.pay.bands if (band := table.band(number)))
    return BandPay(role, bands, table)


def hourly_pay(
    content: CareersContent,
    role: Role,
    on: date,
    age: int | None,
    apprentice: bool,
    first_year: bool,
) -> HourlyPay:
    table = content.pay.minimum_wage
    rates = rates_on(table, on)
    rate = rate_name(table, age, apprentice, first_year)
    return HourlyPay(
        role, rate_amount(rates, rate), rate, age, rates, table, content.pay.social_care_median
    )


def rates_on(table: MinimumWage, on: date) -> WageRates:
    """Return the minimum wage rates in force on `on`."""
    in_force = [rates for rates in table.rates if rates.starts <= on]
    if not in_force:
        raise NoPayRate("national minimum wage", on)
    return in_force[-1]


def rate_name(table: MinimumWage, age: int | None, apprentice: bool, first_year: bool) -> str:
    """Say which minimum wage rate applies: an age band, or the apprentice rate."""
    young = age is None or age < table.apprentice_under_age
    if apprentice and (young or (first_year and table.apprentice_first_year_any_age)):
        return "apprentice"
    if age is None or age >= 21:
        return "21 and over"
    return "18 to 20" if age >= 18 else "under 18"


def rate_amount(rates: WageRates, rate: str) -> Decimal:
    return {
        "21 and over": rates.age_21_plus,
        "18 to 20": rates.age_18_to_20,
        "under 18": rates.under_18,
        "apprentice": rates.apprentice,
    }[rate]


def format_pay(pay: Pay) -> str:
    """Say the pay in one short sentence, with "as of <month year>" and the source."""
    if isinstance(pay, BandPay):
        return format_band_pay(pay)
    if isinstance(pay, HourlyPay):
        return format_hourly_pay(pay)
    return f"{pay.note.rstrip('.')} ({as_of(pay.role.as_of, pay.role.source)})."


def format_band_pay(pay: BandPay) -> str:
    table = pay.table
    about = "about " if table.approximate else ""
    amount = pounds(pay.low) if pay.low == pay.high else f"{pounds(pay.low)} to {pounds(pay.high)}"
    wording = pay.role.pay.wording or " or ".join(f"band {band.band}" for band in pay.bands)
    return (
        f"{capitalised(with_article(pay.role.name))} is on NHS {wording}: {about}{amount} "
        f"a year full-time ({as_of(table.as_of, table.source)})."
    )


def format_hourly_pay(pay: HourlyPay) -> str:
    median = pay.median
    legal = f"({as_of(pay.rates.as_of, pay.table.source)})"
    typical = (
        f"the median for {median.who} was about {pounds(median.hourly)} an hour "
        f"({as_of(median.as_of, median.source)})"
    )
    if pay.age is None and pay.rate == "21 and over":
        return (
            f"{capitalised(pay.role.name)}s get at least the minimum wage for their age: "
            f"{pounds(pay.hourly)} an hour at 21 and over, less if younger {legal}; {typical}."
        )
    who = (
        f"an apprentice {pay.role.name}"
        if pay.rate == "apprentice"
        else with_article(pay.role.name)
    )
    aged = f" aged {pay.age}" if pay.age is not None else ""
    return (
        f"{capitalised(who)}{aged} gets at least {pounds(pay.hourly)} an hour, the minimum wage "
        f"for {RATE_WHO[pay.rate]} {legal}; {typical}."
    )
