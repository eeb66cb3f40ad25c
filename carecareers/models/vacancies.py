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


class VacancyWeek(Base):
    """One week's vacancies for one role, postcode district and publisher: the history the
    programme board's picture is drawn from, kept after the vacancies themselves close.

    `week` is the Monday the week starts (UK dates). Counts, for vacancies that are not
    copies of another: `open` at any time in the week, `new` first posted in it, `closed`
    in it, `readvertised` (new, for a role an employer had advertised in the same place
    before), `long_open` (still open at the week's end, six weeks or more after posting).
    Pay, for those with an hourly rate known: how many, their sum (for the mean), and how
    many offered less than the legal minimum for a worker aged 21 or over that week.
    `provider_code` names the provider that published them itself ("" for job boards'),
    so that a provider sees its own slice. "" also stands for an unknown role or place.
    """

    __tablename__ = "vacancy_weeks"
    __table_args__ = (
        UniqueConstraint("week", "role_code", "outcode", "provider_code"),
        # The programme picture reads a year of weeks by district from this index alone.
        Index("ix_vacancy_weeks_picture", "week", "district", "role_code", "provider_code",
              "open", "new", "closed", "readvertised"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[date] = mapped_column(index=True)
    role_code: Mapped[str] = mapped_column(String(64), default="")
    outcode: Mapped[str] = mapped_column(String(8), default="")
    district: Mapped[str] = mapped_column(String(100), default="", index=True)
    provider_code: Mapped[str] = mapped_column(String(64), default="")
    open: Mapped[int] = mapped_column(default=0)
    new: Mapped[int] = mapped_column(default=0)
    closed: Mapped[int] = mapped_column(default=0)
    readvertised: Mapped[int] = mapped_column(default=0)
    long_open: Mapped[int] = mapped_column(default=0)
    pay_known: Mapped[int] = mapped_column(default=0)
    pay_hourly_total: Mapped[float] = mapped_column(Float, default=0.0)
    pay_below_floor: Mapped[int] = mapped_column(default=0)
    made_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"VacancyWeek(week={self.week!r}, role={self.role_code!r}, {self.outcode!r})"
