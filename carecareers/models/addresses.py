"""How a person can be reached: one row per channel they talk to us on."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from carecareers.models.base import Base, utcnow


class PersonAddress(Base):
    """A person's address on one channel: the chat they write from, noted by the relay.

    The person is the pseudonymous sender id; the address is what the channel's sender
    needs to reach them (a chat's id, or for the web chat the sender id its cookie holds).
    Topics never keep their own copy: they ask `carecareers/delivery/people.py`.
    """

    __tablename__ = "person_addresses"
    __table_args__ = (
        UniqueConstraint("sender_id", "channel"),
        Index("ix_person_addresses_channel_address", "channel", "address"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sender_id: Mapped[str] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(254))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"PersonAddress(id={self.id!r}, channel={self.channel!r})"
