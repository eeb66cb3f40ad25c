"""The words of a closed intent, and the rule that keeps other words out of it.

Some intents are said with a small, closed set of words: a greeting ("hi", "hiya"), a "no",
a "stop". A classifier that reads characters as well as words can still pick one of them
for a message that has none of those words: a name like "Stuart" looks like "start" to it,
"Noor" like "no". A person answering a form's name question must never be greeted, told
"no problem" or stopped, so a closed intent is only kept when the message shares a word
with that intent's training examples; otherwise the next intent takes its place (and a weak
next intent leads to the fallback, as any unsure reading does).

Plain functions, so that they are tested without Rasa (rasa_plugins/closed_intents.py is
the pipeline component around them).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_REPEATS = re.compile(r"(.)\1+")
_EDGES = string.punctuation + "‘’“”…"


def words_of(text: str) -> set[str]:
    """The message's words, lower case, without the punctuation around them, with letters
    said more than once said once ("heyyy" and "hey" are one word, as "hello" and "helo")."""
    found = set()
    for token in text.lower().split():
        word = _REPEATS.sub(r"\1", token.strip(_EDGES))
        if word:
            found.add(word)
    return found


def closed_vocabularies(examples: Iterable[tuple[str, str]],
                        closed: Iterable[str]) -> dict[str, list[str]]:
    """For each closed intent, every word of its training examples ((intent, text) pairs)."""
    vocabularies: dict[str, set[str]] = {intent: set() for intent in closed}
    for intent, text in examples:
        if intent in vocabularies:
            vocabularies[intent] |= words_of(text)
    return {intent: sorted(words) for intent, words in vocabularies.items()}


def out_of_place(intent: str | None, text: str,
                 vocabularies: Mapping[str, Iterable[str]]) -> bool:
    """True when `intent` is closed and the message has words, none of them the intent's."""
    if intent not in vocabularies:
        return False
    words = words_of(text)
    return bool(words) and not words & set(vocabularies[intent])


def demoted(ranking: Sequence[Mapping[str, Any]], text: str,
            vocabularies: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """The intent ranking without the closed intents the message has no word of, best first.

    Confidences are left as the classifier gave them: the intent that moves up keeps its own
    (often low) confidence, so the fallback threshold still judges it.
    """
    return [dict(entry) for entry in ranking
            if not out_of_place(entry.get("name"), text, vocabularies)]
