"""Bot flows: build Updates, run them through the real Application, fake Rasa and Bot API."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import Application
from telegram.request import BaseRequest, RequestData

from bot import buttons, commands
from bot.app import build_application
from bot.conversation import telegram_sender
from carecareers import catalogue
from carecareers.campaigns.service import create_campaign
from carecareers.catalogue import text
from carecareers.conversation.relay import UNAVAILABLE
from carecareers.db import make_engine, session_factory
from carecareers.migrate import upgrade
from carecareers.models import Conversation
from carecareers.settings import Settings
from tests.conftest import TEST_RASA_TOKEN, TEST_SECRET_KEY
from tests.support.fake_rasa import FakeRasa

UNAVAILABLE_TEXT = catalogue.text(UNAVAILABLE)

SECRET = TEST_SECRET_KEY
USER_ID = 4242
BOT_USER = {"id": 1, "is_bot": True, "first_name": "Care Careers", "username": "carebot"}
Json = dict[str, Any]


# -- fakes ----------------------------------------------------------------------------------


@dataclass
class BotApiLog:
    """The Bot API calls the bot made, and the methods the fake server refuses."""

    calls: list[tuple[str, Json]] = field(default_factory=list)
    refuse: dict[str, tuple[int, str]] = field(default_factory=dict)
    refuse_url_buttons: bool = False  # as Telegram does for links it deems invalid
    next_message_id: int = 100

    def of(self, method: str) -> list[Json]:
        return [params for name, params in self.calls if name == method]

    def texts(self) -> list[str]:
        return [p["text"] for p in self.of("sendMessage")]


class RecordingRequest(BaseRequest):
    """A Bot API request layer that records each call and returns canned answers."""

    def __init__(self, log: BotApiLog) -> None:
        self.log = log

    @property
    def read_timeout(self) -> float | None:
        return 1.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        endpoint = url.rsplit("/", 1)[-1]
        params = json.loads(json.dumps(request_data.parameters)) if request_data else {}
        self.log.calls.append((endpoint, params))
        refusal = self.log.refuse.get(endpoint)
        if self.log.refuse_url_buttons and '"url"' in json.dumps(params.get("reply_markup")):
            refusal = (400, "Bad Request: BUTTON_URL_INVALID")
        if refusal:
            code, description = refusal
            body: Json = {"ok": False, "error_code": code, "description": description}
            return code, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": self._result(endpoint, params)}).encode()

    def _result(self, endpoint: str, params: Json) -> Any:
        if endpoint == "getMe":
            return BOT_USER
        if endpoint in ("sendMessage", "editMessageReplyMarkup", "sendPhoto"):
            self.log.next_message_id += 1
            return {"message_id": params.get("message_id", self.log.next_message_id),
                    "date": 0, "chat": {"id": params.get("chat_id", USER_ID), "type": "private"},
                    "text": params.get("text", ""), "reply_markup": params.get("reply_markup")}
        return True


@dataclass
class Harness:
    app: Application  # type: ignore[type-arg]
    api: BotApiLog
    rasa: FakeRasa
    sessions: sessionmaker[Session]
    update_ids: int = 0

    async def send(self, update: Json) -> None:
        self.update_ids += 1
        await self.app.process_update(Update.de_json({"update_id": self.update_ids, **update},
                                                     self.app.bot))


@pytest.fixture
async def bot(tmp_path: Path) -> AsyncIterator[Harness]:
    api, rasa = BotApiLog(), FakeRasa()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token="123:TEST", secret_key=SECRET, rasa_token=TEST_RASA_TOKEN,
        public_base_url="https://care.example.org",
        database_url=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    upgrade(settings.database_url)
    client = rasa.client()
    app = build_application(settings, rasa=client,
                            requests=(RecordingRequest(api), RecordingRequest(api)),
                            rate_limit=False)
    await app.initialize()
    yield Harness(app, api, rasa, session_factory(make_engine(settings.database_url)))
    await app.shutdown()
    await client.aclose()


# -- update builders ------------------------------------------------------------------------


def user(user_id: int = USER_ID) -> Json:
    return {"id": user_id, "is_bot": False, "first_name": "Sam"}


def chat(user_id: int = USER_ID) -> Json:
    return {"id": user_id, "type": "private", "first_name": "Sam"}


def message(text: str | None = None, user_id: int = USER_ID, **content: Any) -> Json:
    body: Json = {"message_id": 1, "date": 0, "from": user(user_id), "chat": chat(user_id),
                  **content}
    if text is not None:
        body["text"] = text
        if text.startswith("/"):
            body["entities"] = [{"type": "bot_command", "offset": 0,
                                 "length": len(text.split()[0])}]
    return {"message": body}


def press(data: str, keyboard: list[list[Json]], user_id: int = USER_ID) -> Json:
    pressed_message = {"message_id": 55, "date": 0, "chat": chat(user_id), "from": BOT_USER,
                       "text": "Choose", "reply_markup": {"inline_keyboard": keyboard}}
    return {"callback_query": {"id": "q1", "from": user(user_id), "chat_instance": "c",
                               "data": data, "message": pressed_message}}


# -- tests ----------------------------------------------------------------------------------


async def test_start_with_code_sends_greet_and_campaign_metadata(bot: Harness) -> None:
    await bot.send(message("/start FOODBANK-2025"))
    await bot.send(message("what jobs are there"))

    first, second = bot.rasa.requests
    assert first["message"] == "/greet"
    assert first["metadata"] == {"channel": "telegram", "campaign": "FOODBANK-2025"}
    assert second["metadata"] == {"channel": "telegram", "campaign": "FOODBANK-2025"}


async def test_conversations_are_counted_for_their_campaign(bot: Harness) -> None:
    sessions = bot.sessions
    with sessions() as session, session.begin():
        create_campaign(session, "FOODBANK-2025", "Food bank", kind="food_bank")
    await bot.send(message("/start FOODBANK-2025"))
    await bot.send(message("what jobs are there"))
    with sessions() as session:
        conversation = session.scalars(select(Conversation)).one()
        assert conversation.channel == "telegram" and conversation.campaign_id is not None
        assert conversation.sender_id.startswith("tg-")
        assert str(USER_ID) not in conversation.sender_id


async def test_start_ignores_an_invalid_code(bot: Harness) -> None:
    await bot.send(message("/start bad<code>"))

    assert bot.rasa.requests[0]["message"] == "/greet"
    assert bot.rasa.requests[0]["metadata"] == {"channel": "telegram"}


async def test_plain_text_is_cleaned_and_the_reply_rendered(bot: Harness) -> None:
    await bot.send(message("/greet{\"role\": \"nurse\"}"))
    await bot.send(message("how much do carers earn?"))

    assert [r["message"] for r in bot.rasa.requests] == [
        "greet{\"role\": \"nurse\"}", "how much do carers earn?"]
    assert bot.api.of("sendMessage")[-1] == {"chat_id": USER_ID, "text": "Hello!",
                                            "parse_mode": "HTML"}


async def test_sender_is_a_keyed_hash_and_no_raw_id_reaches_rasa(bot: Harness) -> None:
    await bot.send(message("hi"))

    request = bot.rasa.requests[0]
    assert request["sender"] == telegram_sender(SECRET, USER_ID)
    assert request["sender"].startswith("tg-") and len(request["sender"]) == 35
    assert str(USER_ID) not in json.dumps(request)


async def test_rasa_text_is_html_escaped(bot: Harness) -> None:
    bot.rasa.replies = lambda body: [{"text": "Pay <b>& more</b>"}]
    await bot.send(message("pay"))

    assert bot.api.texts() == ["Pay &lt;b&gt;&amp; more&lt;/b&gt;"]


async def test_long_reply_is_split_into_several_messages(bot: Harness) -> None:
    sentence = "Care work is varied and rewarding. "
    bot.rasa.replies = lambda body: [{"text": sentence * 300}]
    await bot.send(message("tell me everything"))

    sent = bot.api.texts()
    assert len(sent) == 3
    assert all(len(t) <= 4096 and t.endswith("rewarding.") for t in sent)


async def test_buttons_become_an_inline_keyboard(bot: Harness) -> None:
    long_payload = '/search_vacancies{"role": "healthcare assistant", "location": "ST4 6QG"}'
    bot.rasa.replies = lambda body: [{"text": "What next?", "buttons": [
        {"title": "Jobs", "payload": "/search_vacancies"},
        {"title": "Nursing jobs near Stoke", "payload": long_payload},
    ]}]
    await bot.send(message("hi"))

    keyboard = bot.api.of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    first, second = keyboard[0][0], keyboard[1][0]
    assert first == {"text": "Jobs", "callback_data": "r:/search_vacancies"}
    assert second["callback_data"].startswith("k:")
    assert len(second["callback_data"].encode()) <= 64
    assert buttons.payload_for(second["callback_data"], bot.app.chat_data[USER_ID]) == \
        long_payload


async def test_button_press_sends_the_payload_and_marks_the_choice(bot: Harness) -> None:
    keyboard = [[{"text": "Jobs", "callback_data": "r:/search_vacancies"},
                 {"text": "Pay", "callback_data": "r:/ask_pay"}]]
    await bot.send(press("r:/search_vacancies", keyboard))

    assert bot.rasa.requests[0]["message"] == "/search_vacancies"
    assert bot.api.of("answerCallbackQuery")[0]["callback_query_id"] == "q1"
    edit = bot.api.of("editMessageReplyMarkup")[0]
    assert edit["message_id"] == 55
    assert edit["reply_markup"] == {"inline_keyboard": [[{"text": "✓ Jobs",
                                                          "callback_data": "chosen"}]]}
    assert bot.api.texts() == ["Hello!"]


async def test_long_payload_button_round_trip(bot: Harness) -> None:
    long_payload = "/ask_role_info" + '{"role": "' + "x" * 80 + '"}'
    bot.rasa.replies = lambda body: [{"text": "Pick", "buttons": [
        {"title": "More", "payload": long_payload}]}]
    await bot.send(message("hi"))
    data = bot.api.of("sendMessage")[0]["reply_markup"]["inline_keyboard"][0][0]["callback_data"]

    await bot.send(press(data, [[{"text": "More", "callback_data": data}]]))

    assert bot.rasa.requests[-1]["message"] == long_payload


async def test_stale_or_expired_buttons_do_not_reach_rasa(bot: Harness) -> None:
    marked = [[{"text": "✓ Jobs", "callback_data": "chosen"}]]
    await bot.send(press("r:/search_vacancies", marked))
    await bot.send(press("k:0123456789abcdef", [[{"text": "Old", "callback_data":
                                                    "k:0123456789abcdef"}]]))

    assert bot.rasa.requests == []
    answers = [a.get("text") for a in bot.api.of("answerCallbackQuery")]
    assert answers == [text("bot.buttons.already_chosen"), text("bot.buttons.expired")]


async def test_a_double_tap_on_a_question_button_answers_it_once(bot: Harness) -> None:
    consent = '/inform{"consent_answer":"given"}'
    bot.rasa.replies = lambda body: (
        [{"text": "May we pass on your details?", "buttons": [
            {"title": "Yes, I agree", "payload": consent}]}]
        if body["message"] == "hi" else [{"text": "Thanks!"}])
    await bot.send(message("hi"))
    keyboard = bot.api.of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    data = keyboard[0][0]["callback_data"]
    assert data.startswith("k:")  # a question's answer is never sent inline

    await bot.send(press(data, keyboard))  # the first tap answers the question
    await bot.send(press(data, keyboard))  # the second arrives before the keyboard changed

    assert [r["message"] for r in bot.rasa.requests] == ["hi", consent]
    assert bot.api.of("answerCallbackQuery")[-1]["text"] == text("bot.buttons.expired")


async def test_a_question_button_works_again_after_a_lost_turn(bot: Harness) -> None:
    consent = '/inform{"consent_answer":"given"}'
    answers = iter([[{"text": "Agree?", "buttons": [{"title": "Yes", "payload": consent}]}],
                    [], [{"text": "Thanks!"}]])
    bot.rasa.replies = lambda body: next(answers)
    await bot.send(message("hi"))
    keyboard = bot.api.of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    data = keyboard[0][0]["callback_data"]
    await bot.send(press(data, keyboard))  # Rasa answers nothing: the question still stands
    await bot.send(press(data, keyboard))

    assert [r["message"] for r in bot.rasa.requests] == ["hi", consent, consent]
    assert bot.api.texts()[-1] == "Thanks!"


async def test_callback_data_no_keyboard_offered_is_refused(bot: Harness) -> None:
    offered = [[{"text": "Jobs", "callback_data": "r:/search_vacancies"}]]
    await bot.send(press('r:/inform{"consent": true}', offered))
    no_message = press("r:/search_vacancies", offered)
    del no_message["callback_query"]["message"]
    await bot.send(no_message)

    assert bot.rasa.requests == []
    assert bot.api.of("editMessageReplyMarkup") == []


async def test_restart_says_something_even_if_rasa_is_silent(bot: Harness) -> None:
    bot.rasa.replies = lambda body: []
    await bot.send(message("/restart"))

    assert bot.api.texts() == [text("bot.restarted")]


async def test_vacancy_card_has_an_apply_button(bot: Harness) -> None:
    bot.rasa.replies = lambda body: [{"custom": {
        "type": "vacancy", "title": "Care Assistant <Nights>", "employer": "Sunrise Care",
        "place": "Stafford", "salary": "£12.50 an hour", "closing_date": "2025-02-01",
        "apply_url": "https://jobs.example.org/1"}}]
    await bot.send(message("jobs in stafford"))

    sent = bot.api.of("sendMessage")[0]
    assert sent["text"] == ("<b>Care Assistant &lt;Nights&gt;</b>\nSunrise Care · Stafford\n"
                            "Pay: £12.50 an hour\nClosing date: 2025-02-01")
    assert sent["reply_markup"] == {"inline_keyboard": [[
        {"text": "Apply", "url": "https://jobs.example.org/1"}]]}


async def test_vacancy_card_drops_a_non_http_apply_link(bot: Harness) -> None:
    bot.rasa.replies = lambda body: [{"custom": {
        "type": "vacancy", "title": "Carer", "apply_url": "javascript:alert(1)"}}]
    await bot.send(message("jobs"))

    assert "reply_markup" not in bot.api.of("sendMessage")[0]


async def test_rasa_down_gets_a_kind_reply(bot: Harness) -> None:
    bot.rasa.up = False
    await bot.send(message("hello"))

    assert bot.api.texts() == [UNAVAILABLE_TEXT]


async def test_typing_is_shown_while_waiting_and_its_failure_is_harmless(bot: Harness) -> None:
    bot.rasa.delay = 0.05
    await bot.send(message("hello"))
    bot.api.refuse["sendChatAction"] = (400, "Bad Request: not enough rights")
    await bot.send(message("hello again"))

    assert [a["action"] for a in bot.api.of("sendChatAction")] == ["typing", "typing"]
    assert bot.api.texts() == ["Hello!", "Hello!"]


@pytest.mark.parametrize("content", [
    {"photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]},
    {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 1,
                 "height": 1, "is_animated": False, "is_video": False}},
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 1}},
    {"document": {"file_id": "d", "file_unique_id": "d"}},
])
async def test_non_text_messages_get_a_friendly_reply(bot: Harness, content: Json) -> None:
    await bot.send(message(**content))

    assert bot.rasa.requests == []
    assert bot.api.texts() == [text("bot.text_only")]


async def test_location_asks_for_jobs_near_me_with_rounded_coordinates(bot: Harness) -> None:
    await bot.send(message(location={"latitude": 53.00312, "longitude": -2.17954}))

    request = bot.rasa.requests[0]
    assert request["message"] == "jobs near me"
    assert request["metadata"] == {"channel": "telegram", "latitude": 53.0, "longitude": -2.18}


async def test_help_and_restart_go_to_rasa(bot: Harness) -> None:
    await bot.send(message("/help"))
    await bot.send(message("/restart"))

    assert [r["message"] for r in bot.rasa.requests] == ["/help", "/restart"]


async def test_privacy_links_to_the_notice(bot: Harness) -> None:
    await bot.send(message("/privacy"))

    sent = bot.api.of("sendMessage")[0]
    assert bot.rasa.requests == []
    assert sent["reply_markup"]["inline_keyboard"][0][0]["url"] == \
        "https://care.example.org/privacy"


async def test_privacy_falls_back_to_a_text_link_if_the_button_is_refused(bot: Harness) -> None:
    bot.api.refuse_url_buttons = True
    await bot.send(message("/privacy"))

    first, second = bot.api.of("sendMessage")
    assert "reply_markup" in first and "reply_markup" not in second
    assert second["text"].endswith("https://care.example.org/privacy")


async def test_forget_confirmed_deletes_in_rasa_and_locally(bot: Harness) -> None:
    await bot.send(message("/start FOODBANK"))
    await bot.send(message("/forget"))
    question = bot.api.of("sendMessage")[-1]
    keyboard = question["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for b in keyboard[0]] == ["forget:yes", "forget:no"]

    bot.rasa.replies = lambda body: [{"text": "Deleted."}]
    await bot.send(press("forget:yes", keyboard))
    await bot.send(message("hi"))

    assert [r["message"] for r in bot.rasa.requests] == ["/greet", "/confirm_delete_my_data", "hi"]
    assert bot.rasa.requests[-1]["metadata"] == {"channel": "telegram"}
    assert bot.api.texts()[-2] == "Deleted."
    assert bot.api.of("editMessageReplyMarkup")[0]["reply_markup"]["inline_keyboard"][0][0][
        "text"] == f"✓ {text('bot.forget.yes')}"


async def test_forget_declined_keeps_everything(bot: Harness) -> None:
    await bot.send(message("/forget"))
    keyboard = bot.api.of("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
    await bot.send(press("forget:no", keyboard))

    assert bot.rasa.requests == []
    assert bot.api.texts()[-1] == text("bot.forget.kept")


async def test_forget_when_rasa_is_down_says_so(bot: Harness) -> None:
    await bot.send(message("/forget"))
    keyboard = bot.api.of("sendMessage")[-1]["reply_markup"]["inline_keyboard"]
    bot.rasa.up = False
    await bot.send(press("forget:yes", keyboard))

    assert bot.api.texts()[-1] == text("bot.forget.rasa_down")


async def test_commands_are_registered(bot: Harness) -> None:
    await commands.register_commands(bot.app)

    registered = bot.api.of("setMyCommands")[0]["commands"]
    assert [c["command"] for c in registered] == ["start", "help", "privacy", "forget", "restart"]


async def test_refused_set_my_commands_is_logged_and_ignored(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    bot.api.refuse["setMyCommands"] = (400, "Bad Request: not supported")
    await commands.register_commands(bot.app)

    assert "could not register the command menu" in caplog.text


async def test_unexpected_errors_are_logged_and_answered_kindly(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    bot.rasa.replies = lambda body: [{"text": "A"}, {"text": "B"}]
    bot.api.refuse["sendMessage"] = (400, "Bad Request: chat not found")
    with caplog.at_level(logging.ERROR):
        await bot.send(message("my name is Sam Smith"))

    assert "error while handling an update" in caplog.text
    assert "Traceback" in caplog.text
    assert bot.api.texts()[-1] == text("bot.something_went_wrong")
    assert "Sam Smith" not in caplog.text


async def test_no_personal_data_in_logs_above_debug(
        bot: Harness, caplog: pytest.LogCaptureFixture) -> None:
    bot.rasa.up = False
    with caplog.at_level(logging.INFO):
        await bot.send(message("/start CAMP1"))
        await bot.send(message("I'm Sam Smith, 07700 900123"))

    assert "Sam" not in caplog.text and "07700" not in caplog.text
    assert str(USER_ID) not in caplog.text
