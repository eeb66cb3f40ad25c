"""What a feed entry becomes: a vacancy record, or a bad entry with its reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


class EntryProblem(ValueError):
    """One feed entry cannot be imported; `reason` is short and stable (for counting)."""

    def __init__(self, reason: str, detail: str = "", source_id: str | None = None) -> None:
        self.reason = reason
        self.detail = detail
        self.source_id = source_id
        super().__init__(f"{reason}: {detail}" if detail else reason)


@dataclass
class BadEntry:
    """A feed entry that was skipped, with its position in the feed (1-based)."""

    index: int
    reason: str
    detail: str = ""
    source_id: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "entry": self.index,
            "id": self.source_id,
            "reason": self.reason,
            "detail": self.detail,
        }


@dataclass
class VacancyRecord:
    """A vacancy as a feed describes it, mapped to our fields but not yet normalised."""

    source_id: str
    title: str
    employer: str = ""
    description: str = ""
    location_text: str = ""
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    salary_text: str = ""
    salary_min: float | None = None
    salary_max: float | None = None
    salary_period: str | None = None
    pay_rule: str | None = None
    """Pay named by rule, not amount ("apprentice_minimum", "national_minimum"): the
    normaliser fills in the figures in force on the day the vacancy was posted."""
    is_apprenticeship: bool | None = None
    level: int | None = None
    contract_type: str = ""
    url: str = ""
    posted_on: date | None = None
    closes_on: date | None = None
    extra_text: str = ""
    """Other text that helps to recognise the role or level (a course title, say)."""
