"""Where each part of a function was typed: so that it is printed in the order it was typed.

SymPy keeps a sum or a product in an order of its own (``z*w + b`` is ``b + w*z``); the notes,
and whoever typed the function, read it as typed. :class:`Typed` keeps the parse tree of the
text, and :meth:`Typed.positions` builds it again once, recording the column where each
sub-expression (and each subtracted term, negated) starts. The printer orders the terms of a
sum and the factors of a product by those columns (``notation.show(..., typed=...)``); what
the text does not show (a derived result) keeps the conventional order.

Example:
    >>> from gradwise.language.expressions import parse
    >>> from gradwise.language.notation import show
    >>> f = parse("f(z, w, b) = z*w + b")
    >>> show(f.expr), show(f.expr, typed=f.typed)
    ('w·z + b', 'z·w + b')
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

from gradwise.language._builder import Builder, Limits
from gradwise.language._parser import Node

__all__ = ["Typed", "typed_key"]

LAST = 1 << 62
"""The position of what the text does not show: after everything it does."""


@dataclass(frozen=True)
class Typed:
    """A function's parse tree and how it was built, to find where its parts were typed.

    ``values`` are the names fixed since (``Expression.substitute``): the recorded parts are
    substituted alike, so that they still match the expression.
    """

    text: str
    tree: Node | None
    limits: Limits
    degrees: bool
    signature: tuple[str, ...]
    values: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
    _cache: dict[str, dict[sympy.Expr, int]] = field(default_factory=dict, compare=False,
                                                      repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # the tree's tokens do not pickle: a copy carries the positions themselves
        return _known, (self.positions(),)

    def with_values(self, values: Mapping[sympy.Symbol, sympy.Expr]) -> Typed:
        if self.tree is None:
            return _known(_substituted(self.positions(), dict(values)))
        return Typed(self.text, self.tree, self.limits, self.degrees, self.signature,
                     self.values + tuple(values.items()))

    def positions(self) -> dict[sympy.Expr, int]:
        """Each sub-expression of the function -> the column where it was first typed."""
        if "positions" not in self._cache:
            assert self.tree is not None  # a copy without a tree has its positions
            recorder = _Recorder(self.text, self.limits, self.degrees, self.signature)
            recorder.build(self.tree)
            found = recorder.found
            self._cache["positions"] = _substituted(found, dict(self.values)) if self.values \
                else found
        return self._cache["positions"]


def _substituted(positions: dict[sympy.Expr, int], values: dict) -> dict[sympy.Expr, int]:
    moved: dict[sympy.Expr, int] = {}
    for expr, column in positions.items():
        moved.setdefault(expr.xreplace(values), column)
    return moved


def _known(positions: dict[sympy.Expr, int]) -> Typed:
    """A Typed whose positions are known (a copy made by pickle or deepcopy)."""
    typed = Typed("", None, Limits(), False, ())
    typed._cache["positions"] = positions
    return typed


def typed_key(positions: Mapping[sympy.Expr, int]):
    """The sort key of a term or factor: where it was typed.

    A part the text shows as such has its own column; another (``−w`` of ``1 − (w + b)``) the
    first column of a part of it that has names; a number the text does not show (SymPy's
    ``−1``, or a constant it combined) comes last.
    """
    def key(term: sympy.Expr) -> int:
        if term in positions:
            return positions[term]
        columns = [positions[p] for p in sympy.preorder_traversal(term)
                   if p.free_symbols and p in positions]
        return min(columns, default=LAST)
    return key


class _Recorder(Builder):
    """The parser's builder, writing down where each node's result was typed."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.found: dict[sympy.Expr, int] = {}
        self.results: dict[int, sympy.Expr] = {}

    def build(self, node: Node) -> sympy.Expr:
        result = super().build(node)
        self.results[id(node)] = result
        self.found.setdefault(result, node.column)
        if node.rule in ("sum", "product"):  # − b is the term −b, / x the factor 1/x
            for op, child in node.children:
                value = self.results.get(id(child))
                if op in ("-", "/") and value is not None:
                    self.found.setdefault(-value if op == "-" else 1 / value, child.column)
        return result
