"""Small helpers for writing figures and names into replies, in the catalogue's words
(content/texts/en/careers.yml `pieces`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal

from carecareers import catalogue
from carecareers.careers.records import Source


def month_year(day: date) -> str:
    return day.strftime("%B %Y")


def dated_line(facts: Iterable[tuple[date | None, Source | None]]) -> str:
    """End a reply: "(as of April 2026, GOV.UK)": the latest date, each source named once."""
    known = [(day, source) for day, source in facts if day is not None and source is not None]
    if not known:
        return ""
    latest = max(day for day, _ in known)
    names = list(dict.fromkeys(source.name for _, source in known))[:3]
    return catalogue.text("careers.pieces.dated", month=month_year(latest), sources=listed(names))


def listed(items: list[str], joiner: Literal["and", "or"] = "and") -> str:
    """'A, B and C', or 'A, B or C' when `joiner` is "or"."""
    texts = catalogue.for_language()
    if joiner == "and" or len(items) < 2:
        return texts.listed(items)
    separator = texts.template("common.list.separator")
    return texts.text("careers.pieces.or", names=separator.join(items[:-1]), last=items[-1])


def pounds(amount: Decimal) -> str:
    """Write an hourly rate with pence (£8.00) and a yearly amount without (£31,049)."""
    return f"£{amount:,.2f}" if amount < 1000 else f"£{amount:,.0f}"


def with_article(name: str) -> str:
    """Put "a" or "an" before a name: "a nurse", "an occupational therapist"."""
    if name[:1].lower() in "aeiou":
        return catalogue.text("careers.pieces.an", name=name)
    return catalogue.text("careers.pieces.a", name=name)


def duration(months: int) -> str:
    """Say a typical duration: "about 12 months", "about 2 years"."""
    if months == 12:
        return catalogue.text("careers.pieces.one_year")
    if months % 12 == 0 and months >= 24:
        return catalogue.text("careers.pieces.years", years=months // 12)
    return catalogue.text("careers.pieces.months", months=months)


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
