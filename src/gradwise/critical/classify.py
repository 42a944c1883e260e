"""The second-derivative test at a critical point, and what to do when it says nothing.

In two variables the notes' test: D = f_xx·f_yy − f_xy²; D > 0 and f_xx > 0 is a
minimum, D > 0 and f_xx < 0 a maximum, D < 0 a saddle, D = 0 inconclusive. In
general the signs of the Hessian's eigenvalues say the same. An inconclusive test
(an eigenvalue is 0) is settled, where possible, by

1. the first non-zero derivative (one variable) or the lowest-order Taylor term
   P_k of f(a + h) − f(a) (polynomials at rational points): odd k changes sign
   through a; even k decides by the sign of P_k over all directions;
2. otherwise sampling f(a + h) − f(a) at 50 digits on spheres of shrinking radius.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy

from gradwise.language.expressions import exact_number
from gradwise.language.notation import show
from gradwise.language.numbers import float_text

__all__ = ["Kind", "Verdict", "second_derivative_test", "discriminant"]

Kind = Literal["minimum", "maximum", "saddle", "degenerate", "inflection"]

@dataclass(frozen=True)
class Verdict:
    """What the test found: the kind, the eigenvalues, why, and how an inconclusive test was
    settled (None when it was conclusive)."""

    kind: Kind
    eigenvalues: tuple[float, ...]
    reason: str
    settled_by: str | None = None


def discriminant(matrix: sympy.Matrix) -> sympy.Expr:
    """D = f_xx·f_yy − f_xy² for a 2×2 Hessian, expanded.

    Example:
        >>> x = sympy.Symbol("x")
        >>> discriminant(sympy.Matrix([[6*x, 1], [1, -6]]))
        -36*x - 1
    """
    return sympy.expand(matrix[0, 0] * matrix[1, 1] - matrix[0, 1] ** 2)


def second_derivative_test(expr: sympy.Expr, variables: Sequence[sympy.Symbol],
                           matrix: sympy.Matrix, point: Sequence[sympy.Expr | float],
                           exact: bool = False) -> Verdict:
    """Classify the critical point ``point``; ``exact`` says its coordinates are exact.

    Args:
        expr: f.
        variables: its variables, in the order of ``point``.
        matrix: the Hessian of f (exact, n×n).
        point: the critical point: exact SymPy numbers, or floats / SymPy Floats.
        exact: whether ``point`` is exact (then a zero eigenvalue is decided exactly).

    Example:
        >>> x, y = sympy.symbols("x y", real=True)
        >>> f = x**4 + y**4
        >>> v = second_derivative_test(f, (x, y), sympy.hessian(f, (x, y)), (0, 0), exact=True)
        >>> v.kind
        'minimum'
        >>> v.settled_by.split(", ")[0]
        'the lowest-order term of f(a + h) − f(a) is x⁴ + y⁴'

    """
    values = {v: exact_number(p) if exact else sympy.Float(p, 30)
              for v, p in zip(variables, point, strict=True)}
    at = matrix.xreplace(values)
    eigenvalues = _eigenvalues(at)
    zero = _is_singular(at, eigenvalues, exact)
    kind = _kind(eigenvalues, zero, len(variables))
    reason = _reason(at, eigenvalues, kind)
    if kind != "degenerate":
        return Verdict(kind, eigenvalues, reason)
    kind, how = _settle(expr, variables, values, exact)
    return Verdict(kind, eigenvalues, reason, how)


def _eigenvalues(at: sympy.Matrix) -> tuple[float, ...]:
    numbers = np.array([[float(sympy.re(c.evalf(30))) for c in row] for row in at.tolist()])
    return tuple(float(v) for v in np.linalg.eigvalsh(numbers))


def _is_singular(at: sympy.Matrix, eigenvalues: tuple[float, ...], exact: bool) -> list[bool]:
    """Which eigenvalues are 0: by the exact rank where the entries are rational."""
    n = len(eigenvalues)
    if exact and all(c.is_Rational for c in at):
        zeros = n - at.rank()
    else:
        largest = max(1.0, max(abs(v) for v in eigenvalues))
        zeros = sum(abs(v) <= (1e-20 if exact else 1e-7) * largest for v in eigenvalues)
    smallest = set(np.argsort(np.abs(eigenvalues))[:zeros].tolist())
    return [i in smallest for i in range(n)]


def _kind(eigenvalues: tuple[float, ...], zero: list[bool], n: int) -> Kind:
    positive = any(v > 0 and not z for v, z in zip(eigenvalues, zero, strict=True))
    negative = any(v < 0 and not z for v, z in zip(eigenvalues, zero, strict=True))
    if positive and negative:
        return "saddle"
    if any(zero):
        return "degenerate"
    return "minimum" if positive else "maximum"


def _reason(at: sympy.Matrix, eigenvalues: tuple[float, ...], kind: Kind) -> str:
    n = at.rows
    if kind == "degenerate":
        label = {1: "f''", 2: "D"}.get(n, "an eigenvalue of H")
        return f"{label} = 0: the second-derivative test is inconclusive"
    if n == 1:
        return f"f'' = {_number(at[0, 0])} {_compare(at[0, 0])}"
    if n == 2:
        d = discriminant(at)
        text = f"D = {_number(d)} {_compare(d)}"
        return text + (f", f_xx = {_number(at[0, 0])} {_compare(at[0, 0])}"
                       if kind != "saddle" else "")
    return "eigenvalues of H: " + ", ".join(f"{v:.6g}" for v in eigenvalues)


def _number(value: sympy.Expr) -> str:
    if value.is_Rational:
        return show(value)
    return float_text(float(sympy.re(value.evalf(17))))


def _compare(value: sympy.Expr) -> str:
    number = float(sympy.re(value.evalf(30)))
    return "= 0" if value == 0 or abs(number) < 1e-12 else ("> 0" if number > 0 else "< 0")


# -- settling an inconclusive test ------------------------------------------------------

def _settle(expr, variables, values, exact) -> tuple[Kind, str]:
    from gradwise.critical._higher_order import lowest_order_term, neighbourhood

    if exact and all(c.is_Rational for c in values.values()):
        settled = lowest_order_term(expr, variables, values)
        if settled is not None:
            return settled
    return neighbourhood(expr, variables, values)
