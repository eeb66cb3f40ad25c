"""Checking the careers content for facts without a source or date, out-of-date tables,
and tables about to change.

`carecareers content check` prints the findings (and exits non-zero when there are
problems; warnings alone do not fail it); the adviser dashboard shows admins the same list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from carecareers.careers.content import LADDER, PAY, load_content
from carecareers.careers.dated import in_force, is_stale, review_due, warning_starts
from carecareers.careers.errors import ContentError
from carecareers.careers.phrasing import month_year
from carecareers.careers.records import CareersContent, MonthDay


@dataclass(frozen=True)
class Finding:
    """One thing to fix: the file, where in it, and what is wrong."""

    file: str
    where: str
    problem: str
    warning: bool = False  # something to do soon, not yet wrong

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{kind}{self.file}: {self.where}: {self.problem}"


def check_content(content_dir: Path, today: date) -> list[Finding]:
    """Every fact without a source or date, every pay table past its review date, and
    (as warnings) every pay table that changes within 60 days with no row for that day."""
    try:
        content = load_content(content_dir)
    except ContentError as error:
        return [Finding(error.file, error.field, error.problem)]
    return [*undated_facts(content), *stale_tables(content, today),
            *coming_changes(content, today)]


def undated_facts(content: CareersContent) -> Iterator[Finding]:
    """Ladder steps that do not say when and where they were checked.

    Every other kind of fact must carry both to load at all (a `ContentError` otherwise).
    """
    for i, step in enumerate(content.steps):
        missing = [name for name, value in (("as_of", step.as_of), ("source", step.source))
                   if value is None]
        if missing:
            yield Finding(LADDER, f"steps[{i}] ({step.start} to {step.target})",
                          f"no {' or '.join(missing)}")


def stale_tables(content: CareersContent, today: date) -> Iterator[Finding]:
    """The pay tables whose latest row in force is 12 months or more past its start."""
    wages = in_force(content.pay.minimum_wage.rates, today, lambda row: row.starts)
    if wages is not None and is_stale(wages.starts, today):
        yield _stale("minimum_wage.rates", wages.starts)
    bands = in_force(content.pay.agenda_for_change.tables, today, lambda row: row.starts)
    if bands is not None and is_stale(bands.starts, today):
        yield _stale(f"agenda_for_change.rates ({bands.year})", bands.starts)


def _stale(where: str, starts: date) -> Finding:
    return Finding(
        PAY, where,
        f"the latest row starts {month_year(starts)} and was due for review on "
        f"{review_due(starts).isoformat()}: add the new row",
    )


def coming_changes(content: CareersContent, today: date) -> Iterator[Finding]:
    """The pay tables whose next yearly change is 60 days away or less, with no row for it.

    Once the new figures are published a row starting on the change day goes in, so the
    answer is right on the day; until then, this warns.
    """
    tables: list[tuple[str, list[date], MonthDay]] = [
        ("minimum_wage.rates", [row.starts for row in content.pay.minimum_wage.rates],
         content.pay.minimum_wage.changes_each_year),
        ("agenda_for_change.rates", [row.starts for row in content.pay.agenda_for_change.tables],
         content.pay.agenda_for_change.changes_each_year),
    ]
    for where, starts, yearly in tables:
        change = yearly.next_after(max(starts))
        if warning_starts(change) <= today < change:
            yield Finding(PAY, where, _coming(change, today), warning=True)


def _coming(change: date, today: date) -> str:
    days = (change - today).days
    return (f"the figures change on {change.day} {month_year(change)} (in {days} day"
            f"{'' if days == 1 else 's'}) and no row starts that day: add it (from: "
            f"{change.isoformat()}) as soon as the new figures are published")
