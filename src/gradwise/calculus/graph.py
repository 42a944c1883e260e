"""The computation graph of an expression, run forward and backward: the chain rule as a picture.

``graph(f, at=point)`` splits f into its operations (one node per +, −, ×, ÷, power and
function, one leaf per variable, parameter and constant; a subexpression used twice is one
node), then runs the two passes of reverse-mode differentiation:

- forward: each node's value from its inputs' values, exact, with a float beside it;
- backward: each node's adjoint ∂f/∂node, the sum over the edges leaving it of the
  parent's adjoint × the edge's local derivative ∂parent/∂node, starting from ∂f/∂f = 1.

The adjoints of the variables are the gradient. Nodes are numbered in a forward
(topological) order: the leaves (variables, then parameters), then each operation after
its inputs, the output last. Operations are named v₁, v₂, ... and the output by the
function's name, unless ``names`` says otherwise (the notes' z = w·x + b and ŷ = σ(z)).

Example:
    >>> g = graph("C(w, b) = (y - sigmoid(w x + b))^2", at="x=1, y=1, b=0, w=3",
    ...           names={"z": "w x + b", "ŷ": "sigmoid(z)"})
    >>> print(g.chain_rule("z"))
    ∂C/∂z = ∂C/∂ŷ · ∂ŷ/∂z = −2(1 − σ(3)) · σ(3)(1 − σ(3)) = −2σ(3)(1 − σ(3))² ≈ −0.00428509
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import sympy

from gradwise.calculus import _graph_ops as ops
from gradwise.calculus import graph_text
from gradwise.calculus._graph_build import SUBSCRIPTS, Builder, Entry, name_map, node_names
from gradwise.calculus.gradients import PointLike, as_expression, resolve_point
from gradwise.errors import DomainError, InputError, problem
from gradwise.language.expressions import Expression

__all__ = ["Graph", "Node", "graph"]

_BAD = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


@dataclass(frozen=True)
class Node:
    """One node of the graph, with what the two passes found there.

    Attributes:
        id: its place in the forward order (inputs have smaller ids).
        op: ``"variable"``, ``"parameter"``, ``"constant"``, or the operation: ``"+"``,
            ``"−"``, ``"×"``, ``"÷"``, ``"^"``, ``"sqrt"``, ``"exp"``, ``"σ"``, ``"sin"``, ...
        name: ``x``, ``2``, ``v₃``, or the function's name for the output.
        expr: the subexpression it computes.
        inputs: the ids of its inputs, in reading order.
        operation: how it is computed from its inputs (signs of a sum included).
        value: its exact value at the point.
        local_derivatives: ∂node/∂input at the point, exact, for each input (``None`` for
            an input that holds no variable: nothing flows back to it).
        adjoint: ∂f/∂node, exact (``None`` where the node holds no variable).
        float_value: the value as a float.
        float_adjoint: the adjoint as a float (``None`` where there is none).
    """

    id: int
    op: str
    name: str
    expr: sympy.Expr
    inputs: tuple[int, ...]
    operation: ops.Operation
    value: sympy.Expr
    local_derivatives: tuple[sympy.Expr | None, ...]
    adjoint: sympy.Expr | None
    float_value: float
    float_adjoint: float | None

    @property
    def is_leaf(self) -> bool:
        return self.op in ops.LEAVES


@dataclass(frozen=True)
class Graph:
    """A function's computation graph at a point, after the forward and backward passes.

    Attributes:
        function: the expression (its variables are the ones differentiated).
        point: the exact value of every name.
        nodes: every node, in forward order; the output is the last.

    Example:
        >>> g = graph("C(w, b) = (y - (w x + b))^2", at="x=1, y=1, b=0, w=3")
        >>> g.gradient, g.output.value
        ((4, 4), 4)
        >>> print(g.chain_rule("w"))
        ∂C/∂w = ∂C/∂v₁ · ∂v₁/∂w = 4 · 1 = 4
    """

    function: Expression
    point: dict[sympy.Symbol, sympy.Expr]
    nodes: tuple[Node, ...]

    @property
    def output(self) -> Node:
        return self.nodes[-1]

    @property
    def variables(self) -> tuple[sympy.Symbol, ...]:
        return self.function.variables

    @property
    def gradient(self) -> tuple[sympy.Expr, ...]:
        """∂f/∂v for each variable v: the adjoints of the variables' leaves, exact."""
        leaves = {n.expr: n for n in self.nodes if n.op == "variable"}
        return tuple(leaves[v].adjoint or sympy.S.Zero for v in self.variables)

    @property
    def gradient_values(self) -> tuple[float, ...]:
        leaves = {n.expr: n for n in self.nodes if n.op == "variable"}
        return tuple(leaves[v].float_adjoint or 0.0 for v in self.variables)

    def node(self, key: int | str | Node) -> Node:
        """A node by id, by name (``"w"``, ``"v₃"``, ``"C"``, also ``"v3"``), or itself."""
        if isinstance(key, Node):
            return key
        if isinstance(key, int) and not isinstance(key, bool) and 0 <= key < len(self.nodes):
            return self.nodes[key]
        wanted = str(key).translate(SUBSCRIPTS) if str(key)[:1] == "v" else str(key)
        for node in self.nodes:
            if node.name in (str(key), wanted) and node.op != "constant":
                return node
        names = ", ".join(n.name for n in self.nodes if n.op != "constant")
        raise InputError(problem(f"the graph has no node {key!r}",
                                 expected=f"one of its nodes ({names}) or an id from 0 to "
                                 f"{len(self.nodes) - 1}", received=key))

    def parents(self, key: int | str | Node) -> tuple[tuple[Node, int], ...]:
        """The edges leaving a node: (parent, the input's position in the parent)."""
        return self._parents.get(self.node(key).id, ())

    @cached_property
    def _parents(self) -> dict[int, tuple[tuple[Node, int], ...]]:
        found: dict[int, list[tuple[Node, int]]] = {}
        for parent in self.nodes:
            for k, i in enumerate(parent.inputs):
                found.setdefault(i, []).append((parent, k))
        return {i: tuple(edges) for i, edges in found.items()}

    def path(self, variable: str) -> frozenset[int]:
        """The ids of the nodes that ``variable``'s gradient flows through, leaf to output."""
        leaf = self.node(variable)
        if leaf.op != "variable":
            raise InputError(problem(f"{variable!r} is not a variable of "
                                     f"{self.function.text!r}", received=variable,
                                     expected=f"one of {', '.join(self.function.names)}",
                                     fix="pick one of them, or make it one with wrt"))
        reached = {leaf.id}
        for node in self.nodes[leaf.id + 1:]:
            if reached.intersection(node.inputs):
                reached.add(node.id)
        return frozenset(reached)

    def chain_rule(self, key: int | str | Node) -> str:
        """A node's adjoint as the chain rule writes it (``∂C/∂z = ∂C/∂ŷ · ∂ŷ/∂z = …``)."""
        return graph_text.chain_rule(self, self.node(key))

    def definition(self, key: int | str | Node) -> str:
        """``v₃ = σ(v₂)`` for an operation; the name for a leaf."""
        return graph_text.definition(self, self.node(key))

    def __str__(self) -> str:
        return graph_text.table(self)

    def __repr__(self) -> str:
        from gradwise.language.notation import show

        where = ", ".join(f"{s.name}={show(v)}" for s, v in self.point.items())
        return f"<Graph of {self.function.text!r} at {where}: {len(self.nodes)} nodes>"

    def plot(self, **options: Any) -> Any:
        """The picture (``gradwise.plotting.graph.plot_graph``, e.g. ``highlight="w"``): Axes."""
        from gradwise.plotting.graph import plot_graph

        return plot_graph(self, **options)

    def _repr_svg_(self) -> str | None:
        """The picture, as SVG; None without matplotlib (the notebook then shows the text)."""
        try:
            from gradwise.plotting.graph import graph_svg
        except ModuleNotFoundError:
            return None
        return graph_svg(self)


def graph(f: Expression | str | sympy.Expr, at: PointLike,
          wrt: Iterable[str] | str | None = None,
          names: Mapping[str, str] | Iterable[str] | None = None) -> Graph:
    """The computation graph of ``f`` at a point, with its forward and backward passes.

    Args:
        f: an expression, or text to parse.
        at: a value for every name, e.g. ``"x=1, y=1, b=0, w=3"`` or ``{"w": 3, ...}``.
        wrt: the variables (the others are parameters: no gradient flows to them).
        names: names for subexpressions, in order, e.g. ``{"z": "w x + b", "ŷ":
            "sigmoid(z)"}`` or ``["z=w x + b", "ŷ=sigmoid(z)"]``; a later text may use an
            earlier name.

    Returns:
        The graph, its values and adjoints; ``graph.gradient`` is ∇f at the point.

    Raises:
        InputError: a point missing a name or naming an unknown one, or a bad name.
        DomainError: the forward pass meets an undefined value (``ln(0)``), or the
            backward pass an undefined derivative; the message names the node.

    Example:
        >>> g = graph("(1 - w)^2", at={"w": 3})
        >>> g.output.value, g.gradient
        (4, (4,))
    """
    expression = as_expression(f, wrt)
    if not expression.variables:
        raise InputError(f"{expression.text!r} has no variables to differentiate with "
                         "respect to")
    point = resolve_point(expression, at)
    built = Builder(expression).build()
    labels = node_names(expression, built, name_map(names))
    return _Passes(expression, point, built, labels).run()


# -- the two passes ----------------------------------------------------------------------

class _Passes:
    def __init__(self, f: Expression, point: dict[sympy.Symbol, sympy.Expr],
                 entries: list[Entry], labels: list[str]) -> None:
        self.f, self.point, self.entries, self.labels = f, point, entries, labels
        self.values: list[sympy.Expr] = []
        self.floats: list[float] = []
        variables = set(f.variables)
        self.needs = [False] * len(entries)
        for i, entry in enumerate(entries):
            self.needs[i] = entry.expr in variables if entry.operation.op == "symbol" \
                else any(self.needs[j] for j in entry.inputs)

    def run(self) -> Graph:
        for i, entry in enumerate(self.entries):
            self.values.append(self._forward(i, entry))
        locals_, adjoints, floats = self._backward()
        nodes = tuple(Node(i, self._op(e), self.labels[i], e.expr, tuple(e.inputs), e.operation,
                           self.values[i], locals_[i], adjoints[i], self.floats[i], floats[i])
                      for i, e in enumerate(self.entries))
        return Graph(self.f, self.point, nodes)

    def _op(self, entry: Entry) -> str:
        if entry.operation.op != "symbol":
            return entry.operation.op
        return "variable" if entry.expr in self.f.variables else "parameter"

    def _forward(self, i: int, entry: Entry) -> sympy.Expr:
        op = entry.operation.op
        if op == "symbol":
            value = self.point[entry.expr]
        elif op == "constant":
            value = entry.expr
        else:
            value = ops.evaluate(entry.operation, [self.values[j] for j in entry.inputs])
        number, problem = _number(value)
        self.floats.append(number)
        if problem:
            shown = ops.definition(entry.operation, [graph_text.exact_text(self.values[j])
                                                     for j in entry.inputs])
            raise DomainError(f"the forward pass fails at {self._described(i)}: {shown} "
                              f"{problem} (at {self._where()})")
        return value

    def _backward(self) -> tuple[list[tuple[Any, ...]], list[sympy.Expr | None],
                                 list[float | None]]:
        n = len(self.entries)
        adjoints: list[sympy.Expr | None] = [sympy.S.Zero if need else None
                                             for need in self.needs]
        if self.needs[-1]:
            adjoints[-1] = sympy.S.One
        locals_: list[tuple[Any, ...]] = [()] * n
        for i in reversed(range(n)):
            entry = self.entries[i]
            wanted = [self.needs[j] for j in entry.inputs]
            if not entry.inputs or not any(wanted):
                locals_[i] = (None,) * len(entry.inputs)
                continue
            locals_[i] = self._locals(i, entry, wanted)
            for j, local in zip(entry.inputs, locals_[i]):
                if local is not None:
                    adjoints[j] = adjoints[j] + adjoints[i] * local
        floats: list[float | None] = []
        for i, adjoint in enumerate(adjoints):
            number, problem = _number(adjoint) if adjoint is not None else (None, "")
            if problem:
                raise DomainError(f"the backward pass fails at {self._described(i)}: ∂"
                                  f"{self.labels[-1]}/∂{self.labels[i]} {problem} "
                                  f"(at {self._where()})")
            floats.append(number)
        return locals_, adjoints, floats

    def _locals(self, i: int, entry: Entry, wanted: list[bool]) -> tuple[Any, ...]:
        values = [self.values[j] for j in entry.inputs]
        found = ops.local_derivatives(entry.operation, values, wanted)
        for j, local in zip(entry.inputs, found):
            problem = _number(local)[1] if local is not None else ""
            if problem:
                raise DomainError(f"the backward pass fails at {self._described(i)}: "
                                  f"∂{self.labels[i]}/∂{self.labels[j]} {problem} "
                                  f"(at {self._where()})")
        return found

    def _described(self, i: int) -> str:
        entry = self.entries[i]
        names = [self.labels[j] for j in entry.inputs]
        text = f"{self.labels[i]} = {ops.definition(entry.operation, names)}"
        written = graph_text.expression_text(entry.expr, self.f.degrees)
        return text if written == text.partition(" = ")[2] else f"{text}, that is {written}"

    def _where(self) -> str:
        return ", ".join(f"{s.name} = {graph_text.exact_text(v)}" for s, v in self.point.items())


def _number(value: sympy.Expr) -> tuple[float, str]:
    """The value as a float, and why it cannot be used ("is undefined", ...) or ''."""
    if value.is_Rational:  # most values at an exact point: no evalf needed
        return _checked_float(float(value))
    if value.has(*_BAD):
        return float("nan"), "is undefined"
    try:
        approximate = value.evalf(20)
        number = complex(float(approximate)) if approximate.is_Float else complex(approximate)
    except (TypeError, ValueError):
        return float("nan"), "is undefined"
    if number.imag != 0 and abs(number.imag) > 1e-12 * max(1.0, abs(number.real)):
        return float("nan"), "is not real"
    return _checked_float(number.real)


def _checked_float(number: float) -> tuple[float, str]:
    if number != number or abs(number) == float("inf"):
        return number, "is too large to represent"
    return number, ""
