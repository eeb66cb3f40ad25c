"""Vacancies imported from feeds, and the record of each import."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carecareers.models.base import Base, utcnow


class Vacancy(Base):
    __tablename__ = "vacancies"
    __table_args__ = (
        UniqueConstraint("source", "source_id"),
        Index("ix_vacancies_duplicate_of_id", "duplicate_of_id"),
        # Counting a role's open vacancies reads this index alone (migration 0010).
        Index("ix_vacancies_role_code_status", "role_code", "status"),
        # Search indexes that SQLAlchemy cannot declare for both databases come from
        # migration 0004: words (SQLite FTS5 `vacancy_text`, PostgreSQL pg_trgm GIN), places
        # (SQLite R*Tree `vacancy_places`, PostgreSQL GiST) and ix_vacancies_posted_on.
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(128))
    title: Mapped[str] = mapped_column(String(300))
    employer: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    location_text: Mapped[str] = mapped_column(String(300), default="")
    postcode: Mapped[str | None] = mapped_column(String(16))
    outcode: Mapped[str | None] = mapped_column(String(8), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    salary_text: Mapped[str] = mapped_column(String(300), default="")
    salary_min: Mapped[float | None] = mapped_column(Float)
    salary_max: Mapped[float | None] = mapped_column(Float)
    salary_period: Mapped[str | None] = mapped_column(String(16))
    role_code: Mapped[str | None] = mapped_column(String(64), index=True)
    is_apprenticeship: Mapped[bool] = mapped_column(default=False)
    level: Mapped[int | None]
    contract_type: Mapped[str] = mapped_column(String(64), default="")
    url: Mapped[str] = mapped_column(String(1000), default="")
    posted_on: Mapped[date | None]
    closes_on: Mapped[date | None] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    dedupe_key: Mapped[str] = mapped_column(String(300), default="", index=True)
    duplicate_of_id: Mapped[int | None]
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"Vacancy(source={self.source!r}, source_id={self.source_id!r})"


class FeedImport(Base):
    __tablename__ = "feed_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    location: Mapped[str] = mapped_column(String(1000))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    created: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    skipped: Mapped[int] = mapped_column(default=0)
    expired: Mapped[int] = mapped_column(default=0)
    entries: Mapped[int] = mapped_column(default=0)
    duplicates: Mapped[int] = mapped_column(default=0)
    details: Mapped[dict] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)

    def __repr__(self) -> str:
        return f"FeedImport(id={self.id!r}, source={self.source!r})"
