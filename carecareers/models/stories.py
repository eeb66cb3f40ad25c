"""Staff stories: a member of a provider's staff on their work, in their own words, shown in
the chat and on a public page once an admin approves it (carecareers/stories)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from carecareers.models.base import Base, utcnow
from carecareers.models.people import Provider


class StaffStory(Base):
    """One story. `status` is "waiting" (written or changed, not yet shown) or "approved".

    The staff member's consent is kept with its wording, who recorded it and when. A story
    withdrawn is deleted at once, photo and all (the audit log says who withdrew it when).
    `sample` marks the demo's made-up stories, which always say so where they are shown.
    """

    __tablename__ = "staff_stories"

    id: Mapped[int] = mapped_column(primary_key=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("providers.id"), index=True)
    first_name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(64), index=True)  # a careers role code
    place: Mapped[str] = mapped_column(String(120))  # where they work, as people know it
    outcode: Mapped[str | None] = mapped_column(String(8))  # the workplace's postcode district
    story: Mapped[str] = mapped_column(Text)
    day: Mapped[list] = mapped_column(default=list)  # [[time "07:30", what happens], ...]
    photo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    photo_type: Mapped[str | None] = mapped_column(String(32))
    photo_alt: Mapped[str | None] = mapped_column(String(250))
    consent_given_by: Mapped[str] = mapped_column(String(100))  # the staff member's full name
    consent_wording: Mapped[str] = mapped_column(Text)
    consent_at: Mapped[datetime]
    consent_recorded_by: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(16), default="waiting", index=True)
    approved_by: Mapped[str | None] = mapped_column(String(254))
    approved_at: Mapped[datetime | None]
    sample: Mapped[bool] = mapped_column(default=False)
    created_by: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    provider: Mapped[Provider] = relationship()

    def __repr__(self) -> str:
        return f"StaffStory(id={self.id!r}, role={self.role!r}, status={self.status!r})"
