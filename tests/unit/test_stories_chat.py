"""The pieces of a staff story in the chat: the short part shown, the themes a request names,
and the photo check."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from carecareers.settings import get_settings
from carecareers.stories import StoryFormError, read_photo, remember, themes
from carecareers.stories.chat import excerpt, themes_in
from carecareers.stories.form import PHOTO_LIMIT


def test_the_excerpt_keeps_whole_sentences_of_the_first_paragraph() -> None:
    story = ("I started at 17. It was scary at first! Now I love it.\n\nSecond part here.")
    assert excerpt(story, 40) == "I started at 17. It was scary at first!"
    assert excerpt(story) == "I started at 17. It was scary at first! Now I love it."
    long = "word " * 100
    cut = excerpt(long.strip() + ".", 50)
    assert len(cut) <= 50 and cut.endswith("…")


def test_a_request_names_its_themes_by_their_words() -> None:
    known = themes(get_settings().content_dir)
    assert themes_in("tell me about night shifts", known) == ("nights",)
    assert "dementia" in themes_in("what's it like working with dementia", known)
    assert themes_in("what's a care worker like", known) == ()


def test_the_stories_seen_are_remembered_newest_last_and_kept_short() -> None:
    assert remember([1, 2], 1) == [2, 1]
    assert remember(list(range(30)), 99)[-1] == 99 and len(remember(list(range(30)), 99)) == 20
    assert remember([3], None) == [3]


def test_a_photo_is_checked_and_made_smaller() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (2000, 500), (10, 20, 30, 255)).save(out, format="WEBP")
    photo = read_photo(out.getvalue())
    with Image.open(io.BytesIO(photo.data)) as kept:
        assert (kept.format, kept.size) == ("JPEG", (800, 200))
    with pytest.raises(StoryFormError, match="photo"):
        read_photo(b"GIF89a" + b"\0" * 100)
    with pytest.raises(StoryFormError) as too_big:
        read_photo(b"\0" * (PHOTO_LIMIT + 1))
    assert "smaller than 3 MB" in too_big.value.errors["photo"]
