"""Every text a person reads outside Rasa's responses, by id, from content/texts/<language>/.

Each YAML file there is one area (`bot.yml`, `web.yml`, `emails.yml`, ...); its keys, nested
or not, make the ids: `forget.question` in `bot.yml` is `bot.forget.question`. A text names
its placeholders in braces (`Hi {first_name}`); `{{` and `}}` are braces themselves. What
Rasa says lives in `domain/*.yml` responses, with the same placeholder syntax.

Another language is another folder (`content/texts/cy/`); an id it does not define yet is
taken from English, so a translation can grow file by file.
"""

from __future__ import annotations

import string
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from markupsafe import Markup

from carecareers.settings import get_settings

DEFAULT_LANGUAGE = "en"
_FORMATTER = string.Formatter()


class CatalogueError(LookupError):
    """A text cannot be given: unknown id, a placeholder left without a value, or bad content."""


@dataclass(frozen=True)
class Catalogue:
    """The texts of one language, by id."""

    language: str
    texts: Mapping[str, str]

    def text(self, text_id: str, /, **values: Any) -> str:
        """The text `text_id` with its placeholders filled; values it does not use are ignored.

        (A translation may leave out a detail the English gives, so extra values are fine.)
        """
        return fill(self.template(text_id), values, text_id)

    def template(self, text_id: str) -> str:
        """The text `text_id` as written, placeholders and all."""
        try:
            return self.texts[text_id]
        except KeyError:
            raise CatalogueError(f"no text {text_id!r} in content/texts/{self.language}/; "
                                 f"add it to content/texts/{self.language}/"
                                 f"{text_id.split('.')[0]}.yml") from None

    def __contains__(self, text_id: object) -> bool:
        return text_id in self.texts

    def section(self, prefix: str) -> dict[str, str]:
        """The texts under an id, by the rest of their id: section("web.chat.script")."""
        start = prefix + "."
        return {text_id[len(start):]: template for text_id, template in self.texts.items()
                if text_id.startswith(start)}

    def listed(self, names: Sequence[str]) -> str:
        """'A', 'A and B', 'A, B and C' (in this language's words)."""
        if len(names) < 2:
            return "".join(names)
        separator = self.template("common.list.separator")
        return self.text("common.list.and", names=separator.join(names[:-1]), last=names[-1])


def fill(template: str, values: Mapping[str, Any], text_id: str = "text") -> str:
    """The template with its placeholders filled from `values`; an error names any missing."""
    missing = placeholders(template) - values.keys()
    if missing:
        raise CatalogueError(f"{text_id} needs a value for {', '.join(sorted(missing))}")
    return template.format_map(values)


def placeholders(template: str) -> frozenset[str]:
    """The names in braces in a text: {'first_name'} for 'Hi {first_name}'."""
    return frozenset(name for _, name, _, _ in _FORMATTER.parse(template) if name is not None)


def texts_dir(content_dir: Path, language: str = DEFAULT_LANGUAGE) -> Path:
    return content_dir / "texts" / language


@lru_cache
def load_catalogue(content_dir: Path, language: str = DEFAULT_LANGUAGE) -> Catalogue:
    """Read a language's texts (an id it lacks is taken from English); checked, then cached."""
    texts: dict[str, str] = {}
    if language != DEFAULT_LANGUAGE:
        texts.update(load_catalogue(content_dir, DEFAULT_LANGUAGE).texts)
    folder = texts_dir(content_dir, language)
    files = sorted(folder.glob("*.yml"))
    if not files:
        raise CatalogueError(f"no texts in {folder}")
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for text_id, template in _flattened(path.stem, data, path):
            _check(text_id, template, path)
            texts[text_id] = template
    return Catalogue(language, texts)


def _flattened(prefix: str, data: Any, path: Path) -> Iterator[tuple[str, str]]:
    if not isinstance(data, Mapping):
        raise CatalogueError(f"{path}: {prefix} must be a text or a mapping of texts")
    for key, value in data.items():
        text_id = f"{prefix}.{key}"
        if isinstance(value, Mapping):
            yield from _flattened(text_id, value, path)
        elif isinstance(value, str):
            yield text_id, value
        else:
            raise CatalogueError(f"{path}: {text_id} must be a text (quote numbers and yes/no)")


def _check(text_id: str, template: str, path: Path) -> None:
    """Only plain named placeholders: no positions, attributes, indexes or formats."""
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        raise CatalogueError(f"{path}: {text_id}: {exc} (write {{{{ and }}}} for braces)") from None
    for _, name, spec, conversion in parts:
        if name is not None and (not name.isidentifier() or spec or conversion):
            raise CatalogueError(f"{path}: {text_id}: placeholder {{{name}}} must be a plain "
                                 "name, like {first_name}")


def for_language(language: str = DEFAULT_LANGUAGE) -> Catalogue:
    """The catalogue of the configured content (CONTENT_DIR) in one language."""
    return load_catalogue(get_settings().content_dir, language)


def text(text_id: str, /, **values: Any) -> str:
    """The English text `text_id` with its placeholders filled: text("bot.forget.kept")."""
    return for_language().text(text_id, **values)


def markup(text_id: str, /, **values: Any) -> Markup:
    """The text for an HTML page: escaped, and its values too, unless they are Markup already
    (so that a text can put a link around its own words: {link_start}...{link_end}).

    An apostrophe stays as it is: pages put texts in elements and double-quoted attributes.
    """
    template = for_language().template(text_id)
    fill(template, values, text_id)  # only to say which value is missing
    escaped = template.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return Markup(escaped.replace('"', "&#34;")).format(**values)


def template_globals() -> dict[str, Any]:
    """What Jinja templates get: {{ t("web.chat.heading") }} for a text of the catalogue."""
    return {"t": markup}
