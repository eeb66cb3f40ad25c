"""How easy a reply is to read: a reading age from the Flesch-Kincaid grade.

A reading age is the Flesch-Kincaid grade (a US school grade) plus 5: grade 6 is what
most 11-year-olds can read. Every reply should be at or below READING_AGE_LIMIT, for
people reading on a phone, some with English as a second language.

Before scoring, the parts nobody reads as prose are replaced by a short word: web and
email addresses, phone numbers, `{placeholders}` and `@usernames`. So are the names a
caller passes in `names`: the names of jobs and qualifications the careers content
defines ("healthcare support worker", "Lead Adult Care Worker"), or their plurals. A
reader meets such a name as one thing and no plainer word can stand for it, so each
counts as one short word; every other word, however long, is counted as it is. A line
that ends without a full stop (a list item, a question with buttons) counts as a sentence.
Labels shorter than MIN_WORDS words (a button, a heading) are not prose: the formula
means nothing for them, so `too_hard` leaves them out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import textstat

READING_AGE_LIMIT = 11.0
GRADE_TO_AGE = 5.0
MIN_WORDS = 5

_ADDRESS = re.compile(
    r"https?://\S+"                                   # web addresses
    r"|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+"                 # email addresses
    r"|(?<!\w)@\w+"                                    # @names on messaging apps
    r"|\b(?:[a-z0-9-]+\.)+(?:uk|org|com|net)(?:/[\w/.-]*)?"  # bare domains: gov.uk, ico.org.uk
    r"|\{[^{}]*\}",                                    # template placeholders
    re.IGNORECASE,
)
_PHONE = re.compile(r"\b0\d{2,4}(?: ?\d{3,4}){1,3}\b")
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+", re.MULTILINE)
_ENDS_SENTENCE = re.compile(r"[.!?:;]$")


@dataclass(frozen=True)
class Scored:
    """One text, where it comes from, and its reading age."""

    where: str
    text: str
    age: float


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """A pattern for whole-word `names`, longest first, ignoring case; None for no names."""
    unique = sorted({name.strip() for name in names if name.strip()}, key=len, reverse=True)
    if not unique:
        return None
    alternatives = "|".join(re.escape(name) for name in unique)
    # "A level" is a name; "a level 5 qualification" is not, so no digit may follow.
    return re.compile(rf"(?<!\w)(?:{alternatives})s?(?!\w|\s\d)", re.IGNORECASE)


def prose(text: str, names: Iterable[str] = ()) -> str:
    """The text as a reader meets it: addresses and `names` shortened, each line a sentence."""
    pattern = names_pattern(names)
    if pattern is not None:
        text = pattern.sub("name", text)
    text = _PHONE.sub("number", _ADDRESS.sub("link", text))
    text = _LIST_MARK.sub("", text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return " ".join(line if _ENDS_SENTENCE.search(line) else line + "." for line in lines)


def reading_age(text: str, names: Iterable[str] = ()) -> float:
    """The reading age (in years) of `text`: Flesch-Kincaid grade + 5, never below 5.

    Each of `names` in the text counts as one short word (see the module docstring).
    """
    plain = prose(text, names)
    if not plain:
        return GRADE_TO_AGE
    grade = textstat.flesch_kincaid_grade(plain)
    return round(max(grade, 0.0) + GRADE_TO_AGE, 1)


def is_prose(text: str, names: Iterable[str] = ()) -> bool:
    """Whether `text` is long enough for a reading age to mean something."""
    return len(prose(text, names).split()) >= MIN_WORDS


def score(texts: Iterable[tuple[str, str]], names: Iterable[str] = ()) -> list[Scored]:
    """Score (where, text) pairs, hardest first; each of `names` counts as one short word."""
    known = tuple(names)
    scored = [Scored(where, text, reading_age(text, known)) for where, text in texts]
    return sorted(scored, key=lambda s: s.age, reverse=True)


def too_hard(
    texts: Iterable[tuple[str, str]],
    limit: float = READING_AGE_LIMIT,
    names: Iterable[str] = (),
) -> list[Scored]:
    """The prose texts whose reading age is over `limit`, hardest first."""
    known = tuple(names)
    return [s for s in score(texts, known) if s.age > limit and is_prose(s.text, known)]


def describe(scored: Iterable[Scored], width: int = 100) -> str:
    """One line per text: reading age, where it comes from, and its start."""
    lines = []
    for s in scored:
        start = " ".join(s.text.split())
        start = start if len(start) <= width else start[: width - 1] + "…"
        lines.append(f"{s.age:5.1f}  {s.where}: {start}")
    return "\n".join(lines)
