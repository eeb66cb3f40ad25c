"""Staff stories in the centre: they answer the intent that asks for one. They are about
staff, not the people who chat, so no erasure or purge of a chatting person touches them;
a story leaves when it is withdrawn (carecareers/stories/service.py)."""

from __future__ import annotations

from carecareers.topics import Topic, register

TOPIC = register(Topic("stories", intents={"ask_story": "action_staff_story"}))
