"""The consent question as the person saw it: its version, its words, the channels it covers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ConsentWording:
    version: str
    text: str
    channels: tuple[str, ...]
