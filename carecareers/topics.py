"""The topics the centre loops over: what each erases, purges, blanks out and answers.

A topic (alerts, events, threads, ...) registers itself when its `topic` module is imported:
`register(Topic(...))`. The centre never names one: erasure and the retention purge
(`carecareers/leads/erasure.py`) call every registered `erase` and `purge`, the tracker
redaction (`carecareers/conversation/tracker_events.py`) blanks every registered form's
slots, the context action asks `answering(intent)` which action answers a "yes", and the
relay offers each person's turn to every registered `takes_turn` before asking Rasa.

`installed()` finds them: it imports every `carecareers.<package>.topic` module once, so adding
a topic adds its package and edits no list, here or anywhere else. Shared services that answer
intents (careers, vacancies) register the same way, with only `intents`.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.orm import QueryableAttribute, Session

from carecareers.settings import Settings

RETENTION_SUFFIX = "_retention_days"


@dataclass(frozen=True)
class Person:
    """Whom an erasure is for: their conversations, and the email and phone they gave."""

    sender_ids: frozenset[str]
    email: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class Retention:
    """How many days each kind of data is kept: {"lead": 365, "tracker": 30, ...}."""

    days: Mapping[str, int]

    @classmethod
    def from_settings(cls, settings: Settings, **days: int) -> Retention:
        """Every `<kind>_retention_days` setting, with the `days` given by kind instead."""
        found = {name.removesuffix(RETENTION_SUFFIX): int(getattr(settings, name))
                 for name in type(settings).model_fields if name.endswith(RETENTION_SUFFIX)}
        return cls(MappingProxyType({**found, **days}))

    def cutoff(self, kind: str, now: datetime) -> datetime:
        """The moment before which data of this kind is past its retention period."""
        return now - timedelta(days=self.days[kind])


@dataclass(frozen=True)
class PersonTurn:
    """A person's turn as a topic sees it before Rasa does (carecareers/conversation/relay.py).

    `said` is what they typed, as typed (None for a button); `delivers_later` is their
    channel's (content/channels.yml).
    """

    sender_id: str
    message: str
    said: str | None
    delivers_later: bool
    dashboard_url: str
    now: datetime


@dataclass(frozen=True)
class TurnAnswer:
    """A topic took the turn: what to say instead of Rasa (nothing, when text is None), after
    the messages in `before` (each a message of its own, without buttons)."""

    text: str | None = None
    buttons: tuple[Mapping[str, str], ...] = ()
    before: tuple[str, ...] = ()


Counts = Mapping[str, int]
Eraser = Callable[[Session, Person], Counts]
Purger = Callable[[Session, datetime, Retention], Counts]
TurnTaker = Callable[[Session, PersonTurn], TurnAnswer | None]
Awaits = Callable[[ColumnElement[str]], ColumnElement[bool]]


@dataclass(frozen=True)
class Topic:
    """What one topic gives the centre; each part is optional.

    - erase: delete what it holds of the person; returns how many of each thing it erased.
      Runs while the person's leads still exist (they are erased after every topic).
    - purge: delete what is past its retention period at `now`; returns how many of each.
    - form_starts, form_slots: the actions that begin its details form, and the prefixes of
      that form's slots, blanked out of the tracker store when the form keeps nothing.
    - intents: the intents it answers, with the action that answers each.
    - takes_turn: offered each person's typed text, and each button whose payload is among
      its turn_payloads, before Rasa; a TurnAnswer takes the turn, None leaves it to Rasa.
    - awaits: SQL that is true while the topic waits for the typed text of the person whose
      sender id is the SQL given (a values check under way, an open adviser thread). The
      relay asks every topic's in one read before Rasa, made once, and offers typed text to
      the topics only when one is true (a false "yes" costs only time: the topic's
      `takes_turn` decides). A topic that takes typed text but gives no `awaits` is offered
      every person's typed text.
    - people: the sender-id columns of the records it keeps about people; while someone has
      such a record, how they can be reached is kept however long they are silent.
    """

    name: str
    erase: Eraser | None = None
    purge: Purger | None = None
    form_starts: tuple[str, ...] = ()
    form_slots: tuple[str, ...] = ()
    intents: Mapping[str, str] = field(default_factory=dict)
    takes_turn: TurnTaker | None = None
    awaits: Awaits | None = None
    turn_payloads: frozenset[str] = frozenset()
    people: tuple[QueryableAttribute[Any], ...] = ()


_registered: dict[str, Topic] = {}
_changes = [0]  # how many times a topic was registered or unregistered
_discovered = threading.Event()
_discovering = threading.Lock()


def register(topic: Topic) -> Topic:
    """Add a topic (replacing one of the same name); return it."""
    _registered[topic.name] = topic
    _changes[0] += 1
    return topic


def unregister(name: str) -> None:
    _registered.pop(name, None)
    _changes[0] += 1


def registrations() -> int:
    """A number that changes whenever the registered topics do (what is made from them once
    can be made again)."""
    installed()
    return _changes[0]


def installed() -> list[Topic]:
    """Every registered topic, by name, after loading the installed ones once."""
    if not _discovered.is_set():
        with _discovering:
            if not _discovered.is_set():
                _load_installed()
                _discovered.set()
    return [_registered[name] for name in sorted(_registered)]


def _load_installed() -> None:
    import carecareers

    for package in pkgutil.iter_modules(carecareers.__path__):
        if package.ispkg and importlib.util.find_spec(f"carecareers.{package.name}.topic"):
            importlib.import_module(f"carecareers.{package.name}.topic")


def form_starts() -> tuple[str, ...]:
    return tuple(action for topic in installed() for action in topic.form_starts)


def form_slot_prefixes() -> tuple[str, ...]:
    return tuple(prefix for topic in installed() for prefix in topic.form_slots)


def turn_takers() -> list[TurnTaker]:
    return [topic.takes_turn for topic in installed() if topic.takes_turn is not None]


def awaiting(sender_id: ColumnElement[str]) -> list[ColumnElement[bool]] | None:
    """What to ask, in one read, to learn whether a topic waits for this person's typed text;
    None when a topic takes typed text without saying when (it is offered every turn)."""
    topics = [topic for topic in installed() if topic.takes_turn is not None]
    if any(topic.awaits is None for topic in topics):
        return None
    return [topic.awaits(sender_id) for topic in topics if topic.awaits is not None]


def turn_payloads() -> frozenset[str]:
    """The button payloads a topic answers itself: they never reach Rasa."""
    return frozenset(payload for topic in installed() for payload in topic.turn_payloads)


def kept_people() -> tuple[QueryableAttribute[Any], ...]:
    """The sender-id columns of every record a topic keeps about people."""
    return tuple(column for topic in installed() for column in topic.people)


def answering(intent: str) -> str | None:
    """The action that answers this intent, from the topic that registered it."""
    for topic in installed():
        if intent in topic.intents:
            return topic.intents[intent]
    return None
