"""Values at a point: exact where that is cheap, 50-digit floats where it would not be.

SymPy evaluates as it builds, and some exact values are enormous: x^1000 at 1.0000001 is a
fraction of 7,000 digits, and x^y at x = 0.0837, y = 0.30000000000000004 (float noise read
exactly) asks SymPy to pull radicals out of 837^(7500000000000001/25000000000000000), raising
integers to powers near 10^16 inside one uninterruptible integer operation. So exact work has
a budget, counted in digits: before substituting, every power whose exponent depends on the
point is measured there (a rational exponent with a long numerator or denominator, or a whole
exponent past ``Limits.max_exponent``, is over budget), and after substituting, an exact value
with more than :data:`EXACT_DIGITS` digits is. A value over budget is computed as a
:data:`PRECISE_DIGITS`-digit float instead (SymPy's evalf with the point as numbers), and the
caller says so.

Example:
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> value_at_point(x**2 / 3, {x: sympy.Rational(1, 2)})
    (1/12, True)
    >>> value, exact = value_at_point(x**1000, {x: sympy.Rational(10000001, 10000000)})
    >>> exact, str(value)[:12]
    (False, '1.0001000049')
"""

from __future__ import annotations

from collections.abc import Mapping

import sympy

__all__ = ["EXACT_DIGITS", "PRECISE_DIGITS", "EXPONENT_DIGITS", "value_at_point",
           "digits", "over_budget"]

EXACT_DIGITS = 1_000
"""The most digits an exact value at a point may have (numerator or denominator)."""

PRECISE_DIGITS = 50
"""Significant digits of a value given as a float because its exact form is over budget."""

EXPONENT_DIGITS = 4
"""The most digits of a rational exponent's numerator or denominator, at the point."""

_MAX_WHOLE_EXPONENT = 1_000  # Limits.max_exponent: x^n at a point obeys what parse obeys


def value_at_point(expr: sympy.Expr, values: Mapping[sympy.Symbol, sympy.Expr]
                   ) -> tuple[sympy.Expr, bool]:
    """``expr`` at the point, and whether the value is exact (else a 50-digit Float)."""
    point = dict(values)
    if over_budget(expr, point):
        return _precise(expr, point), False
    value = expr.xreplace(point)
    if digits(value) > EXACT_DIGITS:
        return _precise(expr, point), False
    return value, True


def over_budget(expr: sympy.Expr, values: Mapping[sympy.Symbol, sympy.Expr]) -> bool:
    """Whether substituting the point into a power's exponent gives one SymPy would expand
    into enormous integers (checked on the exponents alone, smallest first)."""
    powers = sorted((p for p in expr.atoms(sympy.Pow) if p.exp.free_symbols),
                    key=sympy.count_ops)
    for power in powers:
        exponent = power.exp.xreplace(dict(values))
        if not exponent.is_Rational:
            continue  # an irrational exponent stays a symbol: 2^π is not expanded
        if exponent.is_Integer and abs(exponent) > _MAX_WHOLE_EXPONENT:
            return True
        if max(abs(exponent.p), exponent.q) >= 10**EXPONENT_DIGITS:
            return True
    return False


def digits(value: sympy.Expr) -> int:
    """The most decimal digits of any rational in ``value`` (from bit lengths: no printing).

    Example:
        >>> digits(sympy.Rational(10**40, 3) + sympy.sqrt(2))
        41
    """
    most = 0
    for number in value.atoms(sympy.Rational):
        bits = max(abs(int(number.p)).bit_length(), int(number.q).bit_length())
        most = max(most, int(bits * 0.30103) + 1)
    return most


def _precise(expr: sympy.Expr, values: Mapping[sympy.Symbol, sympy.Expr]) -> sympy.Expr:
    # evalf with subs= computes with the point as numbers, never forming the exact powers
    return expr.evalf(PRECISE_DIGITS, subs=dict(values))
