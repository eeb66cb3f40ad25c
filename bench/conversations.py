"""Multi-turn conversations (tests/conversations/*.yml): turns passing, dead ends, worst ones.

Runs every conversation of the test set through the web chat's `POST /api/chat` against a
fresh stack (the action server, Rasa with models/current.tar.gz, the web app and a seeded
database), checks each reply, and prints the figures. tests/e2e/test_conversations.py runs
the same set in `make test`, with the same loader and checks.

    .venv/bin/python -m bench.conversations [--worst 8] [--keep-logs]
"""

from __future__ import annotations

import argparse
import html
import re
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import yaml

from carecareers.settings import PROJECT_ROOT

CONVERSATIONS_DIR = PROJECT_ROOT / "tests" / "conversations"
TARGET_TURNS_PASSING = 0.95
# What a reply that helps nobody looks like: no reply at all, the front ends' apology for
# one, or Rasa's core fallback (domain/context.yml: utter_default).
DEAD_END_MARKERS = ("something went wrong", "sorry, i didn't follow that")
TAG = re.compile(r"<[^>]+>")
MAX_RETRIES = 3


@dataclass(frozen=True)
class Turn:
    """One thing the person does (types `say`, or presses the button titled `press`)."""

    say: str | None
    press: str | None
    mention: tuple[str, ...] = ()
    not_mention: tuple[str, ...] = ()
    buttons: tuple[str, ...] = ()

    @property
    def words(self) -> str:
        return self.say if self.say is not None else f"[{self.press}]"


@dataclass(frozen=True)
class Conversation:
    name: str
    source: str
    turns: tuple[Turn, ...]
    telegram: bool = False


@dataclass(frozen=True)
class Button:
    title: str
    payload: str


@dataclass(frozen=True)
class Reply:
    """Everything the assistant said back to one turn."""

    texts: tuple[str, ...]
    buttons: tuple[Button, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass
class TurnResult:
    turn: Turn
    reply: Reply
    problems: list[str]

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def dead_end(self) -> bool:
        return is_dead_end(self.reply)


@dataclass
class ConversationResult:
    conversation: Conversation
    turns: list[TurnResult] = field(default_factory=list)

    @property
    def failed(self) -> list[TurnResult]:
        return [t for t in self.turns if not t.passed]


# -- the test set -------------------------------------------------------------------------------


def _strings(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)  # type: ignore[union-attr]


def load_conversations(folder: Path = CONVERSATIONS_DIR) -> list[Conversation]:
    """Every conversation in the YAML files of `folder`, in file order."""
    found: list[Conversation] = []
    for path in sorted(folder.glob("*.yml")):
        for item in (yaml.safe_load(path.read_text()) or {}).get("conversations", []):
            turns = tuple(
                Turn(say=t.get("say"), press=t.get("press"), mention=_strings(t.get("mention")),
                     not_mention=_strings(t.get("not_mention")),
                     buttons=_strings(t.get("buttons")))
                for t in item["turns"])
            found.append(Conversation(item["name"], path.name, turns,
                                      bool(item.get("telegram", False))))
    return found


# -- checking a reply ---------------------------------------------------------------------------


def is_dead_end(reply: Reply) -> bool:
    text = reply.text.strip().lower()
    return not text or any(marker in text for marker in DEAD_END_MARKERS)


def _found(alternatives: str, haystack: str) -> bool:
    return any(a.strip().lower() in haystack for a in alternatives.split("|") if a.strip())


def check(turn: Turn, reply: Reply) -> list[str]:
    """What is wrong with `reply` to `turn` (nothing: the turn passes)."""
    if is_dead_end(reply):
        return [f"dead end: {reply.text[:80]!r}"]
    text = normalise(reply.text)
    titles = [normalise(b.title) for b in reply.buttons]
    problems = [f"does not mention {m!r}" for m in turn.mention
                if not _found(m, text + "\n" + "\n".join(titles))]
    problems += [f"mentions {m!r}" for m in turn.not_mention if _found(m, text)]
    problems += [f"no button {b!r} (has {[b.title for b in reply.buttons]})"
                 for b in turn.buttons if not any(_found(b, t) for t in titles)]
    return problems


def normalise(text: str) -> str:
    """Lower-case plain text: Telegram's HTML tags and entities removed, curly quotes plain."""
    plain = html.unescape(TAG.sub("", text))
    return plain.replace("\u2019", "'").replace("\u2018", "'").lower()


def button_for(title: str, reply: Reply | None) -> Button | None:
    """The button of the previous reply called `title` (exactly, else the first containing it)."""
    buttons = reply.buttons if reply else ()
    exact = [b for b in buttons if b.title.lower() == title.lower()]
    near = [b for b in buttons if title.lower() in b.title.lower()]
    return (exact or near or [None])[0]


# -- running conversations ----------------------------------------------------------------------

# Send one turn (given the previous reply, whose buttons a press uses) and return the reply.
Sender = Callable[[Turn, "Reply | None"], Reply]


def run_conversation(conversation: Conversation, send: Sender) -> ConversationResult:
    result = ConversationResult(conversation)
    previous: Reply | None = None
    for turn in conversation.turns:
        reply = send(turn, previous)
        problems = check(turn, reply)
        if turn.press is not None and button_for(turn.press, previous) is None:
            problems.insert(0, f"no button {turn.press!r} to press (typed it instead)")
        result.turns.append(TurnResult(turn, reply, problems))
        previous = reply
    return result


class WebChat:
    """One visitor of the web chat: their own cookie, so their own conversation.

    Sent too fast for the web app's rate limit (429), a message is sent again when the
    app says, as the chat page would have the person do.
    """

    def __init__(self, base_url: str, headers: dict[str, str] | None = None,
                 timeout: float = 60.0) -> None:
        self.client = httpx.Client(base_url=base_url, timeout=timeout, headers=headers)

    def __enter__(self) -> WebChat:
        return self

    def __exit__(self, *exc: object) -> None:
        self.client.close()

    def send(self, turn: Turn, previous: Reply | None) -> Reply:
        button = button_for(turn.press, previous) if turn.press is not None else None
        body = ({"button": button.payload} if button is not None
                else {"message": turn.say if turn.say is not None else turn.press})
        response = self.client.post("/api/chat", json=body)
        for _ in range(MAX_RETRIES):
            if response.status_code != 429:
                break
            time.sleep(float(response.headers.get("Retry-After", "5")))
            response = self.client.post("/api/chat", json=body)
        if response.status_code != 200:
            return Reply((f"HTTP {response.status_code}: something went wrong",))
        messages = response.json().get("messages", [])
        return Reply(tuple(m.get("text") or "" for m in messages if m.get("text")),
                     tuple(Button(b["title"], b["payload"])
                           for m in messages for b in m.get("buttons") or []))


def run_on_web(base_url: str, conversations: Iterable[Conversation],
               headers: Callable[[], dict[str, str]] = dict) -> list[ConversationResult]:
    """Run each conversation as a new visitor (`headers` gives each visitor's own headers)."""
    results = []
    for conversation in conversations:
        with WebChat(base_url, headers()) as chat:
            results.append(run_conversation(conversation, chat.send))
    return results


# -- the figures --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figures:
    conversations: int
    turns: int
    passing: int
    dead_ends: int
    conversations_passing: int

    @property
    def turns_passing(self) -> float:
        return self.passing / self.turns if self.turns else 0.0


def figures(results: list[ConversationResult]) -> Figures:
    turns = [t for r in results for t in r.turns]
    return Figures(len(results), len(turns), sum(t.passed for t in turns),
                   sum(t.dead_end for t in turns), sum(not r.failed for r in results))


def report(results: list[ConversationResult], worst: int = 8) -> str:
    """The figures and the worst conversations, with what went wrong in each failing turn."""
    found = figures(results)
    lines = [
        f"conversations: {found.conversations} ({found.conversations_passing} with every "
        f"turn passing), user turns: {found.turns}",
        f"turns passing: {found.turns_passing:.1%}   target >= {TARGET_TURNS_PASSING:.0%}",
        f"dead ends (no useful reply): {found.dead_ends}   target 0",
    ]
    ranked = sorted((r for r in results if r.failed), key=lambda r: -len(r.failed))[:worst]
    if ranked:
        lines.append("worst conversations:")
    for result in ranked:
        conversation = result.conversation
        lines.append(f"  {len(result.failed)}/{len(result.turns)} failing: "
                     f"{conversation.name} ({conversation.source})")
        for failed in result.failed:
            said = failed.reply.text.replace("\n", " ")[:90]
            lines.append(f"    > {failed.turn.words!r}: {'; '.join(failed.problems)}")
            lines.append(f"      < {said!r}")
    return "\n".join(lines)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--worst", type=int, default=8, help="how many failing ones to show")
    parser.add_argument("--keep-logs", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str]) -> None:
    from bench.webchat import bench_stack, visitor_headers

    args = parse_args(argv)
    conversations = load_conversations()
    with bench_stack(args.keep_logs) as stack:
        results = run_on_web(stack.web_url, conversations, visitor_headers)
    print(report(results, args.worst))


if __name__ == "__main__":
    main(sys.argv[1:])
