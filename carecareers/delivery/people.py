"""People and how to reach them: the address of each channel a person writes to us from.

A person is the pseudonymous sender id. The relay notes the address of the channel each
turn arrives on (a chat's id; for the web chat, the sender id its cookie holds). Topics
keep no copy: job alerts, event reminders and notices, and adviser messages ask here for
the person's address on the channel they chose, when they queue a message.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    ScalarSelect,
    Update,
    and_,
    delete,
    exists,
    insert,
    select,
    update,
)
from sqlalchemy.orm import QueryableAttribute, Session

from carecareers.delivery.outbox import forget_addresses
from carecareers.models import PersonAddress, SuppressedAddress
from carecareers.models.base import as_utc

SEEN_EVERY = timedelta(hours=1)
"""`last_seen_at` moves on at most this often, so that most turns only read."""
Column = ColumnElement[Any] | QueryableAttribute[Any]


def note_address(session: Session, sender_id: str, channel: str, address: str,
                 now: datetime) -> None:
    """Note that this person writes to us from `address` on `channel`.

    An address belongs to one person: another sender's note of it is dropped. A person
    writing to us from an address shows that it works again, so it leaves the never-send
    list.
    """
    known = session.scalar(select(PersonAddress).where(
        PersonAddress.sender_id == sender_id, PersonAddress.channel == channel))
    if known is None or known.address != address:
        _drop_others(session, sender_id, channel, address)
    if known is None:
        session.add(PersonAddress(sender_id=sender_id, channel=channel, address=address,
                                  first_seen_at=now, last_seen_at=now))
    elif known.address != address or as_utc(known.last_seen_at) <= now - SEEN_EVERY:
        known.address, known.last_seen_at = address, now
    for suppressed in session.scalars(select(SuppressedAddress).where(
            SuppressedAddress.channel == channel, SuppressedAddress.address == address)):
        session.delete(suppressed)
    session.flush()


def first_address(sender_id: str, channel: str, address: str, now: datetime) -> Insert:
    """`note_address` in one statement, for when `address_unclaimed` said that nothing else
    is to change: the person's first address on this channel. Noting another for them at the
    same moment makes it fail (one address per person and channel), and changes nothing."""
    return insert(PersonAddress).values(sender_id=sender_id, channel=channel, address=address,
                                        first_seen_at=now, last_seen_at=now)


def seen_again(sender_id: str, channel: str, now: datetime) -> Update:
    """The person wrote again from the address noted for them here (`address_noted`): move
    `last_seen_at` on, at most every SEEN_EVERY. One UPDATE, which changes nothing when the
    address went meanwhile (an erasure): it is never noted again from here."""
    return update(PersonAddress).where(
        PersonAddress.sender_id == sender_id, PersonAddress.channel == channel,
        PersonAddress.last_seen_at <= now - SEEN_EVERY).values(last_seen_at=now) \
        .execution_options(synchronize_session=False)


def address_noted(sender_id: ColumnElement[str], channel: ColumnElement[str],
                  address: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL: this address is noted as this person's on this channel, and is not on the
    never-send list: noting it again would change nothing but when it was last seen."""
    return and_(
        exists().where(PersonAddress.sender_id == sender_id, PersonAddress.channel == channel,
                       PersonAddress.address == address),
        ~exists().where(SuppressedAddress.channel == channel,
                        SuppressedAddress.address == address))


def seen_lately(sender_id: ColumnElement[str], channel: ColumnElement[str],
                since: ColumnElement[datetime]) -> ColumnElement[bool]:
    """SQL: the person's address on this channel was last seen after `since` (now less
    SEEN_EVERY): `seen_again` would change nothing."""
    return exists().where(PersonAddress.sender_id == sender_id, PersonAddress.channel == channel,
                          PersonAddress.last_seen_at > since)


def address_unclaimed(sender_id: ColumnElement[str], channel: ColumnElement[str],
                      address: ColumnElement[str]) -> ColumnElement[bool]:
    """SQL: the person has no address on this channel, no one has this one, and it is not on
    the never-send list: noting it is `first_address`, one INSERT."""
    return and_(
        ~exists().where(PersonAddress.sender_id == sender_id, PersonAddress.channel == channel),
        ~exists().where(PersonAddress.channel == channel, PersonAddress.address == address),
        ~exists().where(SuppressedAddress.channel == channel,
                        SuppressedAddress.address == address))


def _drop_others(session: Session, sender_id: str, channel: str, address: str) -> None:
    session.execute(delete(PersonAddress).where(
        PersonAddress.channel == channel, PersonAddress.address == address,
        PersonAddress.sender_id != sender_id).execution_options(synchronize_session=False))


def address_for(session: Session, sender_id: str | None, channel: str) -> str | None:
    """The person's address on this channel; None when they never wrote to us there."""
    if not sender_id:
        return None
    return session.scalar(select(PersonAddress.address).where(
        PersonAddress.sender_id == sender_id, PersonAddress.channel == channel))


def addresses_of(session: Session, sender_id: str) -> dict[str, str]:
    """Every channel the person can be reached on, with their address there."""
    rows = session.execute(select(PersonAddress.channel, PersonAddress.address).where(
        PersonAddress.sender_id == sender_id)).tuples()
    return dict(rows.all())


def address_of_sender(sender_id: Column, channel: Column) -> ScalarSelect[str]:
    """`address_for` as SQL, for a query over many people (alert recipients, messages)."""
    return select(PersonAddress.address).where(
        PersonAddress.sender_id == sender_id, PersonAddress.channel == channel
    ).scalar_subquery()


def forget_person(session: Session, sender_ids: Iterable[str]) -> int:
    """Erase how these people can be reached, with the messages queued to them there.

    Their addresses' never-send entries go too (delivery/outbox.py `forget_addresses`).
    Return how many addresses were erased.
    """
    senders = sorted({s for s in sender_ids if s})
    if not senders:
        return 0
    by_channel: dict[str, list[str]] = defaultdict(list)
    for channel, address in session.execute(select(
            PersonAddress.channel, PersonAddress.address)
            .where(PersonAddress.sender_id.in_(senders))).tuples():
        by_channel[channel].append(address)
    for channel, addresses in by_channel.items():
        forget_addresses(session, channel, addresses)
    session.execute(delete(PersonAddress).where(PersonAddress.sender_id.in_(senders))
                    .execution_options(synchronize_session=False))
    return sum(len(addresses) for addresses in by_channel.values())


def forget_idle_people(session: Session, before: datetime, keep: Sequence[Column] = ()) -> int:
    """Erase the addresses last seen before `before`, except of the senders found in any
    `keep` column (someone with a lead, an alert or a booking stays reachable).
    Return how many were erased."""
    kept = [exists().where(column == PersonAddress.sender_id) for column in keep]
    result = session.execute(delete(PersonAddress).where(
        PersonAddress.last_seen_at < before, *[~found for found in kept])
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)
