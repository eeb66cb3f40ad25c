"""What a typed answer to the values check means: a choice ("the second one", "b", "I'd tell
the nurse"), yes or no to keeping the results, or leaving the check.

Read by its shape and its words before any NLU: the check's answers are its own, and a
sentence that fits none of them is left to the assistant (the person has moved on).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from carecareers.values.content import Choice

_WORD = re.compile(r"[a-z0-9]+")
ORDINALS = {
    "a": 0, "1": 0, "one": 0, "first": 0, "1st": 0, "top": 0,
    "b": 1, "2": 1, "two": 1, "second": 1, "2nd": 1, "middle": 1,
    "c": 2, "3": 2, "three": 2, "third": 2, "3rd": 2,
    "d": 3, "4": 3, "four": 3, "fourth": 3, "4th": 3,
}
LAST = {"last", "bottom", "final"}
# Words around an ordinal that say nothing more: "i'd go with the second one".
FILLERS = {"the", "one", "option", "number", "no", "answer", "choice", "i", "id", "d", "ill",
           "pick", "picking", "go", "with", "for", "choose", "think", "probably", "maybe",
           "say", "its", "it", "s", "im", "m", "would", "prob", "defo", "definitely", "that",
           "then", "hmm", "um", "erm", "ok", "okay", "please", "pls"}
# Words that carry no meaning of their own when matching a sentence to a choice.
STOPWORDS = FILLERS | {"a", "an", "and", "to", "of", "in", "on", "at", "her", "him", "his",
                       "them", "they", "their", "she", "he", "me", "my", "you", "your", "is",
                       "be", "do", "just", "so", "if", "but", "or", "what", "what's", "whats",
                       "about", "there", "this", "ll", "t", "can", "could", "should", "will",
                       "get", "got", "really", "like", "bit", "all", "out", "up", "are",
                       "am", "was", "were", "have", "has", "had", "does", "did", "any", "how",
                       "who", "where", "when", "why", "which", "not", "no", "with", "from"}
LEAVING = {"stop", "quit", "cancel", "exit", "end", "leave", "done", "enough", "finish",
           "skip", "bored"}
LEAVING_PHRASES = {"no more", "stop it", "stop this", "im done", "i m done", "leave it",
                   "not now", "stop the check", "end the check", "leave the check",
                   "i want to stop", "i dont want to do this", "forget it"}
YES = {"yes", "yeah", "yep", "yea", "ya", "y", "sure", "ok", "okay", "keep", "fine", "go",
       "alright", "definitely", "please"}
NO = {"no", "nah", "nope", "n", "dont", "don", "not", "never", "delete", "bin"}
MAX_ATTEMPT_WORDS = 6  # a short line that fits no choice is asked again; a longer one moves on


def words(said: str) -> list[str]:
    return _WORD.findall(said.lower().replace("'", "").replace("’", ""))


def _stem(word: str) -> str:
    for ending in ("ing", "ed", "es", "s"):
        if len(word) > len(ending) + 2 and word.endswith(ending):
            return word[: -len(ending)]
    return word


def is_leaving(said: str) -> bool:
    found = words(said)
    joined = " ".join(found)
    return joined in LEAVING_PHRASES or (0 < len(found) <= 3 and found[0] in LEAVING) or (
        0 < len(found) <= 3 and found[-1] in LEAVING and not set(found) & {"dont", "not"})


def choice_by_position(said: str, count: int) -> int | None:
    """The position a typed answer names ("2", "b", "the second one", "the last one")."""
    left = [w for w in words(said) if w not in FILLERS]
    if len(left) != 1:
        return None
    word = left[0]
    position = count - 1 if word in LAST else ORDINALS.get(word)
    return position if position is not None and position < count else None


def choice_by_words(said: str, choices: Sequence[Choice]) -> int | None:
    """The one choice whose own words the typed answer uses more than any other's."""
    typed = {_stem(w) for w in words(said) if w not in STOPWORDS}
    vocabularies = [{_stem(w) for w in words(c.label) + list(c.words) if w not in STOPWORDS}
                    for c in choices]
    scores = []
    for index, vocabulary in enumerate(vocabularies):
        others = set().union(*(v for i, v in enumerate(vocabularies) if i != index))
        scores.append(len(typed & (vocabulary - others)))
    best = max(scores, default=0)
    if best == 0 or scores.count(best) > 1:
        return None
    return scores.index(best)


def read_choice(said: str, choices: Sequence[Choice]) -> int | None:
    """The choice a typed answer names; a question ("what jobs are there?") names none."""
    position = choice_by_position(said, len(choices))
    if position is not None or "?" in said:
        return position
    return choice_by_words(said, choices)


def read_yes_no(said: str) -> bool | None:
    """True for "yes, keep them", False for "no thanks", None when it is neither.

    Any "no", "don't" or "not" wins: results are kept only on a clear yes.
    """
    found = set(words(said))
    if found & NO:
        return False
    return True if found & YES else None


def looks_like_an_attempt(said: str) -> bool:
    """A short line without a question mark: probably a try at answering, so ask again."""
    return "?" not in said and 0 < len(words(said)) <= MAX_ATTEMPT_WORDS
