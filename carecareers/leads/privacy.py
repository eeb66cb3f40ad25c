"""The privacy notice: content, versioned, shown on the web and in the bot."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class PrivacyNotice:
    version: str
    updated: date
    title: str
    summary: str
    sections: tuple[Section, ...]


@lru_cache
def load_privacy_notice(content_dir: Path) -> PrivacyNotice:
    data = yaml.safe_load((content_dir / "privacy" / "notice.yml").read_text(encoding="utf-8"))
    sections = tuple(
        Section(s["heading"], tuple(s["paragraphs"])) for s in data["sections"]
    )
    return PrivacyNotice(version=str(data["version"]), updated=data["updated"],
                         title=data["title"], summary=data["summary"], sections=sections)
