"""Messages waiting to be sent (the outbox), and addresses that must not be sent to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carecareers.models.base import Base, utcnow

MESSAGE_STATUSES = ("pending", "sending", "sent", "failed")


class OutboxMessage(Base):
    """One message for one address on one channel (email, or a chat), sent with retries."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(254), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[str] = mapped_column(String(300), default="")
    body: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list] = mapped_column(default=list)
    headers: Mapped[dict] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"OutboxMessage(id={self.id!r}, channel={self.channel!r}, status={self.status!r})"


class SuppressedAddress(Base):
    """An address that failed for good (no such mailbox, bot blocked): never sent to again."""

    __tablename__ = "suppressed_addresses"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(254))
    reason: Mapped[str] = mapped_column(String(300))
    suppressed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"SuppressedAddress(id={self.id!r}, channel={self.channel!r})"


class SendMark(Base):
    """That a message of one purpose went to an address, kept as a keyed digest of the
    address for a day (delivery/marks.py): the limit of one a day holds after the person
    who typed the address has had their data erased, and the address is not kept."""

    __tablename__ = "send_marks"
    __table_args__ = (Index("ix_send_marks_digest", "purpose", "digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32))
    digest: Mapped[str] = mapped_column(String(64))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"SendMark(id={self.id!r}, purpose={self.purpose!r})"
