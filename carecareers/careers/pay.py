"""Pay for the person asking: their age, apprenticeship and first year, on the day they ask.

Pay tables are dated rows (content/careers/pay.yml). The row in force on the day of the
conversation is used; a row 12 months past its start is out of date, so the reply says
it is the last figure known and where to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from carecareers.careers import phrasing
from carecareers.careers.dated import in_force, is_stale
from carecareers.careers.errors import NoPayRate
from carecareers.careers.phrasing import (
    as_of,
    capitalised,
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
    Source,
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
        return rates.age_21_plus, "the minimum wage at 21 and over"
    if age >= 18:
        return rates.age_18_to_20, "the minimum wage at 18 to 20"
    return rates.under_18, "the minimum wage for under-18s"


def on_apprentice_rate(table: MinimumWage, person: Person) -> bool | None:
    """Whether the apprentice rate applies: True, False, or None when it depends on the year."""
    if not person.apprentice or person.age is None:
        return None if person.apprentice else False
    if person.age < table.apprentice_under_age:
        return True
    if not table.apprentice_first_year_any_age:
        return False
    return person.first_year


def dated_line(starts: date, source: Source) -> str:
    return f"({as_of(starts, source)})"


def stale_note(starts: date, check_at: str) -> str:
    return (f"These are the last figures I have, from {month_year(starts)}. "
            f"They may have gone up since: check {check_at}.")


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
    sentences.append("Employers can pay more, so check each advert.")
    if is_stale(rates.starts, on):
        sentences.append(stale_note(rates.starts, table.check_at))
    return Dated(tuple(sentences), dated_line(rates.starts, rates.source))


def apprentice_sentences(table: MinimumWage, rates: WageRates, person: Person) -> list[str]:
    apprentice = pounds(rates.apprentice)
    applies = on_apprentice_rate(table, person)
    age = person.age
    if age is None:
        return [
            f"Apprentices get at least {apprentice} an hour if they're under "
            f"{table.apprentice_under_age} or in their first year.",
            f"At {table.apprentice_under_age} or over, after the first year, it's the minimum "
            f"wage for your age: {pounds(rates.age_18_to_20)} at 19 to 20, "
            f"{pounds(rates.age_21_plus)} at 21 and over.",
        ]
    later, later_name = rate_for_age(rates, age)
    if applies is True and age < table.apprentice_under_age:
        return [f"As an apprentice aged {age}, you get at least {apprentice} an hour. "
                "That's the apprentice minimum wage."]
    if applies is True:
        return [f"At {age}, in the first year of your apprenticeship, you get at least "
                f"{apprentice} an hour (the apprentice rate).",
                f"After your first year it goes up to at least {pounds(later)} an hour, "
                f"{later_name}."]
    if applies is False:
        return [f"At {age}, after the first year of your apprenticeship, you get at least "
                f"{pounds(later)} an hour, {later_name}."]
    return [f"At {age}, you get at least {apprentice} an hour in the first year of your "
            "apprenticeship.",
            f"After that it's at least {pounds(later)} an hour, {later_name}."]


def age_sentences(rates: WageRates, age: int | None, role: Role | None) -> list[str]:
    who = f"{capitalised(role.name)}s get" if role else "Everyone gets"
    if age is None:
        return [f"{who} at least the minimum wage for their age: {pounds(rates.age_21_plus)} "
                f"an hour at 21 and over, {pounds(rates.age_18_to_20)} at 18 to 20, "
                f"{pounds(rates.under_18)} at 16 or 17."]
    amount, name = rate_for_age(rates, age)
    job = f" as {with_article(role.name)}" if role else ""
    return [f"At {age}{job}, you get at least {pounds(amount)} an hour. That's {name}."]


def too_young(content: CareersContent, age: int, rates: WageRates) -> Dated:
    """No wage for someone under school-leaving age: what they can do now instead.

    Part-time work is legal from 13; paid care work and the minimum wage are what wait.
    """
    table = content.pay.minimum_wage
    words = table.too_young
    sentences = tuple(text.format(age=age, from_age=table.from_age) for text in words.says)
    facts = [(rates.starts, rates.source), (words.as_of, words.source)]
    return Dated(sentences, phrasing.dated_line(facts))


# NHS bands.


def band_pay(content: CareersContent, role: Role, on: date) -> Dated:
    """Where someone new to `role` starts on Agenda for Change, full-time, on `on`."""
    pay = content.pay.agenda_for_change
    table = band_row(content, on)
    bands = [band for number in role.pay.bands if (band := table.band(number))]
    if not bands:
        raise NoPayRate(f"Agenda for Change band for {role.code}", on)
    about = "about " if table.approximate else ""
    wording = role.pay.wording or " or ".join(f"band {band.band}" for band in bands)
    first = bands[0]
    sentences = [
        f"{capitalised(with_article(role.name))} is on NHS {wording}.",
        f"A new {role.name} starts at {about}{pounds(first.low)} a year full-time "
        f"(the start of band {first.band}).",
        "Pay goes up with years in the job.",
    ]
    if is_stale(table.starts, on):
        sentences.append(stale_note(table.starts, pay.check_at))
    return Dated(tuple(sentences), dated_line(table.starts, table.source))


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
    about = "about " if table.approximate else ""
    low, high = f"{about}{pounds(band.low)}", f"{about}{pounds(band.high)}"
    wording = words.band_one_rate if band.low == band.high else words.band
    sentences = [wording.format(band=band.band, low=low, high=high)]
    jobs = [role.name for role in content.roles
            if role.pay.kind == "nhs_band" and number in role.pay.bands]
    if jobs:
        sentences.append(words.band_jobs.format(band=band.band, jobs=listed(jobs)))
    if is_stale(table.starts, on):
        sentences.append(stale_note(table.starts, pay.check_at))
    return Dated(tuple(sentences), dated_line(table.starts, table.source))


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
    about = "about " if table.approximate else ""
    return (f"Once you're qualified as {with_article(role.name)}, you start on NHS band "
            f"{band.band}: {about}{pounds(band.low)} a year full-time "
            f"({as_of(table.starts, table.source)}).")


def role_pay(content: CareersContent, role: str, person: Person, on: date) -> Dated:
    """The pay for `role` (a code or words) for this person on `on`."""
    found = get_role(content, role)
    if too_young_for(content, person) or found.pay.kind == "minimum_wage":
        return minimum_wage_pay(content, person, on, found)
    if person.apprentice:
        return apprentice_in_role(content, found, person, on)
    if found.pay.kind == "nhs_band":
        return band_pay(content, found, on)
    return Dated((found.pay.note or "",), dated_line(found.as_of, found.source))


def apprentice_in_role(content: CareersContent, role: Role, person: Person, on: date) -> Dated:
    """The apprentice's legal minimum, then where the role starts once qualified."""
    answer = minimum_wage_pay(content, person, on, role)
    qualified = qualified_line(content, role, on) if role.pay.kind == "nhs_band" else ""
    return Dated((*answer.sentences, qualified) if qualified else answer.sentences,
                 answer.dated)


def too_young_for(content: CareersContent, person: Person) -> bool:
    return person.age is not None and person.age < content.pay.minimum_wage.from_age
