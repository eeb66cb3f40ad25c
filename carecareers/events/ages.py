"""Who may come to an event: the age rule people ask about before they book.

Anyone 16 or over can book a place. Under-16s can't book and nothing of theirs is stored;
an event that welcomes them lets them come with a parent or their school.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from sqlalchemy.orm import Session

from carecareers.events.catalogue import (
    events_near,
    get_event,
    is_upcoming,
    names_any,
    topic_words,
)
from carecareers.geo import Gazetteer
from carecareers.models import Event

MIN_AGE_TO_BOOK = 16


class Welcome(str, Enum):
    """What an event says to someone of a given age (or of any age, when none was said)."""

    CAN_BOOK = "can_book"                # 16 or over
    WITH_ADULT = "with_adult"            # under 16, welcome with a parent or school
    SIXTEEN_PLUS = "sixteen_plus"        # under 16, and the event is for 16 and over
    ANY_AGE_WITH_ADULT = "any_age_with_adult"  # no age said: under-16s welcome with an adult
    ONLY_SIXTEEN_PLUS = "only_sixteen_plus"    # no age said: 16 and over only


def welcome_for(event: Event, age: int | None) -> Welcome:
    if age is not None and age >= MIN_AGE_TO_BOOK:
        return Welcome.CAN_BOOK
    if age is None:
        return (Welcome.ANY_AGE_WITH_ADULT if event.under_16s_with_adult
                else Welcome.ONLY_SIXTEEN_PLUS)
    return Welcome.WITH_ADULT if event.under_16s_with_adult else Welcome.SIXTEEN_PLUS


def events_asked_about(session: Session, gazetteer: Gazetteer, shown: Sequence[int],
                       place: str | None, question: str | None,
                       now: datetime) -> list[Event]:
    """The events a question about coming to one is about.

    Those the person was just shown (still upcoming), the ones the question names when it
    names any; with none shown, the upcoming events near the place, as "what's on" lists.
    """
    listed = [e for e in (get_event(session, i) for i in shown) if e and is_upcoming(e, now)]
    if not listed:
        return events_near(session, gazetteer, place, question, now=now)
    words = topic_words(question or "")
    named = [e for e in listed if words and names_any(e, words)]
    return named or listed
