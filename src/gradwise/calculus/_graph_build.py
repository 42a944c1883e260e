"""The graph's nodes: SymPy's tree walked into operations, each subexpression once, and named.

The walk uses its own stack, not recursion, so expressions nested as deep as the parser
allows (and deeper ones built in code) are fine. Leaves come first (the function's
symbols in its order), then each operation after its inputs; a constant is one leaf per
use, drawn where it is used as on paper, while a variable or a computed subexpression is
one node however often it is used. Names: the symbol, the constant, names the caller
chose (the notes' z and ŷ), then v₁, v₂, ..., and the function's name for the output.

Example:
    >>> from gradwise.language.expressions import parse
    >>> f = parse("(1 - w)^2")
    >>> entries = Builder(f).build()
    >>> [e.operation.op for e in entries], node_names(f, entries, {})
    (['symbol', 'constant', '−', 'constant', '^'], ['w', '1', 'v₁', '2', 'f'])
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sympy

from gradwise.calculus import _graph_ops as ops
from gradwise.calculus.graph_text import exact_text
from gradwise.errors import InputError, problem
from gradwise.language.expressions import Expression, parse

__all__ = ["Entry", "Builder", "node_names", "name_map", "SUBSCRIPTS"]

SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


@dataclass
class Entry:
    expr: sympy.Expr
    operation: ops.Operation
    inputs: list[int]


class Builder:
    """Walks f's SymPy tree without recursion (deep expressions), children before parents."""

    def __init__(self, f: Expression) -> None:
        self.f = f
        self.order = {s: i for i, s in enumerate(f.symbols)}
        self.entries: list[Entry] = []
        self.ids: dict[sympy.Expr, int] = {}

    def rank(self, expr: sympy.Expr) -> int:
        return min((self.order.get(s, len(self.order)) for s in expr.free_symbols),
                   default=len(self.order))

    def build(self) -> list[Entry]:
        for s in self.f.symbols:
            self._add(s, ops.Operation("symbol"), [])
        stack: list[tuple[sympy.Expr, bool]] = [(self.f.expr, False)]
        operations: dict[sympy.Expr, ops.Operation] = {}
        while stack:
            expr, ready = stack.pop()
            if expr in self.ids:
                continue
            operation = operations.get(expr) or operations.setdefault(
                expr, ops.operation_of(expr, self.rank))
            if ready or not operation.inputs:
                self._add(expr, operation, [self._input(e) for e in operation.inputs])
                continue
            stack.append((expr, True))
            stack.extend((e, False) for e in reversed(operation.inputs)
                         if e.free_symbols and e not in self.ids)
        return self.entries

    def _input(self, expr: sympy.Expr) -> int:
        if expr.free_symbols:
            return self.ids[expr]
        # a constant is drawn where it is used, as on paper: one leaf per use
        return self._add(expr, ops.Operation("constant"), [], shared=False)

    def _add(self, expr: sympy.Expr, operation: ops.Operation, inputs: list[int],
             shared: bool = True) -> int:
        self.entries.append(Entry(expr, operation, inputs))
        if shared:
            self.ids[expr] = len(self.entries) - 1
        return len(self.entries) - 1


def name_map(names: Mapping[str, str] | Iterable[str] | None) -> Mapping[str, str]:
    """``{"z": "w x + b"}`` from itself, or from ``["z=w x + b", ...]`` (the CLI's and API's).

    Example:
        >>> name_map(["z=w x + b", "ŷ = sigmoid(z)"])
        {'z': 'w x + b', 'ŷ': 'sigmoid(z)'}
    """
    if names is None:
        return {}
    if isinstance(names, Mapping):
        return names
    if isinstance(names, str):
        raise InputError(problem("names must be a mapping or a list of NAME=EXPR texts",
                                 received=names, fix="names=['z=w x + b']"))
    result: dict[str, str] = {}
    for item in names:
        name, equals, text = str(item).partition("=")
        if not equals or not name.strip() or not text.strip():
            raise InputError(problem("a node's name is given as NAME=EXPR", received=item,
                                     fix="write for example 'z=w x + b'"))
        result[name.strip()] = text.strip()
    return result


def node_names(f: Expression, entries: list[Entry], given: Mapping[str, str]) -> list[str]:
    """Each node's name: the symbol, the constant, ``given``, v₁, v₂, ..., the function's."""
    chosen = _chosen(f, entries, given)
    labels, count = [], 0
    for i, entry in enumerate(entries):
        if entry.operation.op == "symbol":
            labels.append(entry.expr.name)
        elif entry.operation.op == "constant":
            labels.append(exact_text(entry.expr))
        elif i in chosen:
            labels.append(chosen[i])
        elif i == len(entries) - 1:
            labels.append(f.name)
        else:
            count += 1
            labels.append("v" + str(count).translate(SUBSCRIPTS))
    return labels


def _chosen(f: Expression, entries: list[Entry], given: Mapping[str, str]) -> dict[int, str]:
    """The node each of ``given``'s names goes to; a text may use an earlier name."""
    index = {e.expr: i for i, e in enumerate(entries) if e.operation.op != "constant"}
    taken = {s.name for s in f.symbols} | {f.name}
    defined: dict[sympy.Symbol, sympy.Expr] = {}
    chosen: dict[int, str] = {}
    for name, text in given.items():
        _check_name(name, text, taken)
        target = parse(text, degrees=f.degrees).expr.xreplace(defined)
        if target not in index or index[target] in chosen:
            raise InputError(problem(f"cannot name {text!r} {name!r}: it is not a node of "
                                     f"{f.text!r}, or it is named already", received=text,
                                     fix="name a subexpression as the graph's table shows "
                                     "it, e.g. a function's argument"))
        chosen[index[target]] = name
        taken.add(name)
        defined[sympy.Symbol(name, real=True)] = target
    return chosen


def _check_name(name: str, text: Any, taken: set[str]) -> None:
    if not (isinstance(name, str) and 0 < len(name) <= 12 and name.isprintable()
            and " " not in name and not name.startswith("v")):
        raise InputError(problem("a node's name must be 1 to 12 printable characters, "
                                 "without spaces and not starting with v (v₁, v₂, ... name "
                                 "the others)", received=name, fix="for example z or ŷ"))
    if name in taken:
        raise InputError(problem(f"the name {name!r} is already taken", received=name,
                                 fix="pick another"))
    if not isinstance(text, str):
        raise InputError(problem(f"the node named {name!r} must be given as text",
                                 received=text, fix=f"{{{name!r}: 'w x + b'}}"))
