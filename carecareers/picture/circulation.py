"""Whether a network with lower and upper bounds on its edges has a circulation.

The small-number rule's audit (suppression.py) asks it whether a hidden count could have
another value, given every figure that is published: a table of counts with its totals is
a circulation (source to each row, row to column, column to sink, sink back to source), so
the question is one maximum flow (Dinic's algorithm) on a few dozen nodes.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

Edge = tuple[int, int, int, int]  # from, to, lowest flow, highest flow


class _Network:
    def __init__(self, size: int) -> None:
        self.heads: list[list[int]] = [[] for _ in range(size)]
        self.to: list[int] = []
        self.room: list[int] = []

    def add(self, start: int, end: int, room: int) -> None:
        self.heads[start].append(len(self.to))
        self.to.append(end)
        self.room.append(room)
        self.heads[end].append(len(self.to))
        self.to.append(start)
        self.room.append(0)

    def max_flow(self, source: int, sink: int) -> int:
        flow = 0
        while (levels := self._levels(source, sink)) is not None:
            nexts = [0] * len(self.heads)
            while pushed := self._push(source, sink, 1 << 62, levels, nexts):
                flow += pushed
        return flow

    def _levels(self, source: int, sink: int) -> list[int] | None:
        levels = [-1] * len(self.heads)
        levels[source] = 0
        todo = deque([source])
        while todo:
            node = todo.popleft()
            for edge in self.heads[node]:
                if self.room[edge] and levels[self.to[edge]] < 0:
                    levels[self.to[edge]] = levels[node] + 1
                    todo.append(self.to[edge])
        return levels if levels[sink] >= 0 else None

    def _push(self, node: int, sink: int, most: int, levels: list[int],
              nexts: list[int]) -> int:
        if node == sink:
            return most
        edges = self.heads[node]
        while nexts[node] < len(edges):
            edge = edges[nexts[node]]
            end = self.to[edge]
            if self.room[edge] and levels[end] == levels[node] + 1:
                pushed = self._push(end, sink, min(most, self.room[edge]), levels, nexts)
                if pushed:
                    self.room[edge] -= pushed
                    self.room[edge ^ 1] += pushed
                    return pushed
            nexts[node] += 1
        return 0


def has_circulation(size: int, edges: Iterable[Edge]) -> bool:
    """Whether flows within every edge's bounds can balance at every node (nodes 0..size-1)."""
    network = _Network(size + 2)
    source, sink = size, size + 1
    excess = [0] * size
    for start, end, lowest, highest in edges:
        if highest < lowest:
            return False
        network.add(start, end, highest - lowest)
        excess[end] += lowest
        excess[start] -= lowest
    needed = 0
    for node, amount in enumerate(excess):
        if amount > 0:
            network.add(source, node, amount)
            needed += amount
        elif amount < 0:
            network.add(node, sink, -amount)
    return network.max_flow(source, sink) == needed
