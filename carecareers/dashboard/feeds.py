"""The state of each vacancy feed: its latest import, the last good one, open vacancies."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from carecareers.models import FeedImport, Vacancy


@dataclass
class FeedStatus:
    source: str
    location: str
    latest: FeedImport
    last_success_at: datetime | None
    open_vacancies: int

    @property
    def failing(self) -> bool:
        return self.latest.error is not None


def feed_statuses(session: Session) -> list[FeedStatus]:
    """One line per feed (source and location) ever imported, failing feeds first."""
    latest_ids = select(func.max(FeedImport.id)).group_by(FeedImport.source, FeedImport.location)
    latest = list(session.scalars(select(FeedImport).where(FeedImport.id.in_(latest_ids))))
    successes = dict(session.execute(
        select(FeedImport.location, func.max(FeedImport.finished_at))
        .where(FeedImport.error.is_(None)).group_by(FeedImport.location)).tuples().all())
    open_counts = open_vacancies_by_source(session)
    statuses = [FeedStatus(row.source, row.location, row, successes.get(row.location),
                           open_counts.get(row.source, 0)) for row in latest]
    return sorted(statuses, key=lambda s: (not s.failing, s.source, s.location))


def open_vacancies_by_source(session: Session) -> dict[str, int]:
    rows = session.execute(select(Vacancy.source, func.count()).where(Vacancy.status == "open")
                           .group_by(Vacancy.source))
    return dict(rows.tuples().all())


def recent_imports(session: Session, limit: int = 20) -> list[FeedImport]:
    return list(session.scalars(select(FeedImport).order_by(FeedImport.id.desc()).limit(limit)))
