"""What every action needs: the content, a database session, and how to reply."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session, sessionmaker

from carecareers.careers.answers import Answer
from carecareers.careers.content import load_content
from carecareers.careers.records import CareersContent
from carecareers.catalogue import text
from carecareers.channels import UNKNOWN, Channel, ContactMethod, channel_named
from carecareers.clock import Clock, clock_for
from carecareers.conversation.payloads import CONSENT_ENTITY
from carecareers.db import make_engine, session_factory
from carecareers.forms.validation import InvalidAnswer, parse_age
from carecareers.geo import default_gazetteer
from carecareers.leads.form import ConsentContext, corrected_answer, read_consent, typed_answer
from carecareers.settings import get_settings


def careers_content() -> CareersContent:
    return load_content(get_settings().content_dir)


def clock() -> Clock:
    """The action server's clock (CARECAREERS_TODAY fixes its day in development and tests)."""
    return clock_for(get_settings())


def consent_context() -> ConsentContext:
    settings = get_settings()
    return ConsentContext(settings.content_dir, settings.privacy_url,
                          settings.lead_retention_days, default_gazetteer())


@lru_cache
def _factory() -> sessionmaker[Session]:
    return session_factory(make_engine(get_settings().database_url, immediate=True))


@contextmanager
def db_session() -> Iterator[Session]:
    """A session in a transaction that commits when the block ends without an error."""
    with _factory()() as session, session.begin():
        yield session


def say(dispatcher: CollectingDispatcher, answer: Answer) -> None:
    dispatcher.utter_message(text=answer.text, buttons=answer.rasa_buttons())


def button(title_id: str, payload: str, **values: Any) -> dict[str, str]:
    """A button chosen at run time, titled from the catalogue (content/texts/en/chat.yml)."""
    return {"title": text(title_id, **values), "payload": payload}


def latest_entity(tracker: Tracker, name: str) -> str | None:
    """The value of an entity in the person's latest message (after synonym mapping)."""
    value = next(tracker.get_latest_entity_values(name), None)
    return str(value) if value not in (None, "") else None


def age_from(value: Any) -> int | None:
    """The age in years in a slot or entity ('17', 'im 17'), or None."""
    if value is None:
        return None
    try:
        return parse_age(str(value)).years
    except InvalidAnswer:
        return None


def checked(dispatcher: CollectingDispatcher, slot: str,
            read: Callable[[], Any]) -> dict[str, Any]:
    """A form answer read by `read`, or the reason it can't be taken said and the slot emptied."""
    try:
        return {slot: read()}
    except InvalidAnswer as error:
        dispatcher.utter_message(text=str(error))
        return {slot: None}


def consent_in(tracker: Tracker) -> str | None:
    """'given', 'refused' or None from the latest message at a consent question (leads' rule)."""
    return read_consent(latest_entity(tracker, CONSENT_ENTITY),
                        str(tracker.latest_message.get("text") or ""),
                        tracker.get_intent_of_latest_message())


def typed_answer_of(slot: str, kind: str, tracker: Tracker) -> dict[str, Any]:
    """For a form's extract_ method: the latest message as `slot`, if its shape is `kind`.

    Only while `slot` is the question asked, and never for a tapped button's answer.
    """
    if tracker.get_slot("requested_slot") != slot or latest_entity(tracker, "form_answer"):
        return {}
    answer = typed_answer(kind, str(tracker.latest_message.get("text") or ""),
                          default_gazetteer(), careers_content())
    return {} if answer is None else {slot: answer}


def corrected_answer_of(slot: str, kind: str, tracker: Tracker) -> dict[str, Any]:
    """For a form's extract_ method: "sorry, I meant ST5" as a new `slot`, at any question."""
    if tracker.get_slot("requested_slot") is None or latest_entity(tracker, "form_answer"):
        return {}
    answer = corrected_answer(kind, str(tracker.latest_message.get("text") or ""),
                              default_gazetteer(), careers_content())
    return {} if answer is None else {slot: answer}


def message_metadata(tracker: Tracker) -> dict[str, Any]:
    """The metadata the front end sent with the person's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata")
            return metadata if isinstance(metadata, dict) else {}
    return {}


def channel_of(tracker: Tracker) -> Channel | None:
    """The registered channel of the latest message; None when it names none (never a guess)."""
    return channel_named(message_metadata(tracker).get("channel"))


def channel_name(tracker: Tracker) -> str:
    """What to record as the conversation's channel: its registered name, or 'unknown'."""
    channel = channel_of(tracker)
    return channel.name if channel is not None else UNKNOWN


def delivers_later(tracker: Tracker) -> bool:
    """True when the person's channel can reach them in the chat after this conversation."""
    channel = channel_of(tracker)
    return channel is not None and channel.delivers_later


def contact_method_of(tracker: Tracker) -> ContactMethod | None:
    """The way of being contacted the person's channel adds to the interest form, if any."""
    channel = channel_of(tracker)
    return channel.contact_method if channel is not None else None


def campaign_of(tracker: Tracker) -> str | None:
    campaign = message_metadata(tracker).get("campaign")
    return campaign if isinstance(campaign, str) and campaign else None


# How many of the person's messages back an earlier answer still counts as the one a
# follow-up ("and in Leek?", "what about at 17?") goes on from.
RECENT_TURNS = 3


def recent_action(tracker: Tracker, names: Iterable[str]) -> str | None:
    """The newest of these actions to run in the person's last few messages, if any."""
    wanted = set(names)
    users = 0
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            users += 1
            if users > RECENT_TURNS:
                return None
        elif event.get("event") == "action" and event.get("name") in wanted:
            return str(event["name"])
    return None
