"""Pay for the person asking: their age, apprenticeship and first year, on the day they ask.

Pay tables are dated rows (content/careers/pay.yml). The row in force on the day of the
conversation is used; a row 12 months past its start is out of date, so the reply says
it is the last figure known and where to check. The sentences are texts of
content/texts/en/careers.yml (`pay`), the figures filled in here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from carecareers import catalogue
from carecareers.careers.dated import in_force, is_stale
from carecareers.careers.errors import NoPayRate
from carecareers.careers.phrasing import (
    capitalised,
    dated_line,
    listed,
    month_year,
    pounds,
    with_article,
)
from carecareers.careers.records import (
    BandTable,
    CareersContent,
    MinimumWage,
    Role,
    WageRates,
)
from carecareers.careers.roles import get_role


@dataclass(frozen=True)
class Person:
    """What we know about the person asking; None where they have not said."""

    age: int | None = None
    apprentice: bool = False
    first_year: bool | None = None


@dataclass(frozen=True)
class Dated:
    """A few sentences of pay and the line that says where and when they come from."""

    sentences: tuple[str, ...]
    dated: str

    @property
    def text(self) -> str:
        return "\n".join([*self.sentences, self.dated])


def wage_row(table: MinimumWage, on: date) -> WageRates:
    """Return the minimum wage row in force on `on`, or raise `NoPayRate`."""
    row = in_force(table.rates, on, lambda rates: rates.starts)
    if row is None:
        raise NoPayRate("national minimum wage", on)
    return row


def band_row(content: CareersContent, on: date) -> BandTable:
    """Return the Agenda for Change table in force on `on`, or raise `NoPayRate`."""
    row = in_force(content.pay.agenda_for_change.tables, on, lambda table: table.starts)
    if row is None:
        raise NoPayRate("Agenda for Change", on)
    return row


def rate_for_age(rates: WageRates, age: int) -> tuple[Decimal, str]:
    """The minimum wage for someone of `age` who is not on the apprentice rate."""
    if age >= 21:
        return rates.age_21_plus, catalogue.text("careers.pay.rate.age_21_plus")
    if age >= 18:
        return rates.age_18_to_20, catalogue.text("careers.pay.rate.age_18_to_20")
    return rates.under_18, catalogue.text("careers.pay.rate.under_18")


def on_apprentice_rate(table: MinimumWage, person: Person) -> bool | None:
    """Whether the apprentice rate applies: True, False, or None when it depends on the year."""
    if not person.apprentice or person.age is None:
        return None if person.apprentice else False
    if person.age < table.apprentice_under_age:
        return True
    if not table.apprentice_first_year_any_age:
        return False
    return person.first_year


def stale_note(starts: date, check_at: str) -> str:
    return catalogue.text("careers.pay.stale", month=month_year(starts), check_at=check_at)


def amount(value: Decimal, approximate: bool) -> str:
    """An amount of pay: "£24,465", or "about £24,465" when it is worked out, not published."""
    written = pounds(value)
    return catalogue.text("careers.pay.about", amount=written) if approximate else written


# The minimum wage, for apprentices and everyone else.


def minimum_wage_pay(content: CareersContent, person: Person, on: date,
                     role: Role | None = None) -> Dated:
    """At least what the law says this person must be paid per hour, on `on`."""
    table = content.pay.minimum_wage
    rates = wage_row(table, on)
    if person.age is not None and person.age < table.from_age:
        return too_young(content, person.age, rates)
    if person.apprentice:
        sentences = apprentice_sentences(table, rates, person)
    else:
        sentences = age_sentences(rates, person.age, role)
    sentences.append(catalogue.text("careers.pay.more"))
    if is_stale(rates.starts, on):
        sentences.append(stale_note(rates.starts, table.check_at))
    return Dated(tuple(sentences), dated_line([(rates.starts, rates.source)]))


def apprentice_sentences(table: MinimumWage, rates: WageRates, person: Person) -> list[str]:
    apprentice = pounds(rates.apprentice)
    applies = on_apprentice_rate(table, person)
    age = person.age
    if age is None:
        under_age = table.apprentice_under_age
        return [
            catalogue.text("careers.pay.apprentice.any_age", apprentice=apprentice,
                           under_age=under_age),
            catalogue.text("careers.pay.apprentice.any_age_later", under_age=under_age,
                           age_18_to_20=pounds(rates.age_18_to_20),
                           age_21_plus=pounds(rates.age_21_plus)),
        ]
    later, rate = rate_for_age(rates, age)
    values = {"age": age, "apprentice": apprentice, "later": pounds(later), "rate": rate}
    if applies is True and age < table.apprentice_under_age:
        return [catalogue.text("careers.pay.apprentice.young", **values)]
    if applies is True:
        return [catalogue.text("careers.pay.apprentice.first_year", **values),
                catalogue.text("careers.pay.apprentice.after_first_year", **values)]
    if applies is False:
        return [catalogue.text("careers.pay.apprentice.later_year", **values)]
    return [catalogue.text("careers.pay.apprentice.year_not_said", **values),
            catalogue.text("careers.pay.apprentice.after_that", **values)]


def age_sentences(rates: WageRates, age: int | None, role: Role | None) -> list[str]:
    if age is None:
        rates_said = {"age_21_plus": pounds(rates.age_21_plus),
                      "age_18_to_20": pounds(rates.age_18_to_20),
                      "under_18": pounds(rates.under_18)}
        if role is None:
            return [catalogue.text("careers.pay.age.everyone", **rates_said)]
        return [catalogue.text("careers.pay.age.role", role=capitalised(role.name), **rates_said)]
    wage, rate = rate_for_age(rates, age)
    if role is None:
        return [catalogue.text("careers.pay.age.at_age", age=age, amount=pounds(wage), rate=rate)]
    return [catalogue.text("careers.pay.age.at_age_role", age=age, role=with_article(role.name),
                           amount=pounds(wage), rate=rate)]


def too_young(content: CareersContent, age: int, rates: WageRates) -> Dated:
    """No wage for someone under school-leaving age: what they can do now instead.

    Part-time work is legal from 13; paid care work and the minimum wage are what wait.
    """
    table = content.pay.minimum_wage
    words = table.too_young
    sentences = tuple(text.format(age=age, from_age=table.from_age) for text in words.says)
    facts = [(rates.starts, rates.source), (words.as_of, words.source)]
    return Dated(sentences, dated_line(facts))


# NHS bands.


def band_pay(content: CareersContent, role: Role, on: date) -> Dated:
    """Where someone new to `role` starts on Agenda for Change, full-time, on `on`."""
    pay = content.pay.agenda_for_change
    table = band_row(content, on)
    bands = [band for number in role.pay.bands if (band := table.band(number))]
    if not bands:
        raise NoPayRate(f"Agenda for Change band for {role.code}", on)
    first = bands[0]
    sentences = [
        catalogue.text("careers.pay.band.on_band", role=capitalised(with_article(role.name)),
                       bands=role.pay.wording or bands_named(band.band for band in bands)),
        catalogue.text("careers.pay.band.new_starts", role=role.name,
                       amount=amount(first.low, table.approximate), band=first.band),
        catalogue.text("careers.pay.band.goes_up"),
    ]
    if is_stale(table.starts, on):
        sentences.append(stale_note(table.starts, pay.check_at))
    return Dated(tuple(sentences), dated_line([(table.starts, table.source)]))


def bands_named(numbers: Iterable[int]) -> str:
    """Name the bands: "band 2 or band 3"."""
    separator = catalogue.for_language().template("careers.pay.band.or")
    return separator.join(catalogue.text("careers.pay.band.band", band=number)
                          for number in numbers)


def nhs_band_pay(content: CareersContent, number: int, on: date) -> Dated:
    """What NHS band `number` pays full-time on `on`, and the jobs on it in the guide.

    Raise `NoPayRate` when no table is in force on `on` or it has no such band.
    """
    pay = content.pay.agenda_for_change
    words = content.pay.wording
    table = band_row(content, on)
    band = table.band(number)
    if band is None:
        raise NoPayRate(f"Agenda for Change band {number}", on)
    low, high = amount(band.low, table.approximate), amount(band.high, table.approximate)
    wording = words.band_one_rate if band.low == band.high else words.band
    sentences = [wording.format(band=band.band, low=low, high=high)]
    jobs = [role.name for role in content.roles
            if role.pay.kind == "nhs_band" and number in role.pay.bands]
    if jobs:
        sentences.append(words.band_jobs.format(band=band.band, jobs=listed(jobs)))
    if is_stale(table.starts, on):
        sentences.append(stale_note(table.starts, pay.check_at))
    return Dated(tuple(sentences), dated_line([(table.starts, table.source)]))


def before_tax(content: CareersContent) -> str:
    """Say that the pay quoted is before tax and National Insurance, and where to check."""
    words = content.pay.wording
    return " ".join(words.before_tax.split()).format(check_at=words.tax_check_at)


def qualified_line(content: CareersContent, role: Role, on: date) -> str:
    """One sentence on where a qualified `role` starts, for an apprentice's answer."""
    table = band_row(content, on)
    band = table.band(role.pay.bands[0]) if role.pay.bands else None
    if band is None:
        return ""
    return catalogue.text("careers.pay.band.qualified", role=with_article(role.name),
                          band=band.band, amount=amount(band.low, table.approximate),
                          month=month_year(table.starts), sources=table.source.name)


def role_pay(content: CareersContent, role: str, person: Person, on: date) -> Dated:
    """The pay for `role` (a code or words) for this person on `on`."""
    found = get_role(content, role)
    if too_young_for(content, person) or found.pay.kind == "minimum_wage":
        return minimum_wage_pay(content, person, on, found)
    if person.apprentice:
        return apprentice_in_role(content, found, person, on)
    if found.pay.kind == "nhs_band":
        return band_pay(content, found, on)
    return Dated((found.pay.note or "",), dated_line([(found.as_of, found.source)]))


def apprentice_in_role(content: CareersContent, role: Role, person: Person, on: date) -> Dated:
    """The apprentice's legal minimum, then where the role starts once qualified."""
    answer = minimum_wage_pay(content, person, on, role)
    qualified = qualified_line(content, role, on) if role.pay.kind == "nhs_band" else ""
    return Dated((*answer.sentences, qualified) if qualified else answer.sentences,
                 answer.dated)


def too_young_for(content: CareersContent, person: Person) -> bool:
    return person.age is not None and person.age < content.pay.minimum_wage.from_age
