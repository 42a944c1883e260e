"""Where each node of a computation graph is drawn: a layered layout, inputs left, output right.

Every picture of a graph uses this one layout (matplotlib files, the web page), so they
agree node for node. It is the classic layered (Sugiyama) scheme, small enough to need no
library and no Graphviz binary:

1. layers: an operation sits one layer right of its last input (the forward pass's
   depth); a leaf sits just left of its first use, so a constant is drawn beside its
   operation rather than far away at the left;
2. an edge that spans several layers passes through a waypoint in each layer between,
   so it is routed around the nodes instead of through them;
3. the order within each layer is improved by barycentres (a node moves to the mean
   position of its neighbours), sweeping right and left, keeping the order with the
   fewest crossings;
4. rows: each node as near the mean of its neighbours as a gap of one row allows (an
   isotonic fit per layer), so a chain of operations is drawn straight.

Past ``LIMIT`` nodes a picture is simplified: the constants are folded into the
operations that use them (their definitions still show them), then only the nodes
nearest the output are kept (the highlighted path first), and ``note`` says so.

Example:
    >>> from gradwise.calculus.graph import graph
    >>> g = graph("(1 - w)^2", at="w=3")
    >>> layout = lay_out(g)
    >>> [layout.layer[n.id] for n in g.nodes], layout.note
    ([0, 0, 1, 1, 2], '')
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Layout", "lay_out", "LIMIT"]

LIMIT = 60
"""The most nodes a picture shows before it is simplified."""

SWEEPS = 6


@dataclass(frozen=True)
class Layout:
    """Positions: a node's layer (x) and row (y), and the waypoints of long edges.

    Attributes:
        layer: node id -> layer, 0 at the left; only the nodes shown.
        row: node id -> row (rows are one unit apart within a layer; may be fractional).
        routes: (input id, node id, input position) -> the rows an edge passes through in
            the layers between its ends (empty for neighbouring layers).
        note: why the picture is simplified, or ``""``.
    """

    layer: dict[int, int]
    row: dict[int, float]
    routes: dict[tuple[int, int, int], list[float]] = field(default_factory=dict)
    note: str = ""

    @property
    def layers(self) -> int:
        return max(self.layer.values(), default=-1) + 1

    def edges(self) -> list[tuple[int, int, int]]:
        """(input id, node id, input position) of every edge drawn."""
        return list(self.routes)


def lay_out(graph: Any, highlight: str | None = None, limit: int = LIMIT) -> Layout:
    """The layout of ``graph``'s picture, simplified past ``limit`` nodes."""
    shown, note = _choose(graph, highlight, limit)
    inputs = {i: [(j, k) for k, j in enumerate(graph.nodes[i].inputs) if j in shown]
              for i in shown}
    layer = _layers(sorted(shown), inputs)
    slots, chains = _slots(sorted(shown), inputs, layer)
    order = _order(slots, chains)
    row = _rows(order, chains)
    routes = {(j, i, k): [row[w] for w in chains[(j, i, k)][1:-1]]
              for i in shown for j, k in inputs[i]}
    return Layout({i: layer[i] for i in shown}, {i: row[i] for i in shown}, routes, note)


def _choose(graph: Any, highlight: str | None, limit: int) -> tuple[set[int], str]:
    nodes = graph.nodes
    if len(nodes) <= limit:
        return {n.id for n in nodes}, ""
    kept = [n.id for n in nodes if n.op != "constant"]
    if len(kept) <= limit:
        return set(kept), (f"simplified: the {len(nodes) - len(kept)} constants are shown "
                           "inside the operations that use them")
    first = graph.path(highlight) if highlight else frozenset()
    distance = _distances(graph)
    ranked = sorted(kept, key=lambda i: (i not in first, distance[i], -i))
    shown = set(ranked[:limit])
    return shown, (f"simplified: {len(shown)} of the {len(nodes)} nodes are shown, those "
                   "nearest the output; the table and --json have every node")


def _distances(graph: Any) -> dict[int, int]:
    """Edges from each node to the output (the longest way, so a layer is kept whole)."""
    distance = {graph.output.id: 0}
    for node in reversed(graph.nodes):
        for j in node.inputs:
            distance[j] = max(distance.get(j, 0), distance.get(node.id, 10**9) + 1)
    return {n.id: distance.get(n.id, 10**9) for n in graph.nodes}


def _layers(ids: list[int], inputs: dict[int, list[tuple[int, int]]]) -> dict[int, int]:
    layer: dict[int, int] = {}
    for i in ids:  # ids are in forward order: inputs first
        layer[i] = 1 + max((layer[j] for j, _ in inputs[i]), default=-1)
    parents: dict[int, list[int]] = {i: [] for i in ids}
    for i in ids:
        for j, _ in inputs[i]:
            parents[j].append(i)
    for i in ids:
        if not inputs[i] and parents[i]:  # a leaf, just left of its first use
            layer[i] = min(layer[p] for p in parents[i]) - 1
    return layer


def _slots(ids: list[int], inputs: dict[int, list[tuple[int, int]]], layer: dict[int, int]
           ) -> tuple[list[list[Any]], dict[tuple[int, int, int], list[Any]]]:
    """Each layer's slots (nodes, and waypoints of long edges), and each edge's chain."""
    slots: list[list[Any]] = [[] for _ in range(max(layer.values(), default=0) + 1)]
    for i in ids:
        slots[layer[i]].append(i)
    chains = {}
    for i in ids:
        for j, k in inputs[i]:
            waypoints = [("via", j, i, k, level) for level in range(layer[j] + 1, layer[i])]
            for point in waypoints:
                slots[point[4]].append(point)
            chains[(j, i, k)] = [j, *waypoints, i]
    return slots, chains


def _neighbours(chains: dict[tuple[int, int, int], list[Any]]) -> tuple[dict, dict]:
    left: dict[Any, list[Any]] = {}
    right: dict[Any, list[Any]] = {}
    for chain in chains.values():
        for a, b in zip(chain, chain[1:]):
            right.setdefault(a, []).append(b)
            left.setdefault(b, []).append(a)
    return left, right


def _order(slots: list[list[Any]], chains: dict) -> list[list[Any]]:
    left, right = _neighbours(chains)
    best, best_crossings = [list(s) for s in slots], _crossings(slots, right)
    current = [list(s) for s in slots]
    for sweep in range(SWEEPS):
        forward = sweep % 2 == 0
        levels = range(1, len(current)) if forward else range(len(current) - 2, -1, -1)
        for level in levels:
            beside = current[level - 1] if forward else current[level + 1]
            position = {s: p for p, s in enumerate(beside)}
            links = left if forward else right
            current[level] = _by_barycentre(current[level], links, position)
        crossings = _crossings(current, right)
        if crossings < best_crossings:
            best, best_crossings = [list(s) for s in current], crossings
    return best


def _by_barycentre(slots: list[Any], links: dict, position: dict) -> list[Any]:
    def key(item: tuple[int, Any]) -> float:
        p, slot = item
        near = [position[n] for n in links.get(slot, []) if n in position]
        return sum(near) / len(near) if near else float(p)

    return [slot for _, slot in sorted(enumerate(slots), key=key)]


def _crossings(slots: list[list[Any]], right: dict) -> int:
    total = 0
    for level in range(len(slots) - 1):
        position = {s: p for p, s in enumerate(slots[level + 1])}
        pairs = [(a, position[b]) for a, slot in enumerate(slots[level])
                 for b in right.get(slot, []) if b in position]
        total += sum(1 for x, (a1, b1) in enumerate(pairs) for a2, b2 in pairs[x + 1:]
                     if (a1 - a2) * (b1 - b2) < 0)
    return total


def _rows(order: list[list[Any]], chains: dict) -> dict[Any, float]:
    left, right = _neighbours(chains)
    row = {s: p - (len(slots) - 1) / 2 for slots in order for p, s in enumerate(slots)}
    for sweep in range(SWEEPS):
        links = left if sweep % 2 == 0 else right
        levels = order[1:] if sweep % 2 == 0 else order[-2::-1]
        for slots in levels:
            wanted = [_mean([row[n] for n in links.get(s, [])], row[s]) for s in slots]
            row.update(zip(slots, _spaced(wanted)))
    low = min(row.values(), default=0.0)
    return {s: y - low for s, y in row.items()}


def _mean(values: Iterable[float], default: float) -> float:
    values = list(values)
    return sum(values) / len(values) if values else default


def _spaced(wanted: list[float]) -> list[float]:
    """Rows as near ``wanted`` as possible, in order, at least one apart (isotonic fit)."""
    blocks: list[list[float]] = []  # [sum, count] of z = y − index, kept non-decreasing
    for index, target in enumerate(wanted):
        blocks.append([target - index, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            total, count = blocks.pop()
            blocks[-1][0] += total
            blocks[-1][1] += count
    result: list[float] = []
    for total, count in blocks:
        result += [total / count] * int(count)
    return [z + index for index, z in enumerate(result)]
