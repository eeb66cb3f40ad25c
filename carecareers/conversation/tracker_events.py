"""Rasa's SQL tracker store, from outside: delete, redact and expire conversations' events.

Rasa writes a turn's events after its actions have run, so an action cannot remove what
the person typed in that turn. Instead it replies with a marker (see payloads.py), and the
relay calls these functions once Rasa has answered.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from carecareers.db import make_engine
from carecareers.topics import form_slot_prefixes, form_starts

REMOVED = "[removed]"
# The forms that ask for personal details (where each begins, the prefix of its slots) are the
# ones the topics registered (carecareers/topics.py).
# What the assistant remembers about the person from what they typed (their age, their place).
PERSON_SLOTS = frozenset({"age", "location"})
# What a bot event's metadata keeps when redacted: the response it said. The rest are the
# values the action filled the response with (a name, an email address).
BOT_METADATA_KEPT = frozenset({"utter_action", "template"})
CHUNK = 500


class ErasureFailed(Exception):
    """Conversation events could not be erased; the lead was not touched by this failure."""


def erase_conversation_events(tracker_store_url: str, sender_id: str) -> int:
    """Delete every event of one conversation; return how many."""
    with _connection(tracker_store_url) as connection:
        if connection is None:
            return 0
        result = connection.execute(text("DELETE FROM events WHERE sender_id = :s"),
                                    {"s": sender_id})
        return int(result.rowcount or 0)


def purge_conversation_events(tracker_store_url: str, before: datetime) -> int:
    """Delete every event older than `before`."""
    with _connection(tracker_store_url) as connection:
        if connection is None:
            return 0
        result = connection.execute(text("DELETE FROM events WHERE timestamp < :t"),
                                    {"t": before.timestamp()})
        return int(result.rowcount or 0)


def purge_idle_conversations(tracker_store_url: str, idle_since: datetime,
                             keep: Collection[str]) -> int:
    """Delete the events of conversations idle since `idle_since`, except the senders in `keep`.

    Conversations that became a lead are kept for the lead's own retention period; the
    others need not stay long.
    """
    with _connection(tracker_store_url) as connection:
        if connection is None:
            return 0
        idle = [row[0] for row in connection.execute(text(
            "SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :t"),
            {"t": idle_since.timestamp()})]
        deleted = 0
        for chunk in _chunks([s for s in idle if s not in set(keep)]):
            params = {f"s{i}": sender for i, sender in enumerate(chunk)}
            names = ", ".join(f":{name}" for name in params)
            result = connection.execute(
                text(f"DELETE FROM events WHERE sender_id IN ({names})"), params)  # noqa: S608
            deleted += int(result.rowcount or 0)
        return deleted


def redact_form_answers(tracker_store_url: str, sender_id: str) -> int:
    """Blank out what the person typed, and was said back to them, since a details form began.

    Used when the interest or job-alert form ends with nothing stored (stopped, consent
    refused, under 16), and whenever the booking form ends (a booking keeps the details it
    needs; the conversation need not). The events stay, so the conversation goes on, but
    the name, age, contact details and postcode are gone from them. Returns how many
    events were changed.
    """
    with _connection(tracker_store_url) as connection:
        if connection is None:
            return 0
        starts = {f"a{i}": name for i, name in enumerate(form_starts())}
        start = connection.execute(text(
            "SELECT max(id) FROM events WHERE sender_id = :s AND type_name = 'action' "
            f"AND action_name IN ({', '.join(':' + key for key in starts)})"),  # noqa: S608
            {"s": sender_id, **starts}).scalar()
        if start is None:
            return 0
        rows = connection.execute(text(
            "SELECT id, type_name, data FROM events WHERE sender_id = :s AND id > :start "
            "AND type_name IN ('user', 'bot', 'slot')"), {"s": sender_id, "start": start})
        changed = 0
        prefixes = form_slot_prefixes()
        for event_id, type_name, data in rows.all():
            redacted = redact_event(type_name, json.loads(data or "{}"), prefixes)
            if redacted is not None:
                connection.execute(text("UPDATE events SET data = :d WHERE id = :id"),
                                   {"d": json.dumps(redacted), "id": event_id})
                changed += 1
        return changed


def redact_event(type_name: str, event: dict[str, Any],
                 slot_prefixes: tuple[str, ...]) -> dict[str, Any] | None:
    """The event without what the person typed or was told about themselves (None: unchanged).

    Slots whose name starts with one of `slot_prefixes` (the details forms') are blanked.
    """
    if type_name == "user":
        parse_data = dict(event.get("parse_data") or {})
        parse_data.update(text=REMOVED, entities=[])
        return {**event, "text": REMOVED, "parse_data": parse_data}
    if type_name == "bot" and event.get("text"):
        metadata = {k: v for k, v in (event.get("metadata") or {}).items()
                    if k in BOT_METADATA_KEPT}
        return {**event, "text": REMOVED, "metadata": metadata}
    name = str(event.get("name", ""))
    if type_name == "slot" and (name.startswith(slot_prefixes) or name in PERSON_SLOTS) \
            and event.get("value") not in (None, False, True):
        return {**event, "value": None}
    return None


@contextmanager
def _connection(tracker_store_url: str) -> Iterator[Connection | None]:
    """A transaction on the tracker store, or None when Rasa has not created its table yet."""
    engine = make_engine(tracker_store_url)
    try:
        with engine.begin() as connection:
            tables = set(inspect(connection).get_table_names())
            yield connection if "events" in tables else None
    except SQLAlchemyError as exc:
        raise ErasureFailed(f"the tracker store did not answer: {type(exc).__name__}") from exc
    finally:
        engine.dispose()


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start:start + CHUNK]
