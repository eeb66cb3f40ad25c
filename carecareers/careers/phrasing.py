"""Small helpers for writing figures and names into replies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from carecareers.careers.records import Source


def month_year(day: date) -> str:
    return day.strftime("%B %Y")


def as_of(day: date, source: Source) -> str:
    """Say where a figure comes from: "as of April 2026, GOV.UK"."""
    return f"as of {month_year(day)}, {source.name}"


def dated_line(facts: Iterable[tuple[date | None, Source | None]]) -> str:
    """End a reply: "(as of April 2026, GOV.UK)": the latest date, each source named once."""
    known = [(day, source) for day, source in facts if day is not None and source is not None]
    if not known:
        return ""
    latest = max(day for day, _ in known)
    names = list(dict.fromkeys(source.name for _, source in known))[:3]
    return f"(as of {month_year(latest)}, {listed(names)})"


def listed(items: list[str], joiner: str = "and") -> str:
    if len(items) < 2:
        return "".join(items)
    return f"{', '.join(items[:-1])} {joiner} {items[-1]}"


def pounds(amount: Decimal) -> str:
    """Write an hourly rate with pence (£8.00) and a yearly amount without (£31,049)."""
    return f"£{amount:,.2f}" if amount < 1000 else f"£{amount:,.0f}"


def with_article(name: str) -> str:
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def duration(months: int) -> str:
    """Say a typical duration: "about 12 months", "about 2 years"."""
    if months == 12:
        return "about 1 year"
    if months % 12 == 0 and months >= 24:
        return f"about {months // 12} years"
    return f"about {months} months"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
