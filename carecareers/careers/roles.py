"""Finding a role from what someone typed: its code, name or one of its synonyms."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TypeVar

from carecareers.careers.errors import UnknownRole
from carecareers.careers.records import CareersContent, Role

T = TypeVar("T")
WORD = re.compile(r"[a-z0-9]+")


def normalise(text: str) -> str:
    """Lower-case the words, dropping punctuation and plural endings ("Physios!" -> "physio")."""
    return " ".join(singular(word) for word in WORD.findall(text.lower().replace("'", "")))


def singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) >= 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def best_match(text: str, candidates: Iterable[tuple[T, Iterable[str]]]) -> T | None:
    """Return the candidate with the longest phrase found in `text`, the first on a tie."""
    words = normalise(text).split()
    best: T | None = None
    best_length = 0
    for item, phrases in candidates:
        for phrase in phrases:
            length = len(phrase.split())
            if length > best_length and contains(words, phrase.split()):
                best, best_length = item, length
    return best


def contains(words: list[str], phrase: list[str]) -> bool:
    size = len(phrase)
    return size > 0 and any(words[i : i + size] == phrase for i in range(len(words) - size + 1))


def role_phrases(role: Role) -> list[str]:
    return [normalise(word) for word in (role.code, role.name, *role.synonyms)]


def find_role(content: CareersContent, text: str) -> Role | None:
    """Find the role named in `text` ("a nurse", "carers", "being a physio"), or None."""
    return best_match(text, ((role, role_phrases(role)) for role in content.roles))


def get_role(content: CareersContent, value: str) -> Role:
    """Return the role with this code, or named in `value`; raise `UnknownRole` if none."""
    role = content.role(value) or find_role(content, value)
    if role is None:
        raise UnknownRole(value)
    return role


def defined_names(content: CareersContent) -> tuple[str, ...]:
    """The names of jobs and qualifications the content defines, for the reading-age check.

    Each role's name and synonyms, each starting point's name ("GCSEs with English and
    maths") and each apprenticeship standard, with and without its code. Starting point
    aliases are not names: they hold everyday words ("nothing", "level 2").
    """
    names: list[str] = []
    for role in content.roles:
        names += [role.name, *role.synonyms]
        if role.apprenticeship is not None:
            standard = role.apprenticeship.standard
            names += [standard, re.sub(r"\s*\([^)]*\)", "", standard)]
    for point in content.starting_points:
        names.append(point.name)
    return tuple(dict.fromkeys(name for name in names if name))
