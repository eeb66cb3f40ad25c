"""Typed reading of one YAML mapping, with the file and field named in every error."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from carecareers.careers.errors import ContentError
from carecareers.careers.records import MonthDay, Source

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def read_yaml(content_dir: Path, relative: str) -> Node:
    """Read one content file into a `Node`, failing clearly when it is missing or malformed."""
    path = content_dir / relative
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ContentError(relative, "(file)", f"not found in {content_dir}") from None
    except yaml.YAMLError as exc:
        raise ContentError(relative, "(file)", f"not valid YAML: {exc}") from None
    if not isinstance(data, Mapping):
        raise ContentError(relative, "(file)", "must be a mapping of keys to values")
    return Node(relative, "", data)


@dataclass(frozen=True)
class Node:
    """A mapping inside a content file and where it sits, for error messages."""

    file: str
    path: str
    data: Mapping[str, Any]

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, problem: str) -> ContentError:
        return ContentError(self.file, self.at(key), problem)

    def value(self, key: str) -> Any:
        if self.data.get(key) is None:
            raise self.error(key, "is required")
        return self.data[key]

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def text(self, key: str) -> str:
        value = self.value(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(key, "must be some text")
        return value.strip()

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if self.has(key) else None

    def choice(self, key: str, options: Iterable[str]) -> str:
        value = self.text(key)
        allowed = tuple(options)
        if value not in allowed:
            raise self.error(key, f"{value!r} is not one of {', '.join(allowed)}")
        return value

    def integer(self, key: str) -> int:
        value = self.value(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.error(key, "must be a whole number, 0 or more")
        return value

    def optional_integer(self, key: str) -> int | None:
        return self.integer(key) if self.has(key) else None

    def flag(self, key: str) -> bool:
        value = self.value(key)
        if not isinstance(value, bool):
            raise self.error(key, "must be true or false")
        return value

    def money(self, key: str) -> Decimal:
        value = self.value(key)
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise self.error(key, f"{value!r} is not an amount of money") from None
        if isinstance(value, bool) or amount <= 0:
            raise self.error(key, "must be an amount above 0")
        return amount

    def month(self, key: str) -> date:
        """Read a date (2025-04-01) or a month (2025-04, taken as its first day)."""
        value = self.value(key)
        if isinstance(value, date):
            return value
        if isinstance(value, str) and DAY.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                raise self.error(key, f"{value!r} is not a day of the calendar") from None
        match = MONTH.match(str(value))
        if not match:
            raise self.error(key, f"{value!r} is not a date (YYYY-MM-DD) or month (YYYY-MM)")
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise self.error(key, f"{value!r} has no month {month}")
        return date(year, month, 1)

    def month_day(self, key: str) -> MonthDay:
        """Read a day of every year, written MM-DD (04-01 is 1 April)."""
        value = str(self.value(key))
        match = MONTH_DAY.match(value)
        try:
            if match is None:
                raise ValueError(value)
            date(2001, int(match[1]), int(match[2]))  # not a leap year: no 02-29
        except ValueError:
            raise self.error(key, f"{value!r} is not a day of the year (MM-DD)") from None
        return MonthDay(int(match[1]), int(match[2]))

    def texts(self, key: str) -> tuple[str, ...]:
        values = self._list(key)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise self.error(key, "must be a list of text")
        return tuple(v.strip() for v in values)

    def integers(self, key: str) -> tuple[int, ...]:
        values = self._list(key)
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise self.error(key, "must be a list of whole numbers")
        return tuple(values)

    def child(self, key: str) -> Node:
        value = self.value(key)
        if not isinstance(value, Mapping):
            raise self.error(key, "must be a mapping of keys to values")
        return Node(self.file, self.at(key), value)

    def items(self) -> list[tuple[str, Node]]:
        """Each key of this mapping with its value, which must be a mapping too."""
        return [(str(key), self.child(str(key))) for key in self.data]

    def optional_child(self, key: str) -> Node | None:
        return self.child(key) if self.has(key) else None

    def children(self, key: str) -> list[Node]:
        values = self._list(key)
        if not all(isinstance(v, Mapping) for v in values):
            raise self.error(key, "must be a list of mappings")
        return [Node(self.file, f"{self.at(key)}[{i}]", v) for i, v in enumerate(values)]

    def source(self, key: str, sources: Mapping[str, Source]) -> Source:
        code = self.text(key)
        if code not in sources:
            raise self.error(key, f"unknown source {code!r}; add it to careers/sources.yml")
        return sources[code]

    def optional_source(self, key: str, sources: Mapping[str, Source]) -> Source | None:
        return self.source(key, sources) if self.has(key) else None

    def _list(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None and key in self.data:
            return []
        value = self.value(key)
        if not isinstance(value, list):
            raise self.error(key, "must be a list")
        return value
