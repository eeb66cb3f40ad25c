"""Adviser conversations: advisers and providers write to a lead (in the chat they came from)."""

from carecareers.threads.errors import BadMessage, NotAllowed, ThreadError, TooManyMessages
from carecareers.threads.messages import (
    close_thread,
    mark_read,
    open_thread_for_sender,
    record_reply,
    send_message,
    thread_view,
    unread_by_lead,
    unread_total,
)
from carecareers.threads.rules import author_for, refusal

__all__ = [
    "BadMessage",
    "NotAllowed",
    "ThreadError",
    "TooManyMessages",
    "author_for",
    "close_thread",
    "mark_read",
    "open_thread_for_sender",
    "record_reply",
    "refusal",
    "send_message",
    "thread_view",
    "unread_by_lead",
    "unread_total",
]
