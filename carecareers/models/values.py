"""The "Is care for me?" values check: a check under way, results kept with consent, and
anonymous counts (carecareers/values)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carecareers.models.base import Base, utcnow


class ValuesCheck(Base):
    """A check someone is part-way through: which situation is next and the choices made.

    Deleted when the check ends, however it ends: the results are kept (as a ValuesResult)
    only when the person agrees, and a check left half-way keeps nothing once the person
    moves on or has been quiet for VALUES_CHECK_IDLE_MINUTES.
    """

    __tablename__ = "values_checks"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), unique=True)
    step: Mapped[int] = mapped_column(default=0)  # the situation being asked (0-based)
    answers: Mapped[str] = mapped_column(String(64), default="")  # one choice id per situation
    asking_consent: Mapped[bool] = mapped_column(default=False)
    under_16: Mapped[bool] = mapped_column(default=False)  # then nothing is ever kept
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ValuesResult(Base):
    """A finished check the person agreed to keep, for the adviser who follows up their lead."""

    __tablename__ = "values_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), unique=True)
    answers: Mapped[str] = mapped_column(String(64))
    strengths: Mapped[list] = mapped_column(default=list)  # value keys, strongest first
    paths: Mapped[list] = mapped_column(default=list)  # path ids that fit, best first
    consent_wording: Mapped[str] = mapped_column(Text)
    consented_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class ValuesTally(Base):
    """How many finished checks chose each answer to each situation, by month: no person."""

    __tablename__ = "values_tallies"
    __table_args__ = (UniqueConstraint("month", "situation", "choice",
                                       name="uq_values_tallies_cell"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[date]  # the first day of the month (UK)
    situation: Mapped[str] = mapped_column(String(32))
    choice: Mapped[str] = mapped_column(String(8))
    best: Mapped[bool] = mapped_column(default=False)
    count: Mapped[int] = mapped_column(default=0)


class ValuesCompletion(Base):
    """One finished check, counted for its campaign's funnel: the day and the campaign only,
    nothing about the person (like a CampaignVisit)."""

    __tablename__ = "values_completions"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True)
    completed_on: Mapped[date]
