"""Turn Rasa replies into Telegram message text and inline keyboards (pure functions)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageLimit

from carecareers import catalogue
from carecareers.conversation.buttons import safe_link

MAX_TEXT_UNITS = int(MessageLimit.MAX_TEXT_LENGTH)
SHORT_TITLE_CHARS = 16
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*\s+|\n+")
_WHITESPACE = re.compile(r"\s+")


def utf16_len(text: str) -> int:
    """Return the length Telegram counts: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_TEXT_UNITS) -> list[str]:
    """Split text into messages of at most `limit` units, at sentence boundaries if possible."""
    chunks: list[str] = []
    rest = text.strip()
    while utf16_len(rest) > limit:
        cut = _cut_point(rest, limit)
        chunks.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        chunks.append(rest)
    return chunks


def _cut_point(text: str, limit: int) -> int:
    window = text[: _prefix_chars(text, limit)]
    for pattern in (_SENTENCE_END, _WHITESPACE):
        ends = [m.end() for m in pattern.finditer(window) if m.start() > 0]
        if ends:
            return ends[-1]
    return len(window)


def _prefix_chars(text: str, limit: int) -> int:
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def escape(text: str) -> str:
    """Escape text for parse_mode HTML, so nothing in it is markup."""
    return html.escape(text, quote=False)


def keyboard(buttons: Sequence[Mapping[str, str]],
             callback_data_for: Callable[[str], str]) -> InlineKeyboardMarkup | None:
    """Return an inline keyboard for Rasa buttons: links open, other payloads call back."""
    rendered = [_button(b, callback_data_for) for b in buttons if b.get("title")]
    if not rendered:
        return None
    width = 2 if all(len(b.text) <= SHORT_TITLE_CHARS for b in rendered) else 1
    return InlineKeyboardMarkup([rendered[i:i + width] for i in range(0, len(rendered), width)])


def _button(button: Mapping[str, str],
            callback_data_for: Callable[[str], str]) -> InlineKeyboardButton:
    title, payload = button["title"], button.get("payload", "")
    url = safe_link(payload)
    if url:
        return InlineKeyboardButton(title, url=url)
    return InlineKeyboardButton(title, callback_data=callback_data_for(payload or title))


def link_keyboard(title: str, url: str) -> InlineKeyboardMarkup | None:
    """Return a one-button keyboard that opens `url`, or None if the URL is not safe."""
    safe = safe_link(url)
    return InlineKeyboardMarkup([[InlineKeyboardButton(title, url=safe)]]) if safe else None


def is_vacancy(custom: Mapping[str, Any] | None) -> bool:
    return bool(custom) and custom.get("type") == "vacancy"  # type: ignore[union-attr]


def vacancy_card(custom: Mapping[str, Any]) -> tuple[str, InlineKeyboardMarkup | None]:
    """Return the HTML text and Apply button of a vacancy custom payload."""
    title = _field(custom, "title") or catalogue.text("bot.vacancy.untitled")
    lines = [f"<b>{escape(title)}</b>"]
    where = " · ".join(v for v in (_field(custom, "employer"), _field(custom, "place")) if v)
    if where:
        lines.append(escape(where))
    for text_id, key in (("bot.vacancy.pay", "salary"), ("bot.vacancy.closing", "closing_date")):
        if _field(custom, key):
            lines.append(escape(catalogue.text(text_id, **{key: _field(custom, key)})))
    apply = link_keyboard(catalogue.text("bot.vacancy.apply"), custom.get("apply_url", ""))
    return "\n".join(lines), apply


def _field(custom: Mapping[str, Any], key: str) -> str:
    value = custom.get(key)
    return str(value).strip() if value not in (None, "") else ""
