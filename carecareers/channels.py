"""The channels people chat in, as the core knows them: a name, a label, what each can do.

The registry is data (`content/channels.yml`), so the core speaks of channels and never of
one by name; each channel is an adapter around the core (docs/adding-a-channel.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from carecareers.settings import PROJECT_ROOT

CHANNELS_FILE = PROJECT_ROOT / "content" / "channels.yml"
# What an action records for a turn whose channel is not registered (say, a message sent to
# Rasa directly rather than through a front end): never mistaken for a real channel.
UNKNOWN = "unknown"


class ChannelsInvalid(ValueError):
    """content/channels.yml is missing something; the message says what."""


@dataclass(frozen=True)
class ContactMethod:
    """A way of being contacted that a channel adds to the interest form."""

    answer: str  # the contact method the lead records
    words: tuple[str, ...]  # what in a typed answer picks this way
    methods_question: str  # the domain response asking how, with this way among the buttons
    detail_question: str  # the domain response asking for the person's account
    account_pattern: re.Pattern[str]  # what an account looks like; group 1 is the account
    account_prefix: str  # put before the account when it is stored and shown

    def read_account(self, text: str) -> str | None:
        """The account in what the person typed, as stored and shown; None if it is not one."""
        match = self.account_pattern.fullmatch(text.strip())
        return None if match is None else self.account_prefix + match.group(1)


@dataclass(frozen=True)
class Link:
    """A link that opens the channel from elsewhere (the web chat page, a poster); its words
    are the catalogue's, under `web.channels.<name>` (continue, elsewhere, find_us,
    account_shown)."""

    account_setting: str  # the setting that holds the account the link opens
    account_pattern: re.Pattern[str]
    url: str  # with {account}
    campaign_url: str  # with {account} and {campaign}


@dataclass(frozen=True)
class Process:
    """The front end runs as its own process under `make run` when `needs_setting` is set."""

    part: str
    module: str
    needs_setting: str


@dataclass(frozen=True)
class Channel:
    name: str
    label: str
    sender_prefix: str
    delivers_later: bool  # can reach the person after the conversation, in the chat
    contact_method: ContactMethod | None = None
    link: Link | None = None
    process: Process | None = None

    def __repr__(self) -> str:
        return f"Channel(name={self.name!r})"


def load_channels(path: Path = CHANNELS_FILE) -> tuple[Channel, ...]:
    """Read the registry; raise ChannelsInvalid when an entry lacks what the core needs."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get("channels") or {}
    if not isinstance(entries, dict) or not entries:
        raise ChannelsInvalid(f"{path} lists no channels")
    return tuple(_channel(str(name), entry or {}, path) for name, entry in entries.items())


def _channel(name: str, entry: dict[str, Any], path: Path) -> Channel:
    try:
        return Channel(
            name=name, label=str(entry["label"]), sender_prefix=str(entry["sender_prefix"]),
            delivers_later=bool(entry["delivers_later"]),
            contact_method=_contact_method(entry.get("contact_method")),
            link=_link(entry.get("link")), process=_process(entry.get("process")))
    except KeyError as missing:
        raise ChannelsInvalid(f"{path}: channel {name!r} has no {missing}") from None


def _contact_method(entry: dict[str, Any] | None) -> ContactMethod | None:
    if not entry:
        return None
    return ContactMethod(
        answer=str(entry["answer"]), words=tuple(str(w).lower() for w in entry["words"]),
        methods_question=str(entry["methods_question"]),
        detail_question=str(entry["detail_question"]),
        account_pattern=re.compile(str(entry["account_pattern"])),
        account_prefix=str(entry.get("account_prefix") or ""))


def _link(entry: dict[str, Any] | None) -> Link | None:
    if not entry:
        return None
    return Link(str(entry["account_setting"]), re.compile(str(entry["account_pattern"])),
                str(entry["url"]), str(entry["campaign_url"]))


def _process(entry: dict[str, Any] | None) -> Process | None:
    if not entry:
        return None
    return Process(str(entry["part"]), str(entry["module"]), str(entry["needs_setting"]))


@lru_cache(maxsize=1)
def registered() -> tuple[Channel, ...]:
    """Every registered channel, in the order of content/channels.yml."""
    return load_channels()


def channel_named(name: object) -> Channel | None:
    """The registered channel of this name, or None."""
    return next((channel for channel in registered() if channel.name == name), None)


def is_registered(name: object) -> bool:
    return channel_named(name) is not None


def label_of(name: str) -> str:
    """What pages call the channel; an unregistered name is shown as it is."""
    found = channel_named(name)
    return found.label if found is not None else name


def contact_methods() -> tuple[ContactMethod, ...]:
    """The ways of being contacted that channels add to the forms."""
    return tuple(c.contact_method for c in registered() if c.contact_method is not None)


def contact_method_named(answer: object) -> ContactMethod | None:
    """The channel's way of being contacted that a lead or booking records as `answer`."""
    return next((m for m in contact_methods() if m.answer == answer), None)


def chat_channels() -> tuple[str, ...]:
    """The channels that can reach a person after the conversation, in their chat."""
    return tuple(channel.name for channel in registered() if channel.delivers_later)


def with_processes() -> list[Channel]:
    """The channels whose front end runs as a process of its own."""
    return [channel for channel in registered() if channel.process is not None]
