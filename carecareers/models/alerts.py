"""Job alerts: who gets them where (recipients), what each watches, consent and matches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from carecareers.models.base import Base, utcnow

ALERT_STATUSES = ("pending", "active", "stopped")
RECIPIENT_STATUSES = ("active", "stopped", "failed")


class AlertRecipient(Base):
    """Who gets alerts on one channel: an email address, or a person in their chat.

    A chat recipient keeps no address: its alerts go to the chat its person (`sender_id`)
    writes from, looked up when a bundle is queued (carecareers/delivery/people.py).
    """

    __tablename__ = "alert_recipients"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(254))
    sender_id: Mapped[str | None] = mapped_column(String(128), index=True)
    status: Mapped[str] = mapped_column(String(16), default="active")
    unsubscribe_token: Mapped[str] = mapped_column(String(64), unique=True)
    confirmed_at: Mapped[datetime | None]
    last_sent_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    alerts: Mapped[list[JobAlert]] = relationship(
        back_populates="recipient", cascade="all, delete-orphan", passive_deletes=True)
    consents: Mapped[list[AlertConsent]] = relationship(
        back_populates="recipient", cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"AlertRecipient(id={self.id!r}, channel={self.channel!r}, status={self.status!r})"


class JobAlert(Base):
    """What one person asked to hear about: a role or words, a place and radius, a kind."""

    __tablename__ = "job_alerts"
    __table_args__ = (Index("ix_job_alerts_status_recipient", "status", "recipient_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("alert_recipients.id", ondelete="CASCADE"), index=True)
    sender_id: Mapped[str | None] = mapped_column(String(128), index=True)
    role_code: Mapped[str | None] = mapped_column(String(64), index=True)
    keywords: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str | None] = mapped_column(String(100))
    outcode: Mapped[str | None] = mapped_column(String(8), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    radius_miles: Mapped[float | None] = mapped_column(Float)
    apprenticeships_only: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    confirm_token: Mapped[str | None] = mapped_column(String(64), unique=True)
    matched_until: Mapped[datetime] = mapped_column(default=utcnow)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    stopped_at: Mapped[datetime | None]

    recipient: Mapped[AlertRecipient] = relationship(back_populates="alerts")

    def __repr__(self) -> str:
        return f"JobAlert(id={self.id!r}, status={self.status!r})"


class AlertConsent(Base):
    """Consent to job alerts on one channel: the words shown (by version) and when."""

    __tablename__ = "alert_consents"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("alert_recipients.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    wording_version: Mapped[str] = mapped_column(String(32))
    wording: Mapped[str] = mapped_column(Text)
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None]

    recipient: Mapped[AlertRecipient] = relationship(back_populates="consents")

    def __repr__(self) -> str:
        return f"AlertConsent(id={self.id!r}, channel={self.channel!r})"


class AlertMatch(Base):
    """A vacancy found for a recipient; unique, so nobody is sent the same vacancy twice.

    Only the recipient is a foreign key: alerts, vacancies and messages come and go, and
    the record that a vacancy was sent must outlive them. (Tens of thousands of rows are
    written per run; each foreign key would add a check per row.)
    """

    __tablename__ = "alert_matches"
    __table_args__ = (
        # Vacancy first: it also serves "who has been sent these vacancies already".
        UniqueConstraint("vacancy_id", "recipient_id"),
        Index("ix_alert_matches_unbundled", "recipient_id",
              postgresql_where=text("bundled_at IS NULL"), sqlite_where=text("bundled_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(
        ForeignKey("alert_recipients.id", ondelete="CASCADE"), index=True)
    alert_id: Mapped[int | None]
    vacancy_id: Mapped[int]
    matched_at: Mapped[datetime] = mapped_column(default=utcnow)
    bundled_at: Mapped[datetime | None]
    message_id: Mapped[int | None]

    def __repr__(self) -> str:
        return f"AlertMatch(recipient_id={self.recipient_id!r}, vacancy_id={self.vacancy_id!r})"
