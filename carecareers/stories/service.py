"""Staff stories kept: written and changed by a provider (each change waits for an admin
again), approved by an admin before anyone sees them, withdrawn at once and then gone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from carecareers.advisers.accounts import is_staff
from carecareers.advisers.audit import record
from carecareers.catalogue import text
from carecareers.models import Adviser, StaffStory
from carecareers.stories.form import Photo, StoryValues

WAITING = "waiting"
APPROVED = "approved"


def consent_wording() -> str:
    """The words the staff member agreed to, as the form shows them and the story keeps them."""
    return text("dashboard.stories.consent_wording")


def may_manage(adviser: Adviser, story: StaffStory) -> bool:
    """Staff manage every story; a provider user only their own organisation's."""
    return is_staff(adviser) or (adviser.provider_id is not None
                                 and adviser.provider_id == story.provider_id)


def may_approve(adviser: Adviser) -> bool:
    return adviser.role == "admin"


def stories_managed_by(session: Session, adviser: Adviser) -> list[StaffStory]:
    """Waiting first, then newest first: every story for staff, their own for a provider."""
    query = select(StaffStory)
    if not is_staff(adviser):
        if adviser.provider_id is None:
            return []
        query = query.where(StaffStory.provider_id == adviser.provider_id)
    stories = session.scalars(query.order_by(StaffStory.updated_at.desc(), StaffStory.id.desc()))
    return sorted(stories, key=lambda s: s.status != WAITING)


def get_story(session: Session, story_id: int) -> StaffStory | None:
    return session.get(StaffStory, story_id)


def shown_story(session: Session, story_id: int) -> StaffStory | None:
    """The story as the public sees it: only an approved one."""
    story = session.get(StaffStory, story_id)
    return story if story is not None and story.status == APPROVED else None


def story_photo(session: Session, story_id: int) -> tuple[bytes, str] | None:
    story = session.scalar(select(StaffStory).options(undefer(StaffStory.photo))
                           .where(StaffStory.id == story_id, StaffStory.status == APPROVED))
    if story is None or story.photo is None or story.photo_type is None:
        return None
    return story.photo, story.photo_type


def _apply(story: StaffStory, values: StoryValues, photo: Photo | None) -> None:
    story.provider_id = values.provider_id
    story.first_name = values.first_name
    story.role = values.role
    story.place = values.place
    story.outcode = values.outcode
    story.story = values.story
    story.day = [list(moment) for moment in values.day]
    if photo is not None:
        story.photo, story.photo_type = photo.data, photo.content_type
    story.photo_alt = values.photo_alt
    if story.consent_given_by != values.consent_given_by or story.consent_at != values.consent_at:
        story.consent_wording = consent_wording()
    story.consent_given_by = values.consent_given_by
    story.consent_at = values.consent_at


def create_story(session: Session, values: StoryValues, photo: Photo | None, actor: str,
                 now: datetime, sample: bool = False) -> StaffStory:
    story = StaffStory(status=WAITING, created_by=actor, created_at=now, updated_at=now,
                       consent_recorded_by=actor, consent_wording=consent_wording(),
                       consent_given_by="", sample=sample)
    _apply(story, values, photo)
    session.add(story)
    session.flush()
    record(session, actor, "story_written", f"story:{story.id}", provider=story.provider_id)
    return story


def change_story(session: Session, story: StaffStory, values: StoryValues,
                 photo: Photo | None, remove_photo: bool, actor: str, now: datetime) -> None:
    """Save a change; the story waits for an admin again before it is shown."""
    if remove_photo:
        story.photo = story.photo_type = None
    if (story.consent_given_by, story.consent_at) != (values.consent_given_by, values.consent_at):
        story.consent_recorded_by = actor
    _apply(story, values, photo)
    story.status, story.approved_by, story.approved_at = WAITING, None, None
    story.updated_at = now
    record(session, actor, "story_changed", f"story:{story.id}", provider=story.provider_id)


def approve_story(session: Session, story: StaffStory, actor: str, now: datetime) -> None:
    story.status, story.approved_by, story.approved_at = APPROVED, actor, now
    record(session, actor, "story_approved", f"story:{story.id}", provider=story.provider_id)


def withdraw_story(session: Session, story: StaffStory, actor: str) -> None:
    """Delete the story, photo and all, at once: it is shown nowhere from now on."""
    record(session, actor, "story_withdrawn", f"story:{story.id}", provider=story.provider_id,
           role=story.role)
    session.delete(story)
    session.flush()


def approved_stories(session: Session) -> list[StaffStory]:
    return list(session.scalars(select(StaffStory).where(StaffStory.status == APPROVED)
                                .order_by(StaffStory.id)))
