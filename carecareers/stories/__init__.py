"""Staff stories and "a day in the life": providers write them in the dashboard with the
staff member's consent, an admin approves them, and people read them in the chat and on a
public page that providers share. Withdrawing one deletes it at once."""

from carecareers.stories.chat import StoryAnswer, remember, story_answer, story_url, themes
from carecareers.stories.form import (
    Photo,
    StoryFormError,
    StoryValues,
    read_photo,
    read_story_form,
)
from carecareers.stories.service import (
    APPROVED,
    WAITING,
    approve_story,
    approved_stories,
    change_story,
    consent_wording,
    create_story,
    get_story,
    may_approve,
    may_manage,
    shown_story,
    stories_managed_by,
    story_photo,
    withdraw_story,
)

__all__ = [
    "APPROVED",
    "WAITING",
    "Photo",
    "StoryAnswer",
    "StoryFormError",
    "StoryValues",
    "approve_story",
    "approved_stories",
    "change_story",
    "consent_wording",
    "create_story",
    "get_story",
    "may_approve",
    "may_manage",
    "read_photo",
    "read_story_form",
    "remember",
    "shown_story",
    "stories_managed_by",
    "story_answer",
    "story_photo",
    "story_url",
    "themes",
    "withdraw_story",
]
