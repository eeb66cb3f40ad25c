"""Count the imports that break the layers, and the import cycles, from pyproject's contracts.

    PYTHONPATH=$PWD .venv/bin/python scripts/import_counts.py [--list]

- upward imports: direct imports (importing module, imported module) from a layer to one
  above it, or between two parts of a layer that must stay apart (topics, adapters), by the
  layers in `[tool.importlinter]` (the core's layers, with web, bot and actions on top);
- package cycles: pairs of sibling packages that import each other directly, each counting
  the imports of everything inside it, and the groups of siblings caught in a cycle of any
  length;
- module cycles: pairs of modules (files) that import each other, directly or through other
  modules of the same package, and the groups of modules caught in a cycle;
- and how many imports `lint-imports` would have to remove to break every cycle.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

import grimp
import tomli

ADAPTERS = ("web", "bot", "actions")


def contracts(pyproject: Path) -> tuple[list[str], list[dict]]:
    config = tomli.loads(pyproject.read_text())["tool"]["importlinter"]
    return list(config["root_packages"]), list(config["contracts"])


def layer_parts(contract: dict) -> list[tuple[list[str], bool]]:
    """Each layer's module names (the container added) and whether its parts stay apart."""
    container = contract["containers"][0]
    layers = [([f"{p}" for p in ADAPTERS], True)]
    for raw in contract["layers"]:
        apart = ":" not in raw
        names = [name.strip().strip("()") for name in raw.replace(":", "|").split("|")]
        layers.append(([f"{container}.{name}" for name in names], apart))
    return layers


def place_of(module: str, layers: list[tuple[list[str], bool]]) -> tuple[int, str] | None:
    for index, (parts, _) in enumerate(layers):
        for part in parts:
            if module == part or module.startswith(part + "."):
                return index, part
    return None


def upward_imports(graph: grimp.ImportGraph,
                   layers: list[tuple[list[str], bool]]) -> list[tuple[str, str]]:
    found = []
    for importer in sorted(graph.modules):
        low = place_of(importer, layers)
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            high = place_of(imported, layers)
            if low is None or high is None or low[1] == high[1]:
                continue
            sideways = low[0] == high[0] and layers[low[0]][1]
            if high[0] < low[0] or sideways:
                found.append((importer, imported))
    return found


def packages(graph: grimp.ImportGraph, roots: Iterable[str]) -> list[str]:
    return sorted(m for m in graph.modules if graph.find_children(m)) + \
        [r for r in roots if not graph.find_children(r)]


def _reaches(graph: grimp.ImportGraph, a: str, b: str, within: set[str]) -> bool:
    """Whether module `a` imports `b`, directly or through modules in `within`."""
    seen, todo = {a}, [a]
    while todo:
        for nxt in graph.find_modules_directly_imported_by(todo.pop()):
            if nxt == b:
                return True
            if nxt in within and nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def package_cycles(graph: grimp.ImportGraph, roots: list[str]) -> list[tuple[str, str]]:
    """Sibling packages (and a package with a sibling module) that import each other."""
    found = []
    for parent in packages(graph, roots):
        children = sorted(graph.find_children(parent))
        subpackages = [c for c in children if graph.find_children(c)]
        for a, b in combinations(children, 2):
            if a not in subpackages and b not in subpackages:
                continue
            a_all = {a} | graph.find_descendants(a)
            b_all = {b} | graph.find_descendants(b)
            a_to_b = any(graph.find_modules_directly_imported_by(m) & b_all for m in a_all)
            b_to_a = any(graph.find_modules_directly_imported_by(m) & a_all for m in b_all)
            if a_to_b and b_to_a:
                found.append((a, b))
    return found


def module_cycles(graph: grimp.ImportGraph, roots: list[str]) -> list[tuple[str, str]]:
    """Sibling modules (files, not packages) each importing the other within their package."""
    found = []
    for parent in packages(graph, roots):
        inside = {parent} | graph.find_descendants(parent)
        files = sorted(c for c in graph.find_children(parent) if not graph.find_children(c))
        for a, b in combinations(files, 2):
            if _reaches(graph, a, b, inside) and _reaches(graph, b, a, inside):
                found.append((a, b))
    return found


def _strongly_connected(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Groups of two or more nodes that all reach each other (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in nodes:
        if node not in index:
            visit(node)
    return groups


def package_groups(graph: grimp.ImportGraph, roots: list[str]) -> list[list[str]]:
    """Siblings (at least one a package) that reach each other through their imports."""
    found = []
    for parent in packages(graph, roots):
        children = sorted(graph.find_children(parent))
        inside = {c: {c} | graph.find_descendants(c) for c in children}
        edges = {a: {b for b in children if b != a and any(
            graph.find_modules_directly_imported_by(m) & inside[b] for m in inside[a])}
            for a in children}
        found += [g for g in _strongly_connected(children, edges)
                  if any(graph.find_children(m) for m in g)]
    return found


def module_groups(graph: grimp.ImportGraph) -> list[list[str]]:
    """Modules that reach each other through their imports."""
    nodes = sorted(graph.modules)
    return _strongly_connected(nodes, {m: graph.find_modules_directly_imported_by(m)
                                       for m in nodes})


def cycle_breakers(graph: grimp.ImportGraph, roots: list[str]) -> int:
    return sum(len(graph.nominate_cycle_breakers(p)) for p in packages(graph, roots)
               if len(graph.find_children(p)) > 1)


def main(argv: list[str]) -> int:
    roots, found = contracts(Path(__file__).resolve().parents[1] / "pyproject.toml")
    layered = next(c for c in found if c.get("id") == "layers")
    graph = grimp.build_graph(*roots)
    layers = layer_parts(layered)
    results = {
        "upward imports": upward_imports(graph, layers),
        "package cycles": package_cycles(graph, roots),
        "module cycles": module_cycles(graph, roots),
    }
    groups = {"package cycles": package_groups(graph, roots),
              "module cycles": module_groups(graph)}
    listing = "--list" in argv
    for name, items in results.items():
        print(f"{name}: {len(items)}" + (
            f" two-way pairs; {len(groups[name])} group(s) of "
            f"{sum(map(len, groups[name]))} caught in a cycle" if name in groups else ""))
        if listing:
            arrow = " -> " if name == "upward imports" else " <-> "
            for a, b in items:
                print(f"  {a}{arrow}{b}")
            for group in groups.get(name, []):
                print(f"  cycle through: {', '.join(group)}")
    print(f"imports to remove to break every cycle: {cycle_breakers(graph, roots)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
