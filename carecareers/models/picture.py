"""The programme picture's counts of people, made from the topics' tables now and then
(carecareers/picture/counting.py) so that the page reads a few thousand counts instead of
every lead: anonymous numbers by month, with the keys each table of the picture needs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from carecareers.models.base import Base


class PictureCount(Base):
    """How many people in one UK calendar month, for one measure and its keys.

    `scope` is 0 for the whole programme, or the id of the provider whose slice the count
    belongs to. `key` and `detail` are what the measure is counted by (a postcode district,
    an age band, a role, a campaign id, a channel, a theme), "" where there is none.
    """

    __tablename__ = "picture_counts"
    __table_args__ = (Index("ix_picture_counts_scope_month", "scope", "month", "measure"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[int] = mapped_column(default=0)
    month: Mapped[date]
    measure: Mapped[str] = mapped_column(String(24))
    key: Mapped[str] = mapped_column(String(64), default="")
    detail: Mapped[str] = mapped_column(String(64), default="")
    count: Mapped[int] = mapped_column(default=0)


class PictureCounted(Base):
    """When the counts were last made (one row, id 1), and the first month they cover."""

    __tablename__ = "picture_counted"

    id: Mapped[int] = mapped_column(primary_key=True)
    counted_at: Mapped[datetime | None]
    first_month: Mapped[date | None]
