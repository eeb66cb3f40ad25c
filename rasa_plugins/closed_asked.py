"""Questions whose shape says what they ask: a reading that contradicts the shape is dropped.

"How do I qualify as an occupational therapist?" asks the way into a job. The intent
classifier can still read it as a pay question, because the pay examples talk about
qualifying too ("what do you earn once you qualify"), and a pay answer to it tells the
person nothing they asked. So a reading (an intent) can be kept away from messages of a given
shape: when the message matches the shape (`when`) and has none of the words that would make
the reading right after all (`unless`: "how much would I earn once I qualify as a nurse" is a
pay question), that intent is dropped from the ranking and the next one moves up, as
rasa_plugins/closed_intents.py does for closed intents. The shapes are in config.yml.

Plain functions, so that they are tested without Rasa (rasa_plugins/closed_intents.py holds the
pipeline component, AskedShapeGuard).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Shape:
    """`intent` is never the reading of a message matching `when` but not `unless`."""

    intent: str
    when: re.Pattern[str]
    unless: re.Pattern[str] | None = None

    @classmethod
    def from_config(cls, entry: Mapping[str, str]) -> Shape:
        unless = entry.get("unless")
        return cls(entry["intent"], re.compile(entry["when"], re.IGNORECASE),
                   re.compile(unless, re.IGNORECASE) if unless else None)

    def rules_out(self, intent: str | None, text: str) -> bool:
        return (intent == self.intent and bool(self.when.search(text))
                and not (self.unless and self.unless.search(text)))


def ruled_out(intent: str | None, text: str, shapes: Sequence[Shape]) -> bool:
    """True when the message's shape says it is not asking `intent`."""
    return any(shape.rules_out(intent, text) for shape in shapes)


# The share of the classifier's belief that must be left on the other readings for them to be
# worth weighing: below it, the classifier saw nothing but the ruled-out reading, and what is
# left is noise (kept as it was, so that the fallback answers).
LEFT_WORTH_WEIGHING = 0.1


def without_ruled_out(ranking: Sequence[Mapping[str, Any]], text: str,
                      shapes: Sequence[Shape]) -> list[dict[str, Any]]:
    """The intent ranking without the intents the message's shape rules out, best first.

    The shape tells what the message is not, so the other readings are weighed as the
    classifier would weigh them knowing that: each confidence is divided by the share left
    once the ruled-out ones are gone (they are probabilities that summed to one). When less
    than LEFT_WORTH_WEIGHING is left, confidences stay as they were and the fallback threshold
    judges them.
    """
    kept = [dict(entry) for entry in ranking if not ruled_out(entry.get("name"), text, shapes)]
    left = 1.0 - sum(float(entry.get("confidence") or 0.0) for entry in ranking
                     if ruled_out(entry.get("name"), text, shapes))
    if left >= LEFT_WORTH_WEIGHING:
        for entry in kept:
            entry["confidence"] = min(1.0, float(entry.get("confidence") or 0.0) / left)
    return kept
