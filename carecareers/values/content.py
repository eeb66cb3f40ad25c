"""The values check's content (content/values/): the situations, the values, the kinds of
care work they point to, and where the values come from.

Careers content, not code: editors change the files and `carecareers content check` reads
them with `load_values` (which raises ValuesContentError saying what is wrong where).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

MIN_SITUATIONS, MAX_SITUATIONS = 6, 10
MIN_CHOICES, MAX_CHOICES = 2, 4
CHOICE_IDS = "abcd"
MAX_LABEL = 40  # a button's title on a phone
SITUATION_ID = re.compile(r"[a-z_]{1,14}")


class ValuesContentError(ValueError):
    """The values content is not as the check needs it; the message says where."""


@dataclass(frozen=True)
class Choice:
    id: str
    label: str
    words: tuple[str, ...]
    shows: tuple[str, ...]
    best: bool
    note: str


@dataclass(frozen=True)
class Situation:
    id: str
    title: str
    text: str
    staff_do: str
    choices: tuple[Choice, ...]

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class Value:
    key: str
    name: str
    shown: str


@dataclass(frozen=True)
class WorkPath:
    """A kind of care work the results can point to, and where its route and jobs start."""

    id: str
    name: str
    about: str
    values: tuple[str, ...]
    route_role: str  # a role code in content/careers/roles.yml: the route and the job search


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    url: str
    as_of: str


@dataclass(frozen=True)
class ValuesContent:
    as_of: date
    situations: tuple[Situation, ...]
    values: dict[str, Value]
    paths: tuple[WorkPath, ...]
    sources: tuple[Source, ...]

    def situation(self, situation_id: str) -> Situation | None:
        return next((s for s in self.situations if s.id == situation_id), None)

    def texts(self) -> list[tuple[str, str]]:
        """Every text a person reads, with where it is: for the reading-age check."""
        found: list[tuple[str, str]] = []
        for s in self.situations:
            found += [(f"situations.{s.id}.text", s.text),
                      (f"situations.{s.id}.staff_do", s.staff_do)]
            found += [(f"situations.{s.id}.{c.id}.note", c.note) for c in s.choices]
        found += [(f"values.{v.key}.shown", v.shown) for v in self.values.values()]
        found += [(f"paths.{p.id}.about", p.about) for p in self.paths]
        return found


@lru_cache(maxsize=4)
def load_values(content_dir: Path) -> ValuesContent:
    folder = content_dir / "values"
    situations_file = _read(folder / "situations.yml")
    values_file = _read(folder / "values.yml")
    sources_file = _read(folder / "sources.yml")
    sources = tuple(Source(key, _str(node, "name", f"sources.{key}"),
                           _str(node, "url", f"sources.{key}"),
                           str(node.get("as_of", "")))
                    for key, node in (sources_file.get("sources") or {}).items())
    values = {key: Value(key, _str(node, "name", f"values.{key}"),
                         _str(node, "shown", f"values.{key}"))
              for key, node in (values_file.get("values") or {}).items()}
    paths = tuple(_path(node, values) for node in values_file.get("paths") or ())
    situations = tuple(_situation(node, values)
                       for node in situations_file.get("situations") or ())
    _check_whole(situations, paths, sources, situations_file)
    as_of = situations_file.get("as_of")
    if not isinstance(as_of, date):
        raise ValuesContentError("situations.yml: as_of must be a date (YYYY-MM-DD)")
    return ValuesContent(as_of, situations, values, paths, sources)


def _read(path: Path) -> dict[str, Any]:
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValuesContentError(f"{path.name}: cannot be read ({exc})") from exc
    if not isinstance(loaded, dict):
        raise ValuesContentError(f"{path.name}: expected a mapping at the top")
    return loaded


def _str(node: Any, key: str, where: str) -> str:
    value = node.get(key) if isinstance(node, dict) else None
    if not isinstance(value, str) or not value.strip():
        raise ValuesContentError(f"{where}: '{key}' must be some text")
    return " ".join(value.split())


def _keys(node: dict[str, Any], key: str, values: dict[str, Value], where: str) -> tuple[str, ...]:
    found = tuple(str(k) for k in node.get(key) or ())
    unknown = [k for k in found if k not in values]
    if unknown:
        raise ValuesContentError(f"{where}: unknown value {', '.join(unknown)} in '{key}'")
    return found


def _path(node: dict[str, Any], values: dict[str, Value]) -> WorkPath:
    where = f"paths.{node.get('id')}"
    return WorkPath(_str(node, "id", where), _str(node, "name", where), _str(node, "about", where),
                 _keys(node, "values", values, where), _str(node, "route_role", where))


def _situation(node: dict[str, Any], values: dict[str, Value]) -> Situation:
    where = f"situations.{node.get('id')}"
    situation_id = _str(node, "id", where)
    if not SITUATION_ID.fullmatch(situation_id):
        raise ValuesContentError(f"{where}: an id is 1-14 lower-case letters or '_'")
    choices = tuple(_choice(c, values, where) for c in node.get("choices") or ())
    if not MIN_CHOICES <= len(choices) <= MAX_CHOICES:
        raise ValuesContentError(
            f"{where}: {MIN_CHOICES} to {MAX_CHOICES} choices, not {len(choices)}")
    if [c.id for c in choices] != list(CHOICE_IDS[:len(choices)]):
        raise ValuesContentError(f"{where}: choice ids go a, b, c, d in order")
    if sum(c.best for c in choices) != 1:
        raise ValuesContentError(f"{where}: exactly one choice is 'best: true'")
    return Situation(situation_id, _str(node, "title", where), _str(node, "text", where),
                     _str(node, "staff_do", where), choices)


def _choice(node: dict[str, Any], values: dict[str, Value], where: str) -> Choice:
    where = f"{where}.{node.get('id')}"
    label = _str(node, "label", where)
    if len(label) > MAX_LABEL:
        raise ValuesContentError(f"{where}: a label is at most {MAX_LABEL} characters")
    return Choice(_str(node, "id", where), label,
                  tuple(str(w).lower() for w in node.get("words") or ()),
                  _keys(node, "shows", values, where), bool(node.get("best")),
                  _str(node, "note", where))


def _check_whole(situations: tuple[Situation, ...], paths: tuple[WorkPath, ...],
                 sources: tuple[Source, ...], situations_file: dict[str, Any]) -> None:
    if not MIN_SITUATIONS <= len(situations) <= MAX_SITUATIONS:
        raise ValuesContentError(f"situations.yml: {MIN_SITUATIONS} to {MAX_SITUATIONS} "
                                 f"situations, not {len(situations)}")
    ids = [s.id for s in situations]
    if len(set(ids)) != len(ids):
        raise ValuesContentError("situations.yml: two situations share an id")
    if not paths:
        raise ValuesContentError("values.yml: no paths")
    known = {s.key for s in sources}
    missing = [k for k in situations_file.get("sources") or () if k not in known]
    if not known or missing:
        raise ValuesContentError(f"situations.yml: sources not in sources.yml: {missing}")
