"""What a message outside any form says about the person, read from their words.

Whether they say they are (or are not) an apprentice, whether a pay question is about
apprentices rather than the role in context, whether they typed a contact detail, and a
place as they named it. `actions/context.py` reads the tracker and asks these.
"""

from __future__ import annotations

import re

APPRENTICE_SAYS = (
    re.compile(r"\b(?:i'?m|im|i am)\s+(?:now\s+|currently\s+|already\s+|just\s+)?(?:an?\s+)?"
               r"(?:[a-z]+\s+)?apprentice\b"),
    re.compile(r"\b(?:i'?m|im|i am|i'?ve|ive|i have|i)\s+(?:just\s+|currently\s+|now\s+|"
               r"already\s+)?(?:starting|started|doing|on|got|begun|beginning|start)\s+"
               r"(?:an?|my)\s+(?:[a-z]+\s+){0,2}apprenticeship"),
)
NOT_APPRENTICE = re.compile(r"\b(?:i'?m|im|i am)\s+not\s+(?:an?\s+)?(?:[a-z]+\s+)?apprentice\b")
ASKING = re.compile(r"\b(?:how|can|could|should|where|when|what|do|would|will|if)\s+i\b")
BACK_REFERENCE = re.compile(r"\b(?:that|this|it|one|them|those|there)\b")

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
PHONE = re.compile(r"(?:\+44\s?|\b0)\d{2,4}[\s-]?\d{3}[\s-]?\d{3,4}\b")
HANDLE = re.compile(r"(?<![\w.])@[A-Za-z]\w{3,}")  # an @name on a messaging app
POSTCODE = re.compile(r"^[A-Za-z]{1,2}\d[\dA-Za-z]?(?:\s*\d[A-Za-z]{2})?$")


def apprentice_status(text: str) -> bool | None:
    """True if the person says they are (or are becoming) an apprentice, False if not."""
    lowered = text.lower().replace("’", "'")
    if NOT_APPRENTICE.search(lowered):
        return False
    if ASKING.search(lowered) and not lowered.startswith(("i'm", "im ", "i am")):
        return None
    return True if any(p.search(lowered) for p in APPRENTICE_SAYS) else None


def asks_apprentice_pay(intent: str | None, text: str, names_a_role: bool) -> bool:
    """A pay question about apprentices, naming no role and not pointing back at one."""
    lowered = text.lower()
    return (intent == "ask_pay" and "apprentic" in lowered and not names_a_role
            and not BACK_REFERENCE.search(lowered))


def asks_about_apprenticeships(text: str) -> bool:
    """Apprenticeships named without the person saying whether they are an apprentice."""
    lowered = text.lower()
    return "apprentic" in lowered and apprentice_status(lowered) is None


def has_contact_detail(text: str) -> bool:
    return bool(EMAIL.search(text) or PHONE.search(text) or HANDLE.search(text))


def place_name(value: str) -> str:
    place = value.strip()
    return place.upper() if POSTCODE.match(place) else place.title()
