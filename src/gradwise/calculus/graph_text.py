"""A computation graph written out: its table of nodes, and any node's chain-rule line.

Exact values are shown as the notes write them: ``2.6``, ``1/3``, ``σ(3)``, and products
with their common factor outside and the bracket's sign turned to read ``1 − σ(3)``
(``−2(1 − σ(3))`` rather than SymPy's ``2σ(3) − 2``); a value too long to read is
shown as a float. Functions here take a ``Graph`` and its ``Node`` objects.

Example:
    >>> from gradwise.calculus.graph import graph
    >>> g = graph("(1 - w)^2", at="w=3")
    >>> print(g.chain_rule("w"))
    ∂f/∂w = ∂f/∂v₁ · ∂v₁/∂w = −4 · (−1) = 4
"""

from __future__ import annotations

from collections.abc import Collection
from functools import lru_cache
from itertools import islice
from typing import Any

import sympy

from gradwise.calculus import _graph_ops as ops
from gradwise.language.notation import show
from gradwise.language.numbers import float_text, number_text

__all__ = ["exact_text", "expression_text", "short_text", "definition", "local_formula",
           "chain_rule", "table", "dot_text", "LONGEST_EXACT"]

LONGEST_EXACT = 40
"""Exact texts longer than this many characters are shown as floats."""


def exact_text(value: sympy.Expr) -> str:
    """An exact value as the notes write it.

    Example:
        >>> from gradwise.language.functions import sigmoid
        >>> exact_text(sympy.Rational(13, 5)), exact_text(2 * sigmoid(3) - 2)
        ('2.6', '−2(1 − σ(3))')
    """
    if isinstance(value, sympy.Rational):
        return number_text(value)
    if isinstance(value, sympy.Float):
        return float_text(float(value))
    return _tidy(value)


def _tidy(value: sympy.Expr) -> str:
    """A product with its numeric factor first and brackets that read ``1 − σ(3)``."""
    factored = sympy.factor_terms(value)
    if not factored.is_Mul:
        return show(factored)
    coefficient = sympy.S.One
    powers: dict[sympy.Expr, sympy.Expr] = {}
    for factor in factored.args:
        base, exponent = factor.as_base_exp()
        if factor.is_Number or not (exponent.is_Integer and exponent > 0):
            if not factor.is_Number:
                return show(factored)  # a quotient: SymPy's own reading is clearer
            coefficient *= factor
            continue
        if base.is_Add and base.could_extract_minus_sign():
            base, coefficient = -base, coefficient * (-1) ** int(exponent)
        powers[base] = powers.get(base, 0) + exponent
    if not coefficient.is_Integer:
        return show(factored)
    texts = [show(sympy.Pow(b, e)) for b, e in sorted(
        powers.items(), key=lambda item: (item[0].is_Add, sympy.default_sort_key(item[0])))]
    if coefficient == -1:
        return "−" + ops.product_text(texts)
    return ops.product_text(([] if coefficient == 1 else [number_text(coefficient)]) + texts)


def expression_text(expr: sympy.Expr, degrees: bool = False) -> str:
    """A subexpression in the notes' notation (``w·x + b``)."""
    return show(expr, degrees)


def short_text(value: sympy.Expr, number: float | None = None) -> tuple[str, bool]:
    """(text, exact): the exact text, or past LONGEST_EXACT characters the float (``number``
    if known)."""
    text = _short_exact(value)
    if text is not None:
        return text, True
    return float_text(_float(value) if number is None else number), False


@lru_cache(maxsize=4096)
def _short_exact(value: sympy.Expr) -> str | None:
    """The exact text if it has at most LONGEST_EXACT characters, else None; remembered,
    since a parent's adjoint appears in the line of each of its inputs."""
    if not value.is_Rational and _larger_than(value, LONGEST_EXACT):
        return None  # printing it would cost more than the whole pass, to be thrown away
    text = exact_text(value)
    return text if len(text) <= LONGEST_EXACT else None


def _larger_than(value: sympy.Expr, size: int) -> bool:
    """Whether the expression has more than ``size`` parts (each prints as a character or more)."""
    parts = sympy.preorder_traversal(value)
    return next(islice(parts, size, None), None) is not None  # stops after size + 1 parts


def value_text(value: sympy.Expr | None, number: float | None = None) -> str:
    """``σ(3) ≈ 0.952574``; a rational alone; ``—`` for no value (``number``: its float)."""
    if value is None:
        return "—"
    number = _float(value) if number is None else number
    text, exact = short_text(value, number)
    if not exact:
        return f"≈ {text}"
    return text if value.is_Rational else f"{text} ≈ {float_text(number)}"


def definition(graph: Any, node: Any) -> str:
    """``v₃ = σ(v₂)``; a leaf's name alone."""
    if node.is_leaf:
        return node.name
    names = [graph.nodes[i].name for i in node.inputs]
    return f"{node.name} = {ops.definition(node.operation, names)}"


def local_formula(graph: Any, node: Any, position: int) -> sympy.Expr:
    """∂node/∂input in the inputs' names: ∂ŷ/∂z = σ(z)(1 − σ(z)), ∂C/∂v₄ = 2v₄."""
    symbols = [graph.nodes[i].expr if graph.nodes[i].op == "constant"
               else sympy.Symbol(graph.nodes[i].name) for i in node.inputs]
    return ops.local_derivatives(node.operation, symbols)[position]


def chain_rule(graph: Any, node: Any) -> str:
    """∂f/∂node as the sum over the edges leaving it of parent adjoint × local derivative.

    Example:
        >>> from gradwise.calculus.graph import graph
        >>> print(graph("x^2 + 3x", at="x=1").chain_rule("x"))
        ∂f/∂x = ∂f/∂v₁ · ∂v₁/∂x + ∂f/∂v₂ · ∂v₂/∂x = 1 · 2 + 1 · 3 = 5
    """
    top = graph.output.name
    if node.adjoint is None:
        return f"{node.name} is a {node.op}: it holds no variable, so no gradient flows to it"
    if node.id == graph.output.id:
        return f"∂{top}/∂{top} = 1"
    edges = [(p, k) for p, k in graph.parents(node) if p.local_derivatives[k] is not None]
    if len(edges) == 1 and edges[0][0].id == graph.output.id:
        parent, k = edges[0]
        steps = [show(local_formula(graph, parent, k))]
    else:
        steps = [" + ".join(f"∂{top}/∂{p.name} · ∂{p.name}/∂{node.name}" for p, _ in edges),
                 " + ".join(f"{_factor(p.adjoint, True)} · {_factor(p.local_derivatives[k])}"
                            for p, k in edges)]
    result, exact = short_text(node.adjoint, node.float_adjoint)
    if exact and not node.adjoint.is_Rational:
        steps += [result, f"≈ {float_text(node.float_adjoint)}"]
    else:
        steps.append(result if exact else f"≈ {result}")
    return _join(f"∂{top}/∂{node.name}", steps)


def _factor(value: sympy.Expr, first: bool = False) -> str:
    text, _ = short_text(value)
    loose = ops.is_loose(text)
    return f"({text})" if loose or (text.startswith("−") and not first) else text


def _join(first: str, steps: list[str]) -> str:
    """``first = a = b ≈ c``, without repeating a step equal to the one before it."""
    text, previous = first, first.partition(" = ")[2]
    for step in steps:
        if step != previous:
            text += f" {step}" if step.startswith("≈") else f" = {step}"
        previous = step
    return text


def table(graph: Any, marked: Collection[int] = ()) -> str:
    """Every node in forward order: definition, operation, value, local derivatives, adjoint.

    Nodes in ``marked`` (a highlighted path) have a ``*`` beside their id.
    """
    top = graph.output.name
    header = ["#", "node", "op", "value", "local derivatives", f"∂{top}/∂node"]
    rows = [header] + [[f"{n.id}{'*' if n.id in marked else ''}", definition(graph, n), n.op,
                        value_text(n.value, n.float_value), _locals_text(graph, n),
                        value_text(n.adjoint, n.float_adjoint)]
                       for n in graph.nodes]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines)


def _locals_text(graph: Any, node: Any) -> str:
    parts = [f"∂{node.name}/∂{graph.nodes[i].name}{_role(node, k)} = {short_text(local)[0]}"
             for k, (i, local) in enumerate(zip(node.inputs, node.local_derivatives))
             if local is not None]
    return ", ".join(parts)


def _role(node: Any, position: int) -> str:
    """`` (base)``, `` (exponent)``, ...: which input, where one node is two inputs (x^x)."""
    if node.inputs.count(node.inputs[position]) == 1:
        return ""
    roles = {"^": ("base", "exponent"), "÷": ("numerator", "denominator")}
    named = roles.get(node.op)
    return f" ({named[position] if named else f'input {position + 1}'})"


def dot_text(graph: Any, highlight: str | None = None) -> str:
    """The graph in Graphviz's DOT language, left to right, for ``dot -Tsvg`` and friends.

    Each node is a box of three lines (definition, value, adjoint), each edge is labelled
    with its local derivative, and ``highlight``'s path is orange, as in the picture.
    """
    path = graph.path(highlight) if highlight else frozenset()
    top = graph.output.name
    lines = ["digraph gradwise {", "  rankdir=LR;",
             '  node [shape=box, style="rounded,filled", fillcolor="#eaf1fb", '
             'fontname="DejaVu Sans", fontsize=10];',
             '  edge [fontname="DejaVu Sans", fontsize=9, fontcolor="#7b3fa0"];']
    for node in graph.nodes:
        label = [definition(graph, node) if node.op not in ("variable", "parameter")
                 else f"{node.name} ({node.op})"]
        if node.op != "constant":
            label.append(f"value {float_text(node.float_value, 4)}")
            label.append("held constant" if node.adjoint is None
                         else f"∂{top}/∂{node.name} = {float_text(node.float_adjoint, 4)}")
        colour = ', color="#ff7f0e", penwidth=2.5' if node.id in path else ""
        fill = {"variable": "#e3f4e1", "parameter": "#eeeeee", "constant": "#ffffff"}
        text = "\\n".join(_dot(line) for line in label)  # \n: a line break in DOT
        lines.append(f'  n{node.id} [label="{text}", '
                     f'fillcolor="{fill.get(node.op, "#eaf1fb")}"{colour}];')
    for node in graph.nodes:
        for j, local in zip(node.inputs, node.local_derivatives):
            attributes = [f'label="{_dot(float_text(_float(local), 4))}"'] if local is not None \
                else ["style=dashed", 'color="#b0b0b0"']
            if j in path and node.id in path:
                attributes += ['color="#ff7f0e"', "penwidth=2.5"]
            lines.append(f"  n{j} -> n{node.id} [{', '.join(attributes)}];")
    return "\n".join([*lines, "}", ""])


def _dot(text: str) -> str:
    """Text inside a DOT string: backslashes and quotes escaped."""
    return text.replace("\\", "\\\\").replace('"', '\\"')


@lru_cache(maxsize=4096)
def _float(value: sympy.Expr) -> float:
    return float(complex(value.evalf(17)).real)
