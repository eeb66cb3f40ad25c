"""Every fixed text a person can be shown, as (where, text) pairs for the readability tests.

Run `python -m tests.readability_sources` to print the hardest texts and their reading ages.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import yaml

from carecareers.events.bookings import booking_consent
from carecareers.leads.consent import consent_wording
from carecareers.leads.privacy import RetentionPeriods, load_privacy_notice
from carecareers.models import Event, Provider
from carecareers.readability import describe, is_prose, score

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
Text = tuple[str, str]

# Modules whose string literals are replies: the forms, the vacancy search, erasure, events
# (booking and the reminders), and the
# answers the form's checks give.
ACTION_MODULES = ("actions/interest.py", "actions/vacancies.py", "actions/privacy.py",
                  "actions/events.py", "carecareers/events/notices.py",
                  "carecareers/forms/validation.py")
# What the web app answers the chat page with (its other errors are for developers).
WEB_CHAT_REPLIES = ("TOO_FAST_TEXT", "TOO_LARGE_TEXT")
RELAY_REPLIES = ("UNAVAILABLE_TEXT", "NO_REPLY_TEXT")
# What a `{value}` inside an f-string stands for when it is scored.
FILLER = "Sam"


def domain_responses(root: Path = ROOT) -> Iterator[Text]:
    """Every response text in domain/*.yml (any file other engineers add included)."""
    for path in sorted((root / "domain").glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses")
        for name, variants in (responses or {}).items():
            for i, variant in enumerate(variants or []):
                if isinstance(variant, dict) and isinstance(variant.get("text"), str):
                    yield f"{path.name}:{name}[{i}]", variant["text"]


def bot_texts() -> Iterator[Text]:
    """The Telegram bot's own texts (bot/texts.py)."""
    from bot import texts

    for name, value in vars(texts).items():
        if name.isupper() and isinstance(value, str):
            yield f"bot/texts.py:{name}", value


def _literal(node: ast.AST) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal(v) or FILLER for v in node.values)
    return None


def _skipped(tree: ast.AST) -> set[int]:
    """Ids of the nodes that are not replies: docstrings and logger calls."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            skip.add(id(body[0].value))
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "logger"):
            skip.update(id(arg) for arg in node.args)
    return skip


def module_texts(relative: str, root: Path = ROOT) -> Iterator[Text]:
    """The sentences among a module's string literals (f-string values filled in)."""
    tree = ast.parse((root / relative).read_text(encoding="utf-8"))
    skip = _skipped(tree)
    seen: set[int] = set()
    for node in ast.walk(tree):
        if id(node) in skip or id(node) in seen:
            continue
        if isinstance(node, ast.JoinedStr):
            seen.update(id(v) for v in node.values)
        text = _literal(node)
        if text and re.match(r"[A-Z]", text) and len(text.split()) >= 3:
            yield f"{relative}:{node.lineno}", text


def action_texts() -> Iterator[Text]:
    for relative in ACTION_MODULES:
        yield from module_texts(relative)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._hidden += tag in ("script", "style")
        for name, value in attrs:
            if name in ("placeholder", "aria-label", "title") and value:
                self.chunks.append("\n" + value + "\n")

    def handle_endtag(self, tag: str) -> None:
        self._hidden -= tag in ("script", "style")
        if tag in ("p", "h1", "h2", "li", "label", "button", "a", "div"):
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.chunks.append(data)


def web_chat_texts(root: Path = ROOT) -> Iterator[Text]:
    """What the chat page says itself: its markup and the fixed texts in chat.js."""
    html = (root / "web/templates/chat.html").read_text(encoding="utf-8")
    html = re.sub(r"\{%.*?%\}|\{\{.*?\}\}", " ", html, flags=re.S)
    parser = _Visible()
    parser.feed(html)
    for i, line in enumerate("".join(parser.chunks).splitlines()):
        if len(line.split()) >= 3:
            yield f"web/templates/chat.html:{i}", line.strip()
    from carecareers.conversation import relay
    from web.routes import chat

    for name in WEB_CHAT_REPLIES:
        yield f"web/routes/chat.py:{name}", getattr(chat, name)
    for name in RELAY_REPLIES:
        yield f"carecareers/conversation/relay.py:{name}", getattr(relay, name)
    script = (root / "web/static/chat.js").read_text(encoding="utf-8")
    for match in re.finditer(r'"([A-Z][^"\\]*(?: [^"\\]*){2,})"', script):
        yield f"web/static/chat.js:{script.count(chr(10), 0, match.start()) + 1}", match.group(1)


def privacy_texts(content: Path = CONTENT) -> Iterator[Text]:
    """The privacy notice, paragraph by paragraph, and the consent question for each channel."""
    notice = load_privacy_notice(content, RetentionPeriods(lead_days=365, chat_days=30,
                                                           alert_days=365, booking_days=90))
    yield "privacy/notice.yml:summary", notice.summary
    for section in notice.sections:
        for i, paragraph in enumerate(section.paragraphs):
            yield f"privacy/notice.yml:{section.heading}[{i}]", paragraph
    for method in ("phone", "email", "telegram"):
        wording = consent_wording(content, method, ["Oak House Care"],
                                  "https://care.example.org/privacy", 365)
        yield f"privacy/consent.yml:question[{method}]", wording.text
    for method in ("phone", "email", "telegram"):
        event = Event(title="Open day", providers=[Provider(name="Oak House Care")])
        booking = booking_consent(content, event, method, "https://care.example.org/privacy", 90)
        yield f"privacy/event_consent.yml:question[{method}]", booking.text


def every_text() -> list[Text]:
    return [*domain_responses(), *bot_texts(), *action_texts(), *web_chat_texts(),
            *privacy_texts()]


if __name__ == "__main__":
    scored = [s for s in score(every_text()) if is_prose(s.text)]
    print(f"{len(scored)} texts; reading age: worst {scored[0].age}, "
          f"median {scored[len(scored) // 2].age}")
    print(describe(scored[:15]))
