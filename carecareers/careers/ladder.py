"""The career ladder: the steps from where someone is now to the role they want."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date
from itertools import count

from carecareers import catalogue
from carecareers.careers.errors import NoRoute, UnknownRole
from carecareers.careers.records import CareersContent, Role, Source, StartingPoint
from carecareers.careers.roles import best_match, get_role, normalise, role_phrases


@dataclass(frozen=True)
class Step:
    """One move up the ladder: the role you get to, how, at what level, for how long."""

    role: Role | StartingPoint
    how: str
    level: int | None
    months: int | None
    as_of: date | None
    source: Source | None


@dataclass(frozen=True)
class Route:
    start: str
    start_name: str
    target: Role
    steps: tuple[Step, ...]

    @property
    def months(self) -> int | None:
        """The typical total time, when every step has one."""
        months = [step.months for step in self.steps]
        if not months or None in months:
            return None
        return sum(m for m in months if m is not None)


def find_start(content: CareersContent, text: str) -> tuple[str, str]:
    """Return the code and name of the role or starting point in `text`, or raise `UnknownRole`."""
    found = (
        content.starting_point(text)
        or content.role(text)
        or best_match(text, _start_phrases(content))
    )
    if found is None:
        raise UnknownRole(text)
    return found.code, found.name


def _start_phrases(
    content: CareersContent,
) -> list[tuple[Role | StartingPoint, list[str]]]:
    phrases: list[tuple[Role | StartingPoint, list[str]]]
    phrases = [(role, role_phrases(role)) for role in content.roles]
    phrases += [
        (point, [normalise(word) for word in (point.code, point.name, *point.aliases)])
        for point in content.starting_points
    ]
    return phrases


def next_codes(content: CareersContent, code: str) -> tuple[str, ...]:
    node = content.role(code) or content.starting_point(code)
    return node.next if node is not None else ()


def step_to(content: CareersContent, start: str, target: str, age: int | None = None) -> Step:
    """Describe the step from `start` to `target` for someone of `age`.

    The step comes from ladder.yml, or else from the target role's training.
    """
    point = content.starting_point(target)
    role = point if point is not None else get_role(content, target)
    detail = content.step_detail(start, role.code, age)
    if detail is not None:
        return Step(role, detail.how, detail.level, detail.months, detail.as_of, detail.source)
    if isinstance(role, StartingPoint):
        return Step(role, role.name, None, None, None, None)
    training = role.apprenticeship
    if training is None:
        return Step(role, role.entry[0] if role.entry else role.name, None, None, None, None)
    if "apprenticeship" in training.standard.lower():
        how = catalogue.text("careers.pieces.named_apprenticeship", level=training.level,
                             standard=training.standard)
    else:
        how = catalogue.text("careers.pieces.apprenticeship", level=training.level,
                             standard=training.standard)
    return Step(role, how, training.level, training.months, training.as_of, training.source)


def next_steps(content: CareersContent, role: str) -> tuple[Step, ...]:
    """List the steps up from `role` (a code or words)."""
    found = get_role(content, role)
    return tuple(step_to(content, found.code, code) for code in found.next)


def plan_route(
    content: CareersContent, start: str, target_role: str, age: int | None = None
) -> Route:
    """Plan the route from `start` (a role or starting point) to `target_role`.

    The route has the fewest steps; among those, the shortest known typical time.
    Raise `UnknownRole` for words that name nothing, `NoRoute` when the ladder has no path.
    """
    start_code, start_name = find_start(content, start)
    target = get_role(content, target_role)
    path = shortest_path(content, start_code, target.code, age)
    if path is None:
        raise NoRoute(start_code, target.code)
    steps = tuple(step_to(content, a, b, age) for a, b in zip(path, path[1:], strict=False))
    return Route(start_code, start_name, target, steps)


def earn_while_you_learn(content: CareersContent, route: Route, age: int | None = None
                         ) -> Route | None:
    """A route that starts with a job, when `route` starts by studying for a qualification."""
    if not route.steps or not isinstance(route.steps[0].role, StartingPoint):
        return None
    studies = {point.code for point in content.starting_points}
    path = shortest_path(content, route.start, route.target.code, age, avoid=studies)
    if path is None:
        return None
    steps = tuple(step_to(content, a, b, age) for a, b in zip(path, path[1:], strict=False))
    return Route(route.start, route.start_name, route.target, steps)


def shortest_path(
    content: CareersContent,
    start: str,
    target: str,
    age: int | None = None,
    avoid: set[str] | frozenset[str] = frozenset(),
) -> list[str] | None:
    """Search the ladder for the path with the fewest steps, then the fewest known months."""
    tie = count()
    queue: list[tuple[int, int, int, str, list[str]]] = [(0, 0, next(tie), start, [start])]
    visited: set[str] = set()
    while queue:
        steps, months, _, code, path = heapq.heappop(queue)
        if code == target:
            return path
        if code in visited:
            continue
        visited.add(code)
        for following in next_codes(content, code):
            if following in avoid:
                continue
            extra = step_to(content, code, following, age).months or 0
            entry = (steps + 1, months + extra, next(tie), following, [*path, following])
            heapq.heappush(queue, entry)
    return None
