"""Maximum flow (Dinic's algorithm) on integer capacities, resumable after raising capacities.

Small and dependency-free: the planning bounds need a few thousand nodes, where a pure-Python Dinic runs in
tens of milliseconds. Depth-first search is iterative, so no recursion limit applies.
"""

from __future__ import annotations

from collections import deque


class FlowNetwork:
    """A directed network; edges come in (forward, backward) pairs, edge e's twin is e ^ 1."""

    def __init__(self, nodes: int) -> None:
        self.adjacent: list[list[int]] = [[] for _ in range(nodes)]
        self.head: list[int] = []
        self.residual: list[int] = []
        self.flow = 0

    def add_node(self) -> int:
        """A new node's number."""
        self.adjacent.append([])
        return len(self.adjacent) - 1

    def add_edge(self, tail: int, head: int, capacity: int) -> int:
        """An edge tail -> head; returns its number, for `raise_capacity` and `flow_on`."""
        e = len(self.head)
        self.head.extend((head, tail))
        self.residual.extend((capacity, 0))
        self.adjacent[tail].append(e)
        self.adjacent[head].append(e + 1)
        return e

    def raise_capacity(self, edge: int, capacity: int) -> None:
        """Raise an edge's capacity to `capacity`; the current flow stays valid and `max_flow` resumes."""
        used = self.residual[edge ^ 1]
        if capacity < used:
            raise ValueError("capacity below the flow already on the edge")
        self.residual[edge] = capacity - used

    def flow_on(self, edge: int) -> int:
        """Flow currently on an edge."""
        return self.residual[edge ^ 1]

    def max_flow(self, source: int, sink: int) -> int:
        """Augment to a maximum flow from `source` to `sink` and return its total value."""
        while True:
            level = self._levels(source, sink)
            if level[sink] < 0:
                return self.flow
            self.flow += self._blocking_flow(source, sink, level)

    def _levels(self, source: int, sink: int) -> list[int]:
        level = [-1] * len(self.adjacent)
        level[source] = 0
        queue = deque([source])
        while queue:
            v = queue.popleft()
            for e in self.adjacent[v]:
                w = self.head[e]
                if self.residual[e] > 0 and level[w] < 0:
                    level[w] = level[v] + 1
                    queue.append(w)
        return level

    def _blocking_flow(self, source: int, sink: int, level: list[int]) -> int:
        pointer = [0] * len(self.adjacent)
        path: list[int] = []
        pushed = 0
        v = source
        while True:
            if v == sink:
                amount = min(self.residual[e] for e in path)
                for e in path:
                    self.residual[e] -= amount
                    self.residual[e ^ 1] += amount
                pushed += amount
                path.clear()
                v = source
                continue
            edges = self.adjacent[v]
            i = pointer[v]
            while i < len(edges):
                e = edges[i]
                if self.residual[e] > 0 and level[self.head[e]] == level[v] + 1:
                    break
                i += 1
            pointer[v] = i
            if i < len(edges):
                path.append(edges[i])
                v = self.head[edges[i]]
                continue
            # Dead end: no augmenting path goes through v in this phase any more.
            if v == source:
                return pushed
            level[v] = -1
            e = path.pop()
            v = self.head[e ^ 1]
            pointer[v] += 1
