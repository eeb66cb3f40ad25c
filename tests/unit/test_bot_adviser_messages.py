"""Adviser conversations in the bot: delivery, blocked chats, replies, the two buttons."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot import adviser_messages, buttons
from bot.adviser_messages import drain_once
from bot.conversation import telegram_sender
from bot.services import SERVICES_KEY
from carecareers.clock import Clock
from carecareers.delivery import addresses_of
from carecareers.models import AdviserThread, Lead, ThreadMessage
from carecareers.threads import send_message
from tests.factories import make_adviser, make_lead
from tests.unit.test_bot_flows import (  # noqa: F401 (the `bot` fixture)
    SECRET,
    USER_ID,
    Harness,
    bot,
    message,
    press,
)

SENDER = telegram_sender(SECRET, USER_ID)


def clock_of(harness: Harness) -> Clock:
    """The bot's own clock: what the adviser writes is due when the bot looks."""
    found: Clock = harness.app.bot_data[SERVICES_KEY].clock
    return found


def lead_with_message(harness: Harness, text: str = "Hi Sam, <b>it's</b> Priya",
                      chat_id: str | None = str(USER_ID)) -> None:
    with harness.sessions() as session, session.begin():
        lead = make_lead(session, "Sam", sender_id=SENDER, channel="telegram",
                         contact_method="telegram", phone=None, chat_account="@sam",
                         chat=chat_id)
        if chat_id is not None:
            send_message(session, lead, make_adviser(session, "priya.shah@example.org"), text,
                         "Stoke Care Careers", clock_of(harness).now())


def states(harness: Harness) -> list[str]:
    with harness.sessions() as session:
        return [m.state for m in session.scalars(select(ThreadMessage).where(
            ThreadMessage.direction == "to_person").order_by(ThreadMessage.id))]


def thread_status(harness: Harness) -> str | None:
    with harness.sessions() as session:
        return session.scalar(select(AdviserThread.status))


async def test_an_adviser_message_arrives_from_a_named_person_with_two_buttons(
        bot: Harness) -> None:  # noqa: F811
    lead_with_message(bot)
    assert await drain_once(bot.app.bot, bot.sessions, clock_of(bot)) == 1
    [sent] = bot.api.of("sendMessage")
    assert sent["chat_id"] == USER_ID
    assert "<b>Priya</b> from <b>Stoke Care Careers</b>" in sent["text"]
    assert "Hi Sam, &lt;b&gt;it's&lt;/b&gt; Priya" in sent["text"]  # escaped, as typed
    keyboard = sent["reply_markup"]["inline_keyboard"]
    assert [b["callback_data"] for row in keyboard for b in row] == [
        buttons.THREAD_ASSISTANT, buttons.THREAD_END]
    assert states(bot) == ["sent"]
    assert await drain_once(bot.app.bot, bot.sessions, clock_of(bot)) == 0  # sent once only


async def test_a_blocked_bot_marks_the_message_blocked(bot: Harness) -> None:  # noqa: F811
    lead_with_message(bot)
    bot.api.refuse["sendMessage"] = (403, "Forbidden: bot was blocked by the user")
    await drain_once(bot.app.bot, bot.sessions, clock_of(bot))
    assert states(bot) == ["blocked"]


async def test_a_passing_failure_is_retried_later(bot: Harness) -> None:  # noqa: F811
    lead_with_message(bot)
    bot.api.refuse["sendMessage"] = (500, "Internal Server Error")
    await drain_once(bot.app.bot, bot.sessions, clock_of(bot))
    assert states(bot) == ["pending"]


async def test_replies_go_to_the_open_thread_not_to_the_assistant(bot: Harness) -> None:  # noqa: F811
    lead_with_message(bot)
    await drain_once(bot.app.bot, bot.sessions, clock_of(bot))
    await bot.send(message("yes please, thursday works"))
    assert bot.rasa.messages == []
    with bot.sessions() as session:
        replies = session.scalars(select(ThreadMessage.text).where(
            ThreadMessage.direction == "from_person")).all()
    assert replies == ["yes please, thursday works"]


async def test_ending_the_chat_sends_what_they_type_to_the_assistant_again(
        bot: Harness) -> None:  # noqa: F811
    lead_with_message(bot)
    await drain_once(bot.app.bot, bot.sessions, clock_of(bot))
    keyboard = bot.api.of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    await bot.send(press(buttons.THREAD_END, keyboard))
    assert thread_status(bot) == "closed"
    assert "ended your chat with the adviser" in bot.api.texts()[-1]
    await bot.send(message("what does a nurse earn"))
    assert bot.rasa.messages == ["what does a nurse earn"]


async def test_talk_to_the_assistant_again_closes_the_thread(bot: Harness) -> None:  # noqa: F811
    lead_with_message(bot)
    await drain_once(bot.app.bot, bot.sessions, clock_of(bot))
    keyboard = bot.api.of("sendMessage")[0]["reply_markup"]["inline_keyboard"]
    await bot.send(press(buttons.THREAD_ASSISTANT, keyboard))
    assert thread_status(bot) == "closed"
    assert "talking to the assistant again" in bot.api.texts()[-1]


async def test_the_relay_notes_the_chat_so_an_adviser_can_write_to_it(
        bot: Harness) -> None:  # noqa: F811
    lead_with_message(bot, chat_id=None)
    await bot.send(message("hello"))
    with bot.sessions() as session, session.begin():
        assert addresses_of(session, SENDER) == {"telegram": str(USER_ID)}
        lead = session.scalars(select(Lead)).one()
        send_message(session, lead, make_adviser(session, "priya.shah@example.org"),
                     "Hi Sam", "Stoke Care Careers", clock_of(bot).now())
    assert await drain_once(bot.app.bot, bot.sessions, clock_of(bot)) == 1
    assert bot.api.of("sendMessage")[-1]["chat_id"] == USER_ID


async def test_the_bot_delivers_on_its_own_once_started(bot: Harness) -> None:  # noqa: F811
    """post_init (run by `python -m bot` before polling or the webhook starts) starts the
    delivery task, and shutting down stops it."""
    import asyncio

    from bot.adviser_messages import TASK_KEY
    from bot.app import close_services

    assert bot.app.post_init is not None
    await bot.app.post_init(bot.app)
    task = bot.app.bot_data[TASK_KEY]
    lead_with_message(bot)
    for _ in range(40):
        if states(bot) == ["sent"]:
            break
        await asyncio.sleep(0.1)
    assert states(bot) == ["sent"]
    await close_services(bot.app)
    assert task.done() and TASK_KEY not in bot.app.bot_data


async def test_delivery_goes_on_after_an_unexpected_error(monkeypatch) -> None:
    rounds: list[int] = []

    async def flaky(telegram_bot: object, sessions: object, clock: object) -> int:
        rounds.append(1)
        if len(rounds) == 1:
            raise RuntimeError("a message the code did not expect")
        return 0

    monkeypatch.setattr(adviser_messages, "drain_once", flaky)
    task = asyncio.create_task(adviser_messages.drain_forever(None, None, None, every=0.01))
    try:
        for _ in range(200):
            if len(rounds) >= 3:
                break
            await asyncio.sleep(0.01)
    finally:
        task.cancel()
    assert len(rounds) >= 3  # the first round's error did not end the task
