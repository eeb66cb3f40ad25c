"""Close calls between two readings that one answer serves: the doubt is settled for it.

"What's it like working in care?" sits between starting the "Is care for me?" check and
asking for a staff story, and the intent classifier can give both nearly the same confidence.
The FallbackClassifier then answers "I'm not sure what you meant" (its ambiguity threshold),
although one of the two answers covers the other: the values check walks through what the
work asks and ends with staff stories. For such a pair, configured in config.yml, a close
call (the two best readings, less than `within` apart) goes to the answer that covers both,
with both readings' confidence; a clear reading of either is left alone.

Plain functions, so that they are tested without Rasa (rasa_plugins/closed_intents.py holds the
pipeline component, CloseCallGuard).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Tie:
    """When `prefer` and `over` are the two best readings and close, `prefer` is taken."""

    prefer: str
    over: str

    @classmethod
    def from_config(cls, entry: Mapping[str, str]) -> Tie:
        if entry["prefer"] == entry["over"]:
            raise ValueError(f"a close call needs two intents: {dict(entry)}")
        return cls(entry["prefer"], entry["over"])


def _confidence(entry: Mapping[str, Any]) -> float:
    return float(entry.get("confidence") or 0.0)


def settled(ranking: Sequence[Mapping[str, Any]], ties: Sequence[Tie], within: float,
            ) -> list[dict[str, Any]] | None:
    """The ranking with its close call settled (best first), or None when it has none."""
    if len(ranking) < 2:
        return None
    first, second = ranking[0], ranking[1]
    if _confidence(first) - _confidence(second) >= within:
        return None
    pair = {first.get("name"), second.get("name")}
    tie = next((t for t in ties if pair == {t.prefer, t.over}), None)
    if tie is None:
        return None
    taken = {"name": tie.prefer, "confidence": min(1.0, _confidence(first) + _confidence(second))}
    rest = [dict(entry) for entry in ranking[2:]]
    return sorted([taken, *rest], key=_confidence, reverse=True)
