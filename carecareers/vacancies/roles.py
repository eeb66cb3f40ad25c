"""Role codes and the words people use for them, read from `content/careers/roles.yml`.

Only `code`, `name` and `synonyms` are used here: the careers content owns the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml


def words(text: str) -> str:
    """Lower-case text with punctuation turned into single spaces."""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text.lower()).split())


@dataclass(frozen=True)
class RoleMatch:
    code: str
    phrase: str
    start: int
    end: int


class RoleIndex:
    """Find role codes in job titles and in what people type."""

    def __init__(self, synonyms: dict[str, str]) -> None:
        self._by_phrase = {words(p): c for p, c in synonyms.items() if words(p)}
        self._codes = set(self._by_phrase.values())
        phrases = sorted(self._by_phrase, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, phrases)) + r")\b")
        self._title_cache: dict[str, str | None] = {}

    @classmethod
    def from_yaml(cls, path: Path) -> RoleIndex:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        synonyms: dict[str, str] = {}
        for role in data.get("roles", []):
            code = str(role["code"])
            for phrase in [code.replace("_", " "), role.get("name") or "",
                           *(role.get("synonyms") or [])]:
                synonyms.setdefault(str(phrase), code)
        return cls(synonyms)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self._codes)

    def matches(self, text: str) -> list[RoleMatch]:
        """Return the role phrases in a text, longest first where they overlap."""
        normalised = words(text)
        found = [
            RoleMatch(self._by_phrase[m.group(0)], m.group(0), m.start(), m.end())
            for m in self._pattern.finditer(normalised)
        ]
        return sorted(found, key=lambda m: (-(m.end - m.start), m.start))

    def role_of_title(self, title: str) -> str | None:
        """Return the role code a job title names (its longest role phrase), or None."""
        if title not in self._title_cache:
            if len(self._title_cache) > 20_000:
                self._title_cache.clear()
            found = self.matches(title)
            self._title_cache[title] = found[0].code if found else None
        return self._title_cache[title]

    def resolve(self, term: str) -> str | None:
        """Return the role code of a code, a role name or a synonym; None otherwise."""
        text = term.strip()
        if text in self._codes:
            return text
        return self._by_phrase.get(words(text))


def roles_yml(content_dir: Path) -> Path:
    return content_dir / "careers" / "roles.yml"


@lru_cache(maxsize=4)
def role_index_for(content_dir: Path) -> RoleIndex:
    """Return the role index of a content folder, read once per process."""
    return RoleIndex.from_yaml(roles_yml(content_dir))


def default_role_index() -> RoleIndex:
    from carecareers.settings import get_settings

    return role_index_for(get_settings().content_dir)
