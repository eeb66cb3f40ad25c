"""Outgoing messages by email and chat: an outbox, senders, retries with backoff, and how
each person can be reached (people.py)."""

from carecareers.delivery.errors import AddressDead, DeliveryFailed, MessageRejected, TryLater
from carecareers.delivery.marks import mark_sent, purge_marks, sent_within
from carecareers.delivery.outbox import (
    CHAT_CHANNELS,
    Outgoing,
    enqueue,
    enqueue_many,
    forget_addresses,
    is_suppressed,
    purge_outbox,
    suppress,
)
from carecareers.delivery.people import (
    address_for,
    address_of_sender,
    addresses_of,
    forget_idle_people,
    forget_person,
    note_address,
)
from carecareers.delivery.senders import senders_for
from carecareers.delivery.sending import DeliveryReport, RetryPolicy, Sender, deliver_due

__all__ = [
    "CHAT_CHANNELS",
    "AddressDead",
    "DeliveryFailed",
    "DeliveryReport",
    "MessageRejected",
    "Outgoing",
    "RetryPolicy",
    "Sender",
    "TryLater",
    "address_for",
    "address_of_sender",
    "addresses_of",
    "deliver_due",
    "enqueue",
    "enqueue_many",
    "forget_addresses",
    "forget_idle_people",
    "forget_person",
    "is_suppressed",
    "mark_sent",
    "note_address",
    "purge_marks",
    "purge_outbox",
    "senders_for",
    "sent_within",
    "suppress",
]
