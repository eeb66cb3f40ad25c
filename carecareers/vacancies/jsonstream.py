"""Read the entries of a large JSON document one at a time, without loading it whole.

Feeds are shaped `{"meta": ..., "results": [ {...}, {...} ], ...}` or `[ {...}, ... ]`.
`JsonArrayReader` walks the top level itself and hands each array element to
`json.JSONDecoder.raw_decode`, reading more of the file only while an element is
incomplete (the read size doubles, so a large element costs linear time). Scalars and
small values beside the array are kept in `meta`.

A truncated or malformed document raises `FeedError` with the character offset.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from carecareers.vacancies.errors import FeedError

CHUNK_CHARS = 1 << 16
_WHITESPACE = " \t\n\r"


class JsonArrayReader:
    """Iterate the elements of one array in a JSON document read from a text stream."""

    def __init__(self, handle: TextIO, array_keys: tuple[str, ...], *, what: str = "feed",
                 chunk_chars: int = CHUNK_CHARS) -> None:
        self.meta: dict[str, Any] = {}
        self.found_key: str | None = None
        self._handle = handle
        self._array_keys = array_keys
        self._what = what
        self._chunk = chunk_chars
        self._decoder = json.JSONDecoder()
        self._buf = ""
        self._pos = 0
        self._offset = 0  # characters dropped from the front of the buffer
        self._eof = False

    def __iter__(self) -> Iterator[Any]:
        first = self._peek()
        if first == "[":
            self.found_key = ""
            yield from self._array()
        elif first == "{":
            yield from self._object()
        elif first == "":
            raise FeedError(f"{self._what} is empty")
        else:
            raise FeedError(f"{self._what} is not JSON (it starts with {first!r})")
        if self._peek() != "":
            self._malformed("unexpected text after the end of the document")

    def _object(self) -> Iterator[Any]:
        self._take("{")
        if self._peek() == "}":
            self._take("}")
            return
        while True:
            key = self._value()
            if not isinstance(key, str):
                self._malformed("expected a property name")
            self._take(":")
            if key in self._array_keys and self.found_key is None and self._peek() == "[":
                self.found_key = key
                yield from self._array()
            else:
                self.meta[key] = self._value()
            if not self._separator("}"):
                return

    def _array(self) -> Iterator[Any]:
        self._take("[")
        if self._peek() == "]":
            self._take("]")
            return
        while True:
            yield self._value()
            if not self._separator("]"):
                return

    def _separator(self, closer: str) -> bool:
        """Consume "," (True: more follows) or the closer (False)."""
        char = self._peek()
        if char == ",":
            self._take(",")
            return True
        if char == closer:
            self._take(closer)
            return False
        if char == "":
            self._truncated()
        self._malformed(f"expected ',' or {closer!r}")
        return False  # pragma: no cover - _malformed raises

    def _value(self) -> Any:
        self._peek()
        read_size = self._chunk
        while True:
            try:
                value, end = self._decoder.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof:
                    self._decode_failed(exc)
                self._read(read_size)
                read_size *= 2
                continue
            if end == len(self._buf) and not self._eof and self._buf[self._pos] not in '{["':
                self._read(read_size)  # a number or literal may continue in the next chunk
                continue
            self._pos = end
            return value

    def _peek(self) -> str:
        while True:
            while self._pos < len(self._buf) and self._buf[self._pos] in _WHITESPACE:
                self._pos += 1
            if self._pos < len(self._buf):
                return self._buf[self._pos]
            if self._eof:
                return ""
            self._read(self._chunk)

    def _take(self, char: str) -> None:
        found = self._peek()
        if found == char:
            self._pos += 1
            return
        if found == "":
            self._truncated()
        self._malformed(f"expected {char!r}")

    def _read(self, size: int) -> None:
        if self._pos:
            self._offset += self._pos
            self._buf = self._buf[self._pos:]
            self._pos = 0
        try:
            chunk = self._handle.read(size)
        except UnicodeDecodeError as exc:
            raise FeedError(f"{self._what} is not UTF-8 text ({exc.reason})") from None
        if chunk:
            self._buf += chunk
        else:
            self._eof = True

    def _decode_failed(self, exc: json.JSONDecodeError) -> None:
        near_end = exc.pos >= len(self._buf) - 1 or exc.msg.startswith("Unterminated")
        if near_end:
            self._truncated()
        self._malformed(exc.msg, self._offset + exc.pos)

    def _truncated(self) -> None:
        raise FeedError(
            f"{self._what} is truncated: the JSON ends at character "
            f"{self._offset + len(self._buf)} before the document is complete"
        )

    def _malformed(self, problem: str, at: int | None = None) -> None:
        position = self._offset + self._pos if at is None else at
        raise FeedError(f"{self._what} is not valid JSON: {problem} at character {position}")
