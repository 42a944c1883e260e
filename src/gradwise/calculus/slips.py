"""The usual slips of a hand derivation, each one a wrong derivative to compare an answer with.

Every slip is the derivation's tree recomputed with one rule misapplied, by the same
formulas that computed it (:func:`~gradwise.calculus.step.recombine`): the chain rule
without its inner factor, the degrees factor π/180 dropped, the power rule without
lowering the exponent, a product (or quotient) differentiated as the product (or
quotient) of the derivatives, another variable not treated as a constant, and a sign
error. They come in that order, most telling first; ``check`` names the first one that
matches the learner's answer.

Example:
    >>> from gradwise.calculus.gradients import steps
    >>> s = steps("sin(x^2)")
    >>> first = next(slips(s.derivations[0], s.function))
    >>> first.kind, first.result
    ('chain factor', cos(x**2))
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import sympy
from sympy import S

from gradwise.calculus.step import Step, recombine
from gradwise.language.notation import show

__all__ = ["Slip", "slips"]

_MAX_NODES = 80  # bounds the work on a big tree: its first nodes hold most slips anyway
_NEIGHBOURS = 4  # "another variable not treated as a constant": at most this many names
_KEPT = 6  # "a constant term kept": only for groups of at most this many terms


@dataclass(frozen=True)
class Slip:
    """One misapplied rule: its kind, the whole wrong result, and the hint for the learner.

    The hint is written only when asked for: most slips are compared and dropped, and
    printing a big expression for each would cost more than the comparison.
    """

    kind: str
    explain: Callable[[], str] = field(repr=False)
    result: sympy.Expr

    @property
    def hint(self) -> str:
        return self.explain()


_Made = tuple[str, Callable[[], str], sympy.Expr]  # a slip at one step: kind, hint, value


@dataclass(frozen=True)
class _Node:
    step: Step
    path: tuple[int, ...]
    parent: Step | None


def slips(root: Step, function) -> Iterator[Slip]:
    """The wrong derivatives of ``root``'s expression, one per slip, most telling first."""
    nodes = _nodes(root)
    text = _Texts(root.variable, function.degrees)
    makers: list[Callable[[_Node], _Made | None]] = [
        text.degrees, text.chain, text.exponent, text.product, text.quotient, text.kept]
    for make in makers:
        yield from _each(root, nodes, make)
        if make == text.chain and len([n for n in nodes if n.step.rule == "chain"]) > 1:
            yield Slip("chain factor", _text("the chain rule's inner factors are missing: "
                                             "each function of an inner expression u needs "
                                             f"the factor ∂u/∂{root.variable.name}"),
                       _without_inner(root))
    yield from _other_variables(root, function)
    yield from _each(root, nodes, text.sign)


def _each(root: Step, nodes: list[_Node],
          make: Callable[[_Node], _Made | None]) -> Iterator[Slip]:
    for node in nodes:
        made = make(node)
        if made is not None:
            kind, explain, wrong = made
            yield Slip(kind, explain, _rebuild(root, node.path, wrong))


def _text(hint: str) -> Callable[[], str]:
    """A hint that is cheap to write (no expression printed) as the callable Slip keeps."""
    return lambda: hint


def _nodes(root: Step) -> list[_Node]:
    found: list[_Node] = []
    stack = [_Node(root, (), None)]
    while stack and len(found) < _MAX_NODES:
        node = stack.pop()
        found.append(node)
        stack.extend(_Node(sub, (*node.path, i), node.step)
                     for i, sub in reversed(list(enumerate(node.step.substeps))))
    return found


def _rebuild(step: Step, path: tuple[int, ...], wrong: sympy.Expr) -> sympy.Expr:
    """The root's result when the step at ``path`` gives ``wrong``."""
    if not path:
        return wrong
    parts = [s.result for s in step.substeps]
    parts[path[0]] = _rebuild(step.substeps[path[0]], path[1:], wrong)
    return recombine(step, parts)


def _without_inner(step: Step) -> sympy.Expr:
    parts = [_without_inner(s) for s in step.substeps]
    if step.rule == "chain":
        parts[1] = S.One
    return recombine(step, parts)


def _other_variables(root: Step, function) -> Iterator[Slip]:
    x = root.variable
    others = [s for s in function.symbols if s != x and root.expression.has(s)]
    if len(others) > _NEIGHBOURS:  # many names: those in a term with x are the likely ones
        near = set().union(*(t.free_symbols for t in sympy.Add.make_args(root.expression)
                             if t.has(x)))
        others = [s for s in others if s in near][:_NEIGHBOURS]
    for s in others:
        yield Slip("other variable", _text(f"{s.name} was differentiated as if it changed "
                                           f"with {x.name}: treat {s.name} as a constant, so "
                                           f"∂{s.name}/∂{x.name} = 0"),
                   root.result + sympy.diff(root.expression, s))
    if len(others) > 1:
        total = sum((sympy.diff(root.expression, s) for s in others), S.Zero)
        names = ", ".join(s.name for s in others)
        yield Slip("other variable", _text(f"the other names ({names}) were differentiated "
                                           "too: treat them as constants when differentiating "
                                           f"by {x.name}"), root.result + total)


class _Texts:
    """Each slip's wrong value at one step, and the hint that names it."""

    def __init__(self, variable: sympy.Symbol, degrees: bool) -> None:
        self.variable = variable
        self.in_degrees = degrees

    def show(self, step: Step) -> str:
        return show(step.expression, self.in_degrees and step.variable == self.variable)

    def op(self, step: Step) -> str:
        name = step.variable.name
        return f"∂/∂{name}" if step.variable == self.variable else f"d/d{name}"

    def degrees(self, node: _Node):
        step = node.step
        if step.rule != "degrees":
            return None
        return ("degrees", lambda: "the degrees factor π/180 is missing: an angle of θ° is "
                "π·θ/180 radians, so the chain rule multiplies the derivative by π/180",
                step.substeps[0].result)

    def chain(self, node: _Node):
        step = node.step
        if step.rule != "chain" or step.substeps[1].rule == "degrees":
            return None
        outer, inner = step.substeps
        u = outer.variable.name
        return ("chain factor", lambda: f"the chain rule's inner factor is missing: for "
                f"{self.show(step)} take {u} = {self.show(inner)}, then multiply by "
                f"∂{u}/∂{self.variable.name} = {show(inner.result)}",
                outer.result.xreplace({outer.variable: inner.expression}))

    def exponent(self, node: _Node):
        step = node.step
        if step.rule != "power":
            return None
        n = step.expression.exp
        return ("exponent", lambda: f"the power rule lowers the exponent by one: "
                f"{self.op(step)} {self.show(step)} = {show(step.result)}, not "
                f"{show(n * step.expression)}", n * step.expression)

    def product(self, node: _Node):
        step = node.step
        if step.rule != "product":
            return None
        return ("product", lambda: f"the product rule: {self.op(step)} ({self.show(step)}) is "
                "f'·g + f·g', not the product of the derivatives f'·g'",
                sympy.Mul(*[s.result for s in step.substeps]))

    def quotient(self, node: _Node):
        step = node.step
        if step.rule != "quotient" or step.substeps[1].result == 0:
            return None
        top, bottom = step.substeps
        return ("quotient", lambda: f"the quotient rule: {self.op(step)} ({self.show(step)}) "
                "is (f'·g − f·g')/g², not the quotient of the derivatives f'/g'",
                top.result / bottom.result)

    def kept(self, node: _Node):
        step = node.step
        if step.rule != "treat as constant" or node.parent is None or \
                len(step.expression.args) > _KEPT:  # nobody copies 98 terms into an answer
            return None
        return ("other variable", lambda: f"{self.show(step)} does not contain "
                f"{self.variable.name}: treat it as a constant, so its derivative is 0, not "
                "itself", step.expression)

    def sign(self, node: _Node):
        step, parent = node.step, node.parent
        if step.result == 0:
            return None
        at = parent if parent is not None and parent.rule in ("difference", "sum") else step
        return ("sign", lambda: f"a sign error in {self.op(at)} ({self.show(at)}): {at.why}",
                -step.result)
