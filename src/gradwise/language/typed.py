"""Where each part of a function was typed: so that it is printed in the order it was typed.

SymPy keeps a sum or a product in an order of its own (``z*w + b`` is ``b + w*z``); the notes,
and whoever typed the function, read it as typed. :class:`Typed` keeps the parse tree of the
text, and :meth:`Typed.orders` builds it again once, recording for each sum and product the
order in which its terms or factors were typed (``1 - (w + b)``: 1, −w, −b, as SymPy flattens
it). The printer follows those orders (``notation.show(..., typed=...)``); a sum the text does
not show as such (a derived result) keeps the conventional order.

Example:
    >>> from gradwise.language.expressions import parse
    >>> from gradwise.language.notation import show
    >>> f = parse("f(z, w, b) = z*w + b")
    >>> show(f.expr), show(f.expr, typed=f.typed)
    ('w·z + b', 'z·w + b')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy

from gradwise.language._builder import Builder, Limits
from gradwise.language._parser import Node

__all__ = ["Typed", "typed_sort", "factor_ranks"]

Orders = dict[sympy.Expr, tuple[sympy.Expr, ...]]
"""A sum or product as built -> its terms or factors in the order they were typed."""


@dataclass(frozen=True)
class Typed:
    """A function's parse tree and how it was built, to find the order of its parts.

    ``values`` are the names fixed since (``Expression.substitute``): the recorded parts are
    substituted alike, so that they still match the expression.
    """

    text: str
    tree: Node | None
    limits: Limits
    degrees: bool
    signature: tuple[str, ...]
    values: tuple[tuple[sympy.Symbol, sympy.Expr], ...] = ()
    _cache: dict[str, Orders] = field(default_factory=dict, compare=False, repr=False)

    def __reduce__(self) -> tuple[Any, ...]:
        # the tree's tokens do not pickle: a copy carries the orders themselves
        return _known, (self.orders(),)

    def with_values(self, values: Mapping[sympy.Symbol, sympy.Expr]) -> Typed:
        if self.tree is None:
            return _known(_substituted(self.orders(), dict(values)))
        return Typed(self.text, self.tree, self.limits, self.degrees, self.signature,
                     self.values + tuple(values.items()))

    def orders(self) -> Orders:
        """Each sum and product of the function -> its parts in the order they were typed."""
        if "orders" not in self._cache:
            assert self.tree is not None  # a copy without a tree has its orders
            recorder = _Recorder(self.text, self.limits, self.degrees, self.signature)
            recorder.build(self.tree)
            found = recorder.orders
            self._cache["orders"] = _substituted(found, dict(self.values)) if self.values \
                else found
        return self._cache["orders"]


def typed_sort(parts: Sequence[sympy.Expr], whole: sympy.Expr, orders: Orders) -> list:
    """``parts`` (of the sum or product ``whole``, in SymPy's order) in the order typed.

    A part the typed order does not show (like terms SymPy combined: x + 2 + x is 2x + 2)
    stands where the first typed part with its names stood, a number that is not typed last;
    a sum or product not typed as such keeps SymPy's order.
    """
    typed = orders.get(whole)
    if typed is None:
        return list(parts)
    rank: dict[sympy.Expr, int] = {}
    for i, part in enumerate(typed):
        rank.setdefault(part, i)

    def key(part: sympy.Expr) -> int:
        if part in rank:
            return rank[part]
        # combined (x + x is 2x): where the first typed part with its names stood
        names = part.free_symbols
        return min((i for i, q in enumerate(typed) if names & q.free_symbols),
                   default=len(typed))
    return sorted(parts, key=key)


def factor_ranks(orders: Orders) -> dict[sympy.Expr, int]:
    """Each factor of a typed product -> its place there (the first product that has it)."""
    ranks: dict[sympy.Expr, int] = {}
    for whole, parts in orders.items():
        if whole.is_Mul:
            for i, part in enumerate(parts):
                ranks.setdefault(part, i)
    return ranks


def _substituted(orders: Orders, values: dict) -> Orders:
    moved: Orders = {}
    for expr, parts in orders.items():
        moved.setdefault(expr.xreplace(values), tuple(p.xreplace(values) for p in parts))
    return moved


def _known(orders: Orders) -> Typed:
    """A Typed whose orders are known (a copy made by pickle or deepcopy)."""
    typed = Typed("", None, Limits(), False, ())
    typed._cache["orders"] = orders
    return typed


class _Recorder(Builder):
    """The parser's builder, writing down the typed order of each sum and product."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.orders: Orders = {}
        self.results: dict[int, sympy.Expr] = {}

    def build(self, node: Node) -> sympy.Expr:
        result = super().build(node)
        self.results[id(node)] = result
        if node.rule == "sum" and result.is_Add or node.rule == "product" and result.is_Mul:
            kind = sympy.Add if node.rule == "sum" else sympy.Mul
            parts: list[sympy.Expr] = []
            for op, child in node.children:
                value = self.results.get(id(child))
                if value is None:
                    continue
                inner = self.orders.get(value, kind.make_args(value)) \
                    if isinstance(value, kind) else (value,)
                if op == "-":
                    inner = tuple(-p for p in inner)
                elif op == "/":
                    inner = tuple(1 / p for p in inner)
                parts.extend(inner)
            self.orders.setdefault(result, tuple(parts))
        return result
