"""A staff story in the chat: the one that fits what the person asked (a role, night shifts),
nearest them when we know where they are, one they have not seen yet; a short part of it,
the link to the whole story, and "another story" and "jobs like this" buttons."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from carecareers.careers.answers import intent_payload
from carecareers.catalogue import text
from carecareers.geo import Gazetteer, Place, haversine_miles
from carecareers.models import StaffStory

EXCERPT = 320  # characters of the story shown in the chat, cut at a sentence
SEEN_KEPT = 20  # the ids remembered so "another story" brings a new one
WORD = re.compile(r"[a-z']+")


@dataclass(frozen=True)
class StoryAnswer:
    text: str
    buttons: tuple[Mapping[str, str], ...]
    story_id: int | None


@lru_cache(maxsize=4)
def themes(content_dir: Path) -> dict[str, tuple[str, ...]]:
    """What people ask stories about besides a role (night shifts, dementia, ...): each theme
    with the words that name it, from content/stories/themes.yml."""
    raw = yaml.safe_load((content_dir / "stories" / "themes.yml").read_text("utf-8")) or {}
    return {str(k): tuple(str(w).lower() for w in v) for k, v in (raw.get("themes") or {}).items()}


def themes_in(said: str, known: Mapping[str, Sequence[str]]) -> tuple[str, ...]:
    words = set(WORD.findall(said.lower()))
    return tuple(name for name, names in known.items() if words & set(names))


def _about(story: StaffStory, theme: str, known: Mapping[str, Sequence[str]]) -> bool:
    words = set(WORD.findall(" ".join([story.story, *(m[1] for m in story.day)]).lower()))
    return bool(words & set(known.get(theme, ())))


def choose(stories: Sequence[StaffStory], role: str | None, asked_themes: Sequence[str],
           near: Place | None, seen: Sequence[int], gazetteer: Gazetteer,
           known: Mapping[str, Sequence[str]]) -> StaffStory | None:
    """The best story not yet seen: the role asked about, then the theme, then the nearest;
    once every one has been seen, the same order over them all again."""
    def distance(story: StaffStory) -> float:
        where = gazetteer.outcode(story.outcode) if story.outcode else None
        if near is None or where is None:
            return 1e9
        return haversine_miles(near.latitude, near.longitude, where.latitude, where.longitude)

    def rank(story: StaffStory) -> tuple[bool, bool, float, int]:
        fits_theme = any(_about(story, t, known) for t in asked_themes)
        return (role is not None and story.role != role, not fits_theme, distance(story),
                story.id)

    unseen = [s for s in stories if s.id not in seen]
    pool = unseen or list(stories)
    return min(pool, key=rank, default=None)


def excerpt(story: str, limit: int = EXCERPT) -> str:
    """The story's opening, whole sentences up to `limit` characters (at least one)."""
    first = story.split("\n\n")[0]
    sentences = re.split(r"(?<=[.!?])\s+", first)
    kept = sentences[0]
    for sentence in sentences[1:]:
        if len(kept) + 1 + len(sentence) > limit:
            break
        kept += " " + sentence
    return kept if len(kept) <= limit else kept[:limit - 1].rsplit(" ", 1)[0] + "…"


def story_url(base_url: str, story: StaffStory) -> str:
    return f"{base_url.rstrip('/')}/stories/{story.id}"


def story_answer(stories: Sequence[StaffStory], role: str | None, said: str,
                 near: Place | None, seen: Sequence[int], gazetteer: Gazetteer,
                 known: Mapping[str, Sequence[str]], role_names: Mapping[str, str],
                 base_url: str) -> StoryAnswer:
    """What the chat says for a story request: the story, or that there is none yet."""
    asked = themes_in(said, known)
    story = choose(stories, role, asked, near, seen, gazetteer, known)
    if story is None:
        return StoryAnswer(text("chat.stories.none_yet"),
                           ({"title": text("chat.stories.jobs_button"),
                             "payload": intent_payload("search_vacancies")},), None)
    lines = []
    if role is not None and story.role != role:
        told = any(s.role == role for s in stories)  # all of them seen already
        lines.append(text("chat.stories.no_more_for_role" if told else
                          "chat.stories.none_for_role", role=role_names.get(role, role)))
    if story.sample:
        lines.append(text("chat.stories.sample"))
    lines.append(text("chat.stories.who", name=story.first_name,
                      role=role_names.get(story.role, story.role), place=story.place))
    lines.append(text("chat.stories.quote", excerpt=excerpt(story.story)))
    lines.append(text("chat.stories.read_more" if not story.day else "chat.stories.read_day",
                      name=story.first_name, url=story_url(base_url, story)))
    another = intent_payload("ask_story", role=role) if role else "/ask_story"
    buttons = ({"title": text("chat.stories.another_button"), "payload": another},
               {"title": text("chat.stories.jobs_button"),
                "payload": intent_payload("search_vacancies", role=story.role)})
    return StoryAnswer("\n".join(lines), buttons, story.id)


def remember(seen: Sequence[int], story_id: int | None) -> list[int]:
    kept = [i for i in seen if i != story_id]
    return ([*kept, story_id] if story_id is not None else kept)[-SEEN_KEPT:]
