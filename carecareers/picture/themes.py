"""What people asked that the assistant could not answer, by theme and month: counts only.

The themes and their words are content/picture/question_themes.yml. A question belongs to
the first theme one of whose words it has (whole words, any case), or to "other"; its text
is read here and never leaves this module.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

OTHER = "other"


@dataclass(frozen=True)
class Themes:
    """Each theme's code with its pattern of words, in the file's order."""

    patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return (*(code for code, _ in self.patterns), OTHER)

    def theme_of(self, question: str) -> str:
        return next((code for code, pattern in self.patterns if pattern.search(question)),
                    OTHER)


def themes_file(content_dir: Path) -> Path:
    return content_dir / "picture" / "question_themes.yml"


@lru_cache(maxsize=4)
def load_themes(content_dir: Path) -> Themes:
    data = yaml.safe_load(themes_file(content_dir).read_text(encoding="utf-8"))
    patterns = []
    for code, words in data["themes"].items():
        if code == OTHER or not words:
            raise ValueError(f"theme {code!r}: 'other' is kept for the rest; give words")
        alternatives = "|".join(re.escape(str(word).lower()) for word in words)
        patterns.append((str(code), re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)",
                                               re.IGNORECASE)))
    return Themes(tuple(patterns))
