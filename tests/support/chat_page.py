"""The chat page read as a browser without its script sees it: what its transcript shows,
its buttons and the forms they post, its status line and its inline style."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import httpx


@dataclass
class Drawn:
    """What the chat page shows in its transcript, and the forms a browser would post."""

    said: list[tuple[str, str]] = field(default_factory=list)  # (user|bot, words), in order
    buttons: list[dict[str, str]] = field(default_factory=list)  # title, value, form's action
    cards: list[str] = field(default_factory=list)  # the text of each job card
    links: list[str] = field(default_factory=list)  # hrefs in the transcript
    hidden: dict[str, str] = field(default_factory=dict)  # hidden fields of the composer
    composer: dict[str, str] = field(default_factory=dict)  # the composer form's attributes
    draft: str | None = None
    status: str = ""
    styles: list[str] = field(default_factory=list)
    chat: dict[str, str] = field(default_factory=dict)  # the attributes of #chat

    @property
    def entries(self) -> list[dict[str, Any]]:
        return json.loads(self.chat["data-entries"])


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.drawn = Drawn()
        self._in_log = False
        self._form: dict[str, str] = {}
        self._bubble: list[str] | None = None
        self._hidden_depth = 0
        self._card: list[str] | None = None
        self._button: dict[str, str] | None = None
        self._in: str | None = None  # "status" or "style"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if a.get("id") == "chat":
            self.drawn.chat = a
        if tag == "section" and a.get("id") == "log":
            self._in_log = True
        if tag == "form":
            self._form = a
            if a.get("id") == "composer":
                self.drawn.composer = a
        if tag == "input" and a.get("type") == "hidden" and self._form.get("id") == "composer":
            self.drawn.hidden[a["name"]] = a["value"]
        if tag == "input" and a.get("id") == "message":
            self.drawn.draft = a.get("value")
        if tag == "p" and a.get("id") == "status":
            self._in = "status"
        if tag == "style":
            self._in = "style"
            self.drawn.styles.append("")
        if not self._in_log:
            return
        if tag == "p" and "msg" in a.get("class", ""):
            self._bubble = [a["class"].split()[1]]
        if tag == "span" and "visually-hidden" in a.get("class", ""):
            self._hidden_depth += 1
        if tag == "article":
            self._card = []
        if tag == "a":
            self.drawn.links.append(a["href"])
        if tag == "button":
            self._button = {"name": a.get("name", ""), "value": a.get("value", ""),
                            "action": self._form.get("action", ""), "title": ""}

    def handle_endtag(self, tag: str) -> None:
        if tag in ("p", "style"):
            self._in = None if self._in in ("status", "style") else self._in
        if tag == "section":
            self._in_log = False
        if tag == "span" and self._hidden_depth:
            self._hidden_depth -= 1
        if tag == "p" and self._bubble is not None:
            self.drawn.said.append((self._bubble[0], "".join(self._bubble[1:])))
            self._bubble = None
        if tag == "article" and self._card is not None:
            self.drawn.cards.append(" | ".join(self._card))
            self._card = None
        if tag == "button" and self._button is not None:
            self.drawn.buttons.append(self._button)
            self._button = None
        if tag == "form":
            self._form = {}

    def handle_data(self, data: str) -> None:
        if self._in == "status":
            self.drawn.status += data
        elif self._in == "style":
            self.drawn.styles[-1] += data
        if self._bubble is not None and not self._hidden_depth:
            self._bubble.append(data)
        if self._card is not None and data.strip():
            self._card.append(data)
        if self._button is not None:
            self._button["title"] += data


def drawn(page: httpx.Response) -> Drawn:
    reader = _Reader()
    reader.feed(page.text)
    return reader.drawn
