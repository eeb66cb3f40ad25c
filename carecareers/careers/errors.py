"""The business errors of the careers content, for the edge to turn into replies."""

from __future__ import annotations

from datetime import date


class CareersError(Exception):
    """Base class of the careers errors."""


class ContentError(CareersError):
    """A content file is missing, unreadable or inconsistent; the message names file and field."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        super().__init__(f"{file}: {field}: {problem}")
        self.file = file
        self.field = field
        self.problem = problem


class UnknownRole(CareersError):
    """No role (or starting point) matches what the person said."""

    def __init__(self, value: str) -> None:
        super().__init__(f"unknown role or starting point: {value!r}")
        self.value = value


class NoRoute(CareersError):
    """The ladder has no path from the starting point to the target role."""

    def __init__(self, start: str, target: str) -> None:
        super().__init__(f"no route from {start!r} to {target!r}")
        self.start = start
        self.target = target


class NoPayRate(CareersError):
    """No pay table is in force on the date asked about."""

    def __init__(self, table: str, on: date) -> None:
        super().__init__(f"no {table} rates in force on {on.isoformat()}")
        self.table = table
        self.on = on
