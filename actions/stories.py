"""A staff story in the chat: for the role or theme asked about, near the person when we know
where they are, a new one each time "Another story" is pressed (carecareers/stories)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.common import careers_content, db_session, latest_entity
from carecareers.catalogue import text
from carecareers.geo import Place, default_gazetteer
from carecareers.settings import get_settings
from carecareers.stories import approved_stories, remember, story_answer, themes

logger = logging.getLogger(__name__)
PLACE_SLOTS = ("lead_postcode", "alert_place", "location")


def person_place(tracker: Tracker) -> Place | None:
    """Where the person said they are, in any slot that holds a place."""
    gazetteer = default_gazetteer()
    for slot in PLACE_SLOTS:
        value = tracker.get_slot(slot)
        if isinstance(value, str) and value.strip():
            place = gazetteer.find(value) or gazetteer.locate_text(value)
            if place is not None:
                return place
    return None


class ActionStaffStory(Action):
    def name(self) -> str:
        return "action_staff_story"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: dict[str, Any]) -> list[EventType]:
        content = careers_content()
        role = latest_entity(tracker, "role")
        role = role if role and content.role(role) is not None else None
        seen = [int(i) for i in tracker.get_slot("stories_seen") or [] if str(i).isdigit()]
        said = str(tracker.latest_message.get("text") or "")
        settings = get_settings()
        try:
            with db_session() as session:
                answer = story_answer(
                    approved_stories(session), role, "" if said.startswith("/") else said,
                    person_place(tracker), seen, default_gazetteer(),
                    themes(settings.content_dir), {r.code: r.name for r in content.roles},
                    settings.public_base_url)
        except SQLAlchemyError:
            logger.exception("could not choose a staff story")
            dispatcher.utter_message(text=text("chat.stories.failed"))
            return []
        dispatcher.utter_message(text=answer.text, buttons=[dict(b) for b in answer.buttons])
        return [SlotSet("stories_seen", [str(i) for i in remember(seen, answer.story_id)])]
