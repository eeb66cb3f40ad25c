"""The rules every front end applies to the buttons it offers: when one expires, which open links.

A button that answers the question being asked (a form answer, or the consent answer) is
bound to the turn that offered it: once the assistant has answered anything later, an old
"Looks right" or "Yes, I agree" must not answer the question asked next. Other buttons
(ask about pay, search jobs) stay usable. A button whose payload is a plain web link opens
that page instead of sending anything.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

ANSWER_PREFIX = "/inform"  # how payloads.py begins a form answer or a consent answer
_UNSAFE_LINK_CHARS = re.compile(r"[\s\x00-\x1f\x7f<>\"'\\]")


def answers_a_question(payload: str) -> bool:
    """True for a button that fills the question being asked (bound to the turn that asked)."""
    return payload.startswith(ANSWER_PREFIX)


def still_answers(payload: str, offered_in: int, latest: int) -> bool:
    """Whether a button offered in turn `offered_in` may still be pressed in turn `latest`."""
    return not answers_a_question(payload) or offered_in == latest


def safe_link(url: object) -> str | None:
    """Return the URL if it is a plain http(s) link with a host (nothing to escape), else None."""
    if not isinstance(url, str) or _UNSAFE_LINK_CHARS.search(url):
        return None
    parts = urlsplit(url)
    return url if parts.scheme in {"http", "https"} and parts.netloc else None
