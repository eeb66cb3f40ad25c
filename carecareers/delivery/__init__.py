"""Outgoing messages by email and Telegram: an outbox, senders, retries with backoff."""

from carecareers.delivery.errors import AddressDead, DeliveryFailed, MessageRejected, TryLater
from carecareers.delivery.outbox import (
    Outgoing,
    enqueue,
    enqueue_many,
    forget_addresses,
    is_suppressed,
    purge_outbox,
    suppress,
)
from carecareers.delivery.senders import senders_for
from carecareers.delivery.sending import DeliveryReport, RetryPolicy, Sender, deliver_due

__all__ = [
    "AddressDead",
    "DeliveryFailed",
    "DeliveryReport",
    "MessageRejected",
    "Outgoing",
    "RetryPolicy",
    "Sender",
    "TryLater",
    "deliver_due",
    "enqueue",
    "enqueue_many",
    "forget_addresses",
    "is_suppressed",
    "purge_outbox",
    "senders_for",
    "suppress",
]
