"""The feeds `carecareers vacancies refresh` imports, configured in `content/feeds.yml`.

Relative file locations are relative to the content folder. `${NAME}` in a location or
header is replaced by the environment variable NAME; a feed whose variables are unset is
left out (with the reason), so API keys stay out of the content files.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from carecareers.vacancies.fetch import is_url
from carecareers.vacancies.sources import format_of

_VARIABLE_RE = re.compile(r"\$\{([A-Z0-9_]+)\}")


class FeedConfigError(ValueError):
    """feeds.yml cannot be read or names something that does not exist."""


@dataclass(frozen=True)
class FeedConfig:
    name: str
    source: str
    location: str
    complete: bool = False
    headers: dict[str, str] = field(default_factory=dict)
    missing_variables: tuple[str, ...] = ()

    @property
    def ready(self) -> bool:
        return not self.missing_variables


def feeds_yml(content_dir: Path) -> Path:
    return content_dir / "feeds.yml"


def load_feeds(path: Path, environ: Mapping[str, str]) -> list[FeedConfig]:
    """Return the enabled feeds of a feeds.yml, variables filled in from `environ`."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise FeedConfigError(f"cannot read {path}: {exc}") from None
    entries = data.get("feeds") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise FeedConfigError(f"{path} has no 'feeds' list")
    return [_feed(entry, path.parent, environ) for entry in entries
            if isinstance(entry, dict) and entry.get("enabled", True)]


def _feed(entry: dict[str, Any], base: Path, environ: Mapping[str, str]) -> FeedConfig:
    try:
        name, source, location = str(entry["name"]), str(entry["source"]), str(entry["location"])
    except KeyError as exc:
        raise FeedConfigError(f"a feed in feeds.yml has no {exc.args[0]!r}") from None
    format_of(source)
    missing: list[str] = []
    location = _expand(location, environ, missing)
    if not is_url(location) and not Path(location).is_absolute():
        location = str(base / location)
    headers = {str(k): _expand(str(v), environ, missing)
               for k, v in (entry.get("headers") or {}).items()}
    return FeedConfig(name, source, location, bool(entry.get("complete", False)), headers,
                      tuple(dict.fromkeys(missing)))


def _expand(text: str, environ: Mapping[str, str], missing: list[str]) -> str:
    def value(match: re.Match[str]) -> str:
        found = environ.get(match.group(1), "")
        if not found:
            missing.append(match.group(1))
        return found

    return _VARIABLE_RE.sub(value, text)
