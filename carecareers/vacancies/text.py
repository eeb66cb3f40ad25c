"""Small text helpers shared by the feed readers: HTML to text, dates, identifiers."""

from __future__ import annotations

import html
import re
from datetime import date, datetime
from html.parser import HTMLParser
from typing import Any

from carecareers.vacancies.records import EntryProblem

_BLOCK_TAGS = {
    "br", "p", "div", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "blockquote", "dd", "dt",
}
_SKIP_TAGS = {"script", "style", "template"}
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d %B %Y", "%d %b %Y", "%B %d, %Y", "%Y/%m/%d")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self._skip = max(0, self._skip - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


_SIMPLE_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\s*/?>")
_NEEDS_PARSER_RE = re.compile(r"<(?![a-zA-Z/])|<[^>]*[\"'=<]|<(?:script|style|template)\b",
                              re.IGNORECASE)


def strip_html(text: str) -> str:
    """Return plain text: tags removed, entities unescaped, paragraphs kept as newlines.

    Markup of bare tags (`<p>`, `</li>`, `<br/>`) is handled by a regular expression;
    anything else (attributes, comments, scripts) goes through `html.parser`.
    """
    if not text:
        return ""
    if "<" not in text:
        return _tidy(html.unescape(text) if "&" in text else text)
    if _NEEDS_PARSER_RE.search(text) is None:
        return _tidy(html.unescape(_SIMPLE_TAG_RE.sub(_simple_tag, text)))
    parser = _TextExtractor()
    parser.feed(text)
    parser.close()
    return _tidy("".join(parser.parts))


def _simple_tag(match: re.Match[str]) -> str:
    if match.group(2).lower() not in _BLOCK_TAGS:
        return ""
    return "\n\n" if match.group(0).endswith("/>") else "\n"  # as html.parser: start + end


def _tidy(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.replace("\r", "\n").split("\n"))
    tidy = "\n".join(lines)
    return (re.sub(r"\n{3,}", "\n\n", tidy) if "\n\n\n" in tidy else tidy).strip()


def one_line(value: Any) -> str:
    """Return a value as a single line of plain text ("" for None)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value)
    if "<" not in value and "&" not in value:
        return " ".join(value.split())
    return " ".join(strip_html(value).split())


def parse_date(value: Any) -> date | None:
    """Parse the date forms the feeds use; None for empty; ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not a date: {value!r}")
    text = value.strip()
    if not text:
        return None
    iso = re.match(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", text)
    if iso:
        return date.fromisoformat(iso.group(1))
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text[:40]!r}")


def entry_date(value: Any, reason: str, source_id: str | None) -> date | None:
    """Parse a date of an entry; a bad one is an EntryProblem with the given reason."""
    try:
        return parse_date(value)
    except ValueError as exc:
        raise EntryProblem(reason, str(exc), source_id) from None


def required_text(value: Any, reason: str, source_id: str | None = None) -> str:
    """Return a non-empty one-line string or raise EntryProblem(reason)."""
    if isinstance(value, (dict, list, bool)):
        raise EntryProblem(reason, f"expected text, got {type(value).__name__}", source_id)
    text = one_line(value)
    if not text:
        raise EntryProblem(reason, "", source_id)
    return text


def source_id_of(value: Any) -> str:
    """Return a feed identifier as text; EntryProblem when missing or unusable."""
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise EntryProblem("missing id", f"unusable id of type {type(value).__name__}")
    text = one_line(value)
    if not text:
        raise EntryProblem("missing id")
    if len(text) > 128:
        raise EntryProblem("bad id", "longer than 128 characters")
    return text


def raw_text(value: Any) -> str:
    """Return a value if it is a string (markup kept), else ""."""
    return value if isinstance(value, str) else ""


def optional_float(value: Any) -> float | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None
