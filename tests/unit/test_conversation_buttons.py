"""One button-expiry rule and one safe-link check, applied alike by the bot and the web chat."""

from __future__ import annotations

import pytest

from bot import buttons as bot_buttons
from bot import render
from carecareers.conversation.buttons import answers_a_question, safe_link, still_answers
from carecareers.conversation.payloads import consent_button, form_answer_payload
from web.session import ButtonSigner

SECRET = "test-secret-key-0123456789abcdef"
ANSWER = form_answer_payload("looks right")
CONSENT = consent_button("Yes, I agree", given=True)["payload"]
QUESTION = "/ask_pay"


@pytest.mark.parametrize(("url", "safe"), [
    ("https://jobs.example.org/1?a=b", True),
    ("http://example.org", True),
    ("javascript:alert(1)", False),
    ("tg://resolve?domain=x", False),
    ("https://", False),
    ("https://exa mple.org", False),
    ('https://example.org/"onmouseover', False),
    ("https://example.org/'x", False),
    ("https://example.org/\\x", False),
    ("https://example.org/\x00", False),
    (None, False),
    (42, False),
])
def test_safe_link(url: object, safe: bool) -> None:
    assert safe_link(url) == (url if safe else None)


def test_form_and_consent_answers_are_bound_to_their_turn_other_buttons_are_not() -> None:
    assert answers_a_question(ANSWER) and answers_a_question(CONSENT)
    assert not answers_a_question(QUESTION)
    assert still_answers(ANSWER, 3, 3) and not still_answers(ANSWER, 3, 4)
    assert not still_answers(CONSENT, 2, 3)
    assert still_answers(QUESTION, 1, 9)


def pressed_in_bot(payload: str, offered_in: int, pressed_in: int) -> str | None:
    chat_data: dict[str, object] = {bot_buttons.TURN_KEY: offered_in}
    data = bot_buttons.callback_data_for(payload, chat_data)
    chat_data[bot_buttons.TURN_KEY] = pressed_in
    return bot_buttons.payload_for(data, chat_data)


def pressed_on_the_web(payload: str, offered_in: int, pressed_in: int) -> str | None:
    offered = ButtonSigner(SECRET, "web-visitor", offered_in).seal(
        {"text": "?", "buttons": [{"title": "Go", "payload": payload}]})
    return ButtonSigner(SECRET, "web-visitor", pressed_in).open(offered["buttons"][0]["payload"])


@pytest.mark.parametrize("press", [pressed_in_bot, pressed_on_the_web])
@pytest.mark.parametrize(("payload", "offered_in", "pressed_in", "works"), [
    (ANSWER, 4, 4, True),
    (ANSWER, 4, 5, False),
    (CONSENT, 0, 1, False),
    (QUESTION, 0, 7, True),
])
def test_both_front_ends_apply_the_same_expiry(press, payload: str, offered_in: int,
                                               pressed_in: int, works: bool) -> None:
    assert (press(payload, offered_in, pressed_in) == payload) is works


@pytest.mark.parametrize("link", ["https://jobs.example.org/apply?id=1", "javascript:alert(1)",
                                  "https://example.org/'x"])
def test_both_front_ends_open_the_same_links(link: str) -> None:
    keyboard = render.keyboard([{"title": "Apply", "payload": link}], lambda p: "r:" + p)
    assert keyboard is not None
    in_bot = keyboard.inline_keyboard[0][0].url
    on_web = ButtonSigner(SECRET, "web-visitor").seal(
        {"buttons": [{"title": "Apply", "payload": link}]})["buttons"][0].get("url")
    assert in_bot == on_web == safe_link(link)
