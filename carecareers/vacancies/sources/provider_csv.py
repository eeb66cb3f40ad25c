"""The provider vacancies CSV template (docs/provider-csv-template.md).

One header row, then one vacancy per row; UTF-8 (Excel's "CSV UTF-8" is fine). Columns:
`reference`, `title` (both required), `employer`, `description`, `address`, `postcode`,
`salary`, `contract_type`, `hours_per_week`, `apprenticeship` (yes/no), `level` (2-7),
`posted_date`, `closing_date` (YYYY-MM-DD or DD/MM/YYYY), `apply_url`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from carecareers.vacancies.errors import FeedError
from carecareers.vacancies.records import EntryProblem, VacancyRecord
from carecareers.vacancies.sources.base import FeedFormat, FeedInfo
from carecareers.vacancies.text import entry_date, one_line, required_text, source_id_of

COLUMNS = (
    "reference", "title", "employer", "description", "address", "postcode", "salary",
    "contract_type", "hours_per_week", "apprenticeship", "level", "posted_date",
    "closing_date", "apply_url",
)
REQUIRED_COLUMNS = ("reference", "title")
_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0", ""}
_EXTRA = "__extra__"


def read_entries(path: Path, info: FeedInfo) -> Iterator[dict[str, Any]]:
    """Yield each row as a dict keyed by lower-case column name."""
    line = 0
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, restkey=_EXTRA, strict=True)
            _check_header(reader.fieldnames)
            for row in reader:
                line = reader.line_num
                yield {(k or "").strip().lower(): v for k, v in row.items()}
    except UnicodeDecodeError as exc:
        raise FeedError(f"provider CSV is not UTF-8 text ({exc.reason}); save it as "
                        "\"CSV UTF-8\"") from None
    except csv.Error as exc:
        raise FeedError(f"provider CSV is truncated or malformed after line {line or 1}: {exc}") \
            from None


def _check_header(fieldnames: Any) -> None:
    if not fieldnames:
        raise FeedError("provider CSV is empty: it needs a header row")
    names = {(name or "").strip().lower() for name in fieldnames}
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise FeedError(f"not a provider vacancies CSV: missing column(s) {', '.join(missing)} "
                        "(see docs/provider-csv-template.md)")


def to_record(row: dict[str, Any]) -> VacancyRecord:
    source_id = source_id_of(row.get("reference"))
    if row.get(_EXTRA) or any(v is None for k, v in row.items() if k != _EXTRA):
        raise EntryProblem("wrong number of columns", "", source_id)
    description = row.get("description") or ""
    if row.get("hours_per_week"):
        description += f"\n\nHours per week: {one_line(row['hours_per_week'])}"
    return VacancyRecord(
        source_id=source_id,
        title=required_text(row.get("title"), "missing title", source_id),
        employer=one_line(row.get("employer")),
        description=description,
        location_text=", ".join(p for p in (one_line(row.get("address")),
                                           one_line(row.get("postcode"))) if p),
        postcode=one_line(row.get("postcode")) or None,
        salary_text=one_line(row.get("salary")),
        is_apprenticeship=_yes_no(row.get("apprenticeship"), source_id),
        level=_level(row.get("level"), source_id),
        contract_type=one_line(row.get("contract_type")),
        url=one_line(row.get("apply_url")),
        posted_on=entry_date(row.get("posted_date"), "bad posted date", source_id),
        closes_on=entry_date(row.get("closing_date"), "bad closing date", source_id),
    )


def _yes_no(value: Any, source_id: str) -> bool | None:
    text = (value or "").strip().lower()
    if text in _YES:
        return True
    if text in _NO:
        return None if text == "" else False
    raise EntryProblem("bad apprenticeship value", f"{text[:20]!r} is not yes or no", source_id)


def _level(value: Any, source_id: str) -> int | None:
    text = (value or "").strip().lower().removeprefix("level").strip()
    if not text:
        return None
    if text.isdigit() and 2 <= int(text) <= 7:
        return int(text)
    raise EntryProblem("bad level", f"{text[:20]!r} is not a level from 2 to 7", source_id)


FORMAT = FeedFormat(
    name="provider_csv",
    title="Provider vacancies CSV",
    read_entries=read_entries,
    to_record=to_record,
)
