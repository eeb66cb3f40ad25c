"""Adviser conversations: one thread per lead, and the messages each way."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecareers.models.base import Base, utcnow

THREAD_STATUSES = ("open", "closed")
DIRECTIONS = ("to_person", "from_person")
# to_person: pending -> sending -> sent | failed | blocked; from_person: received
MESSAGE_STATES = ("pending", "sending", "sent", "failed", "blocked", "received")


class AdviserThread(Base):
    """The conversation between a lead and the advisers or providers who follow it up."""

    __tablename__ = "adviser_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    lead_id: Mapped[int] = mapped_column(
        ForeignKey("leads.id", ondelete="CASCADE"), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(32))
    last_message_at: Mapped[datetime] = mapped_column(default=utcnow)

    messages: Mapped[list[ThreadMessage]] = relationship(
        back_populates="thread", cascade="all, delete-orphan", passive_deletes=True,
        order_by="ThreadMessage.id")

    def __repr__(self) -> str:
        return f"AdviserThread(id={self.id!r}, status={self.status!r})"


class ThreadMessage(Base):
    """One message of a thread; the text is personal data, never logged."""

    __tablename__ = "thread_messages"
    __table_args__ = (Index("ix_thread_messages_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        ForeignKey("adviser_threads.id", ondelete="CASCADE"), index=True)
    direction: Mapped[str] = mapped_column(String(16))
    adviser_id: Mapped[int | None] = mapped_column(
        ForeignKey("advisers.id", ondelete="SET NULL"), index=True)
    provider_id: Mapped[int | None] = mapped_column(
        ForeignKey("providers.id", ondelete="SET NULL"), index=True)
    sender_name: Mapped[str] = mapped_column(String(100), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    read_at: Mapped[datetime | None]

    thread: Mapped[AdviserThread] = relationship(back_populates="messages")

    def __repr__(self) -> str:
        return (f"ThreadMessage(id={self.id!r}, direction={self.direction!r}, "
                f"state={self.state!r})")
