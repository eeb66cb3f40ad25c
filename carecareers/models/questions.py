"""Messages the assistant could not answer, kept (with contact details masked) for content work."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from carecareers.models.base import Base, utcnow


class UnansweredQuestion(Base):
    __tablename__ = "unanswered_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(1000))
    group_key: Mapped[str] = mapped_column(String(200), index=True)
    intent: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    channel: Mapped[str] = mapped_column(String(16), default="web")
    campaign_id: Mapped[int | None] = mapped_column(
        ForeignKey("campaigns.id", ondelete="SET NULL"), index=True
    )
    asked_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sender_id: Mapped[str | None] = mapped_column(String(128), index=True)  # for erasure

    def __repr__(self) -> str:
        return f"UnansweredQuestion(id={self.id!r}, group_key={self.group_key!r})"


class PendingTrackerChange(Base):
    """An erasure or redaction in Rasa's tracker store that failed, to be retried until done."""

    __tablename__ = "pending_tracker_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128), index=True)
    change: Mapped[str] = mapped_column(String(16))  # "erase" or "redact"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"PendingTrackerChange(id={self.id!r}, change={self.change!r})"
