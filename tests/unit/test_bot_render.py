"""Pure pieces of the bot: text splitting, escaping, keyboards, cards, identity, callback data."""

from __future__ import annotations

import pytest

from bot import buttons, render
from bot.app import file_base_url
from bot.conversation import valid_campaign


def test_short_text_is_one_message() -> None:
    assert render.split_text("  Hello there.  ") == ["Hello there."]


def test_split_prefers_sentence_boundaries() -> None:
    text = "One two three. Four five six! Seven eight nine?"
    assert render.split_text(text, limit=32) == ["One two three. Four five six!",
                                                 "Seven eight nine?"]


def test_split_falls_back_to_spaces_then_hard_cuts() -> None:
    assert render.split_text("aaaa bbbb cccc", limit=10) == ["aaaa bbbb", "cccc"]
    assert render.split_text("x" * 25, limit=10) == ["x" * 10, "x" * 10, "x" * 5]


def test_split_counts_utf16_units_like_telegram() -> None:
    chunks = render.split_text("😀" * 10, limit=8)
    assert chunks == ["😀" * 4, "😀" * 4, "😀" * 2]
    assert all(render.utf16_len(c) <= 8 for c in chunks)


def test_split_keeps_every_word_of_a_long_reply() -> None:
    text = " ".join(f"Sentence {i} is here." for i in range(2000))
    chunks = render.split_text(text)
    assert all(render.utf16_len(c) <= 4096 for c in chunks)
    assert " ".join(chunks) == text


def test_escape_leaves_no_markup() -> None:
    assert render.escape('<a href="x">&</a>') == '&lt;a href="x"&gt;&amp;&lt;/a&gt;'


def test_keyboard_pairs_short_titles_and_links_urls() -> None:
    markup = render.keyboard(
        [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"},
         {"title": "Site", "payload": "https://nhs.example.org"}, {"title": "", "payload": "/x"}],
        lambda payload: "r:" + payload,
    )
    assert markup is not None
    rows = [[(b.text, b.callback_data, b.url) for b in row] for row in markup.inline_keyboard]
    assert rows == [[("Yes", "r:/affirm", None), ("No", "r:/deny", None)],
                    [("Site", None, "https://nhs.example.org")]]


def test_keyboard_puts_long_titles_on_their_own_rows() -> None:
    markup = render.keyboard([{"title": "What does a healthcare assistant do?", "payload": "/a"},
                              {"title": "Pay", "payload": "/b"}], lambda p: p)
    assert markup is not None and [len(r) for r in markup.inline_keyboard] == [1, 1]


def test_no_buttons_no_keyboard() -> None:
    assert render.keyboard([], lambda p: p) is None


def test_vacancy_card_skips_missing_fields() -> None:
    text, markup = render.vacancy_card({"type": "vacancy", "title": "Carer", "place": "Leek"})
    assert text == "<b>Carer</b>\nLeek"
    assert markup is None


def test_callback_data_inlines_short_payloads_and_stores_long_ones() -> None:
    chat_data: dict[str, object] = {}
    assert buttons.callback_data_for("/affirm", chat_data) == "r:/affirm"
    long_payload = "/inform" + "{" + '"x": "' + "é" * 40 + '"}'
    data = buttons.callback_data_for(long_payload, chat_data)
    assert data.startswith("k:") and len(data.encode()) <= 64
    assert buttons.payload_for(data, chat_data) == long_payload
    assert buttons.payload_for("r:/affirm", chat_data) == "/affirm"
    assert buttons.payload_for("k:unknown", chat_data) is None
    assert buttons.payload_for("other", chat_data) is None


def test_stored_payloads_are_bounded() -> None:
    chat_data: dict[str, object] = {}
    keys = [buttons.callback_data_for(f"/p{i}" + "x" * 70, chat_data) for i in range(250)]
    assert buttons.payload_for(keys[0], chat_data) is None
    assert buttons.payload_for(keys[-1], chat_data) == "/p249" + "x" * 70


@pytest.mark.parametrize(("code", "valid"), [
    ("FOODBANK", True), ("open-day_2025", True), ("x" * 64, True),
    ("x" * 65, False), ("", False), ("bad code", False), ("<b>", False), ("café", False),
])
def test_campaign_codes(code: str, valid: bool) -> None:
    assert valid_campaign(code) is valid


def test_file_base_url_follows_the_api_url() -> None:
    assert file_base_url("http://127.0.0.1:8081/bot") == "http://127.0.0.1:8081/file/bot"
    assert file_base_url("https://api.telegram.org/bot") == "https://api.telegram.org/file/bot"
