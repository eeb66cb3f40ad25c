"""Dashboard sessions kept on the server, so that logging out and a new password end them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from carecareers.models.base import Base, utcnow


class AdviserSession(Base):
    """One logged-in browser: the cookie holds a random token, the table only its digest."""

    __tablename__ = "adviser_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    adviser_id: Mapped[int] = mapped_column(
        ForeignKey("advisers.id", ondelete="CASCADE"), index=True
    )
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    def __repr__(self) -> str:
        return f"AdviserSession(id={self.id!r}, adviser_id={self.adviser_id!r})"
