"""The shapes of what the assistant sends besides text: vacancy cards, markers, form answers.

The actions build them, the relay reads the erasure marker, and each front end renders
the rest; all of them agree on these shapes through this module.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from carecareers.conversation.buttons import ANSWER_PREFIX

VACANCY = "vacancy"
ERASED_MARKER: Mapping[str, str] = {"type": "conversation_erased"}
FORM_ANSWERS_FORGOTTEN: Mapping[str, str] = {"type": "form_answers_forgotten"}
BOOKED_MARKER: Mapping[str, str] = {"type": "event_booked"}
MARKERS = frozenset({ERASED_MARKER["type"], FORM_ANSWERS_FORGOTTEN["type"],
                     BOOKED_MARKER["type"]})
# Metadata the web app adds to a message from an address that booked too many places today.
BOOKINGS_PAUSED = "bookings_paused"


def vacancy_card(*, title: str, employer: str | None, place: str | None,
                 distance_miles: float | None, salary: str | None, apply_url: str,
                 closing_date: date | None, apprenticeship: bool,
                 attribution: str | None) -> dict[str, Any]:
    """The custom payload every front end renders as a card with an Apply link."""
    return {
        "type": VACANCY, "title": title, "employer": employer, "place": place,
        "distance_miles": round(distance_miles, 1) if distance_miles is not None else None,
        "salary": salary, "apply_url": apply_url,
        "closing_date": closing_date.isoformat() if closing_date else None,
        "apprenticeship": apprenticeship, "attribution": attribution,
    }


def is_vacancy(custom: Mapping[str, Any] | None) -> bool:
    return bool(custom) and custom.get("type") == VACANCY  # type: ignore[union-attr]


def is_erasure_marker(custom: Mapping[str, Any] | None) -> bool:
    """True for the reply that says the conversation's events must now be deleted.

    The erasure action cannot delete the events itself: Rasa saves the turn's events
    after the action runs. So it replies with ERASED_MARKER, and the relay deletes the
    conversation from the tracker store once Rasa has answered.
    """
    return bool(custom) and custom.get("type") == ERASED_MARKER["type"]  # type: ignore[union-attr]


def forgets_form_answers(custom: Mapping[str, Any] | None) -> bool:
    """True for the reply that says the form's answers must now be blanked out of the tracker.

    Sent when the interest form ends with nothing stored (stopped, consent refused, under
    16), so that "nothing will be saved" is true of Rasa's tracker store as well.
    """
    return bool(custom) and custom.get("type") == FORM_ANSWERS_FORGOTTEN["type"]  # type: ignore[union-attr]


def is_booked_marker(custom: Mapping[str, Any] | None) -> bool:
    """True for the reply that says a place was booked: the web app counts it for the
    address the message came from (the actions never see addresses)."""
    return bool(custom) and custom.get("type") == BOOKED_MARKER["type"]  # type: ignore[union-attr]


def is_marker(custom: Mapping[str, Any] | None) -> bool:
    """True for a reply meant for the relay, never shown to the person."""
    return bool(custom) and custom.get("type") in MARKERS  # type: ignore[union-attr]


def form_answer_payload(answer: str) -> str:
    """A button payload that fills the form's current question with `answer`, whatever NLU says."""
    return ANSWER_PREFIX + json.dumps({"form_answer": answer}, separators=(",", ":"))


def form_answer_button(title: str, answer: str) -> dict[str, str]:
    return {"title": title, "payload": form_answer_payload(answer)}


CONSENT_ENTITY = "consent_answer"
CONSENT_GIVEN = "given"
CONSENT_REFUSED = "refused"


def consent_button(title: str, given: bool) -> dict[str, str]:
    """A button of the consent question: the only kind of button that can answer it."""
    answer = CONSENT_GIVEN if given else CONSENT_REFUSED
    return {"title": title,
            "payload": ANSWER_PREFIX + json.dumps({CONSENT_ENTITY: answer}, separators=(",", ":"))}
