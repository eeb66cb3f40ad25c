"""Checking the careers content for facts without a source or date, and out-of-date tables.

`carecareers content check` prints the findings (and exits non-zero when there are any);
the adviser dashboard shows admins the same list.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from carecareers.careers.content import LADDER, PAY, load_content
from carecareers.careers.dated import in_force, is_stale, review_due
from carecareers.careers.errors import ContentError
from carecareers.careers.phrasing import month_year
from carecareers.careers.records import CareersContent


@dataclass(frozen=True)
class Finding:
    """One thing to fix: the file, where in it, and what is wrong."""

    file: str
    where: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.where}: {self.problem}"


def check_content(content_dir: Path, today: date) -> list[Finding]:
    """Every fact without a source or date, and every pay table past its review date."""
    try:
        content = load_content(content_dir)
    except ContentError as error:
        return [Finding(error.file, error.field, error.problem)]
    return [*undated_facts(content), *stale_tables(content, today)]


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
