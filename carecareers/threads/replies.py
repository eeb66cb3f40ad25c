"""The person's side of an adviser thread, the same in every channel, before Rasa is asked.

While a thread is open, what the person types reaches the thread and only the thread
(docs/adviser-conversations.md): the adviser reads it on the dashboard and the assistant
does not answer it. Two buttons, offered with adviser messages, close the thread: "Talk to
the assistant again" and "End chat with adviser". A channel that shows adviser messages
only when the person opens the chat again (the web chat) also says, after each reply,
where it went, with the two buttons. The threads topic registers `take_turn`, which the
relay offers every person's turn (carecareers/topics.py).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from carecareers.catalogue import text
from carecareers.threads.messages import close_thread, record_reply
from carecareers.threads.notices import notify_advisers
from carecareers.topics import PersonTurn, TurnAnswer

BACK_TO_ASSISTANT = "thread:assistant"
END_THREAD = "thread:end"


def thread_buttons() -> list[dict[str, str]]:
    """The two buttons that close the thread, as Rasa-style buttons ({title, payload})."""
    return [{"title": text("chat.thread.back_to_assistant_button"), "payload": BACK_TO_ASSISTANT},
            {"title": text("chat.thread.end_button"), "payload": END_THREAD}]


def is_thread_choice(payload: str) -> bool:
    """True for the payload of one of the two buttons that close the thread."""
    return payload in (BACK_TO_ASSISTANT, END_THREAD)


def take_turn(session: Session, turn: PersonTurn) -> TurnAnswer | None:
    """Take typed text into the person's open thread, or close it on a thread button; None
    when the turn is not the thread's."""
    if turn.said is None:
        return end_thread(session, turn.sender_id, turn.message, turn.now) if is_thread_choice(
            turn.message) else None
    return take_reply(session, turn.sender_id, turn.said, turn.dashboard_url,
                      shown_later=not turn.delivers_later, now=turn.now)


def take_reply(session: Session, sender_id: str, said: str, dashboard_url: str,
               shown_later: bool, now: datetime) -> TurnAnswer | None:
    """Put typed text in the person's open thread and tell its advisers; None if none is open.

    `shown_later`: the channel shows adviser messages only when the chat is opened again,
    so the person is told where their reply went.
    """
    reply = record_reply(session, sender_id, said, now)
    if reply is None:
        return None
    notify_advisers(session, reply, dashboard_url, now)
    if not shown_later:
        return TurnAnswer()
    return TurnAnswer(text("chat.thread.passed_on"), tuple(thread_buttons()))


def end_thread(session: Session, sender_id: str, choice: str, now: datetime) -> TurnAnswer:
    """Close the person's thread as they chose: back to the assistant, or ended."""
    back = choice == BACK_TO_ASSISTANT
    close_thread(session, sender_id, "assistant" if back else "person", now)
    return TurnAnswer(text("chat.thread.back_to_assistant" if back else "chat.thread.ended"))
