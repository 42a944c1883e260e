"""One step of a derivation, and each rule's formula for its result.

A :class:`Step` is one application of a rule: the expression it differentiates, with
respect to which variable, the result, a one-line justification (the rule in symbols)
and the sub-steps it needs. :func:`combine` is the rule's formula: a step's result from
its sub-steps' results. The engine (:mod:`gradwise.calculus.differentiate`) computes every
result with it, and ``check`` recomputes a tree with one part changed to model a slip.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import sympy

__all__ = ["Step", "combine", "recombine", "at_inner", "assembled"]


@dataclass(frozen=True)
class Step:
    """One rule applied to one expression.

    Attributes:
        rule: the rule's name (:data:`gradwise.calculus.rules.RULES`).
        expression: what is differentiated.
        variable: with respect to what; a chain rule's outer step uses its own ``u``.
        result: the derivative, computed from the sub-steps by the rule.
        why: the rule in symbols, in the notes' notation (``∂/∂x xⁿ = n·xⁿ⁻¹ with n = 2``).
        substeps: the steps this one needs, in the order the rule uses them.
        detail: what the rule needs besides its sub-steps: a sum's signs (±1 per term),
            the constant of a constant multiple (also ``degrees``, ``logarithm`` to a base,
            ``general power``'s u^w).

    Example:
        >>> import sympy
        >>> x = sympy.Symbol("x", real=True)
        >>> Step("variable", x, x, sympy.Integer(1), "∂x/∂x = 1").result
        1
    """

    rule: str
    expression: sympy.Expr
    variable: sympy.Symbol
    result: sympy.Expr
    why: str
    substeps: tuple[Step, ...] = ()
    detail: tuple[sympy.Expr, ...] = field(default=(), repr=False)

    def walk(self) -> Iterator[Step]:
        """This step and every step below it, depth first, parents before children."""
        yield self
        for sub in self.substeps:
            yield from sub.walk()


def combine(rule: str, expression: sympy.Expr, substeps: tuple[Step, ...],
            detail: tuple[sympy.Expr, ...], parts: list[sympy.Expr]) -> sympy.Expr:
    """The rule's formula: a step's result from its sub-steps' results ``parts``.

    Example:
        >>> import sympy
        >>> combine("sum", sympy.Integer(0), (), (1, -1), [sympy.Integer(7), sympy.Integer(2)])
        5
    """
    if rule in ("sum", "difference"):
        return sympy.Add(*[sign * p for sign, p in zip(detail, parts, strict=True)])
    if rule in ("constant multiple", "degrees", "logarithm", "general power"):
        return detail[0] * parts[0]
    if rule == "product":
        factors = [s.expression for s in substeps]
        return sympy.Add(*[sympy.Mul(*factors[:i], p, *factors[i + 1:])
                           for i, p in enumerate(parts)])
    if rule == "quotient":
        u, v = (s.expression for s in substeps)
        return (parts[0] * v - u * parts[1]) / v**2
    if rule == "chain":
        outer, inner = substeps
        return at_inner(parts[0], outer.variable, inner.expression) * parts[1]
    if rule == "simplify":
        return parts[0]
    raise AssertionError(f"rule {rule!r} has sub-steps but no formula")


def at_inner(outer: sympy.Expr, u: sympy.Symbol, inner: sympy.Expr) -> sympy.Expr:
    """f'(u) with u replaced by the inner expression, factor by factor.

    2·(y − ŷ) stays a product: SymPy would distribute the number over the sum, and the
    chain rule's f'(u) would lose its shape (2y − 2ŷ).

    Example:
        >>> import sympy
        >>> u, y = sympy.symbols("u y")
        >>> at_inner(2 * u, u, y - 1)
        2*(y - 1)
    """
    factors = [a.xreplace({u: inner}) for a in sympy.Mul.make_args(outer)]
    if len(factors) == 2 and factors[0].is_Rational and factors[1].is_Add:
        return sympy.Mul(*factors, evaluate=False)  # not sympy's global distribute(False):
    return sympy.Mul(*factors)                       # setting it clears sympy's whole cache


def assembled(step: Step) -> sympy.Expr:
    """The rules' own result: a root's, before a final ``simplify`` step rewrites it.

    Example:
        >>> from gradwise.calculus.gradients import steps
        >>> assembled(steps("(1 - w)^2")["w"]), steps("(1 - w)^2")["w"].result
        (-2*(1 - w), 2*w - 2)
    """
    return step.substeps[0].result if step.rule == "simplify" else step.result


def recombine(step: Step, parts: list[sympy.Expr]) -> sympy.Expr:
    """``step``'s result were its sub-steps' results ``parts`` (a leaf keeps its own)."""
    if not step.substeps:
        return step.result
    return combine(step.rule, step.expression, step.substeps, step.detail, parts)
