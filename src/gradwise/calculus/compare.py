"""Are two expressions the same function? Exactly where SymPy can decide, else at 50 digits.

Random points come first: a point where the two differ at 50 significant digits is a proof
that they differ (and becomes the counterexample). When every point agrees, the difference
is simplified to 0 if SymPy can (an exact proof); when it cannot, the verdict is that they
agree at every sampled point, and it says the check was numerical.

Example:
    >>> import sympy
    >>> x = sympy.Symbol("x", real=True)
    >>> same(sympy.sec(x)**2, sympy.tan(x)**2 + 1, (x,)).method
    'exact'
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import sympy

from gradwise.language.functions import standard_form

__all__ = ["Verdict", "same", "sample_points", "value", "agree"]

DIGITS = 50
_TOLERANCE = sympy.Float(10) ** -35  # relative: far above 50-digit round-off, far below a slip
_NICE = tuple(sympy.Rational(n) for n in ("1", "2", "-1", "1/2", "3", "-2", "1/3", "4"))
_SCALES = (1, 3, 10, 100, 1000)
_MAX_OPS = 400  # beyond this, simplify may take seconds: the numerical verdict stands
_MAX_EXPONENT = 40  # expanding (x + 1)^1000 would not end in time


@dataclass(frozen=True)
class Verdict:
    """The outcome of a comparison.

    Attributes:
        equal: whether the two are the same function (where both are defined).
        method: ``exact`` (proved by simplification, or disproved at a point),
            ``numerical`` (equal at every sampled point; SymPy could not prove it), or
            ``undecided`` (no sampled point where both are defined and real).
        point: where they differ (a nice point when one shows it), or None.
        points: the sampled points where both are defined, for further comparisons.
    """

    equal: bool
    method: str
    point: dict[sympy.Symbol, sympy.Expr] | None
    points: tuple[dict[sympy.Symbol, sympy.Expr], ...]


def same(expected: sympy.Expr, answer: sympy.Expr, symbols: Sequence[sympy.Symbol],
         seed: str = "") -> Verdict:
    """Compare ``answer`` with ``expected`` as functions of ``symbols``."""
    valid, differ = [], None
    for point in sample_points(symbols, seed):
        e, a = value(expected, point), value(answer, point)
        if e is None or a is None:
            continue
        valid.append(point)
        if differ is None and not agree(e, a):
            differ = point
        if len(valid) == 4:
            break
    if differ is not None:
        nice = _nice_point(expected, answer, symbols, seed)
        return Verdict(False, "exact", nice or differ, tuple(valid))
    if _zero(answer - expected):
        return Verdict(True, "exact", None, tuple(valid))
    return Verdict(bool(valid), "numerical" if valid else "undecided", None, tuple(valid))


def sample_points(symbols: Sequence[sympy.Symbol], seed: str,
                  count: int = 16) -> list[dict[sympy.Symbol, sympy.Expr]]:
    """``count`` random points with coordinates of several sizes, the same for the same seed.

    Coordinates are rationals with 30-digit denominators, so no two expressions that
    differ agree there by accident of small integers.
    """
    rng = random.Random(seed)
    points = []
    for k in range(count):
        scale = _SCALES[k % len(_SCALES)]
        points.append({s: sympy.Rational(rng.randint(-10**30, 10**30) * scale, 10**30)
                       + sympy.Rational(1, 7 + k) for s in symbols})
    return points


def value(expr: sympy.Expr, point: dict[sympy.Symbol, sympy.Expr]) -> sympy.Float | None:
    """``expr`` at ``point`` to 50 digits; None where it is undefined or not real."""
    exact = expr.xreplace(point)
    if exact.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return None
    try:
        number = exact.evalf(DIGITS)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    real, imaginary = number.as_real_imag()
    if not (real.is_Number and imaginary.is_Number):
        return None
    if imaginary != 0 and abs(imaginary) > _TOLERANCE * max(1, abs(real)):
        return None
    return sympy.Float(real, DIGITS)


def agree(a: sympy.Float, b: sympy.Float) -> bool:
    """Equal to 35 significant digits (relative to the larger, or absolute near 0)."""
    return bool(abs(a - b) <= _TOLERANCE * max(1, abs(a), abs(b)))


def _nice_point(expected: sympy.Expr, answer: sympy.Expr, symbols: Sequence[sympy.Symbol],
                seed: str) -> dict[sympy.Symbol, sympy.Expr] | None:
    """A point with small coordinates (1, 2, −1, 1/2 …) where the two differ, if one is found."""
    rng = random.Random(seed + "nice")
    for k in range(12):
        point = {s: _NICE[(i + k) % len(_NICE)] if k < 4 else rng.choice(_NICE)
                 for i, s in enumerate(symbols)}
        e, a = value(expected, point), value(answer, point)
        if e is not None and a is not None and not agree(e, a):
            return point
    return None


def _zero(difference: sympy.Expr) -> bool:
    """Whether SymPy proves ``difference`` to be 0 (bounded: big ones are not tried)."""
    if difference == 0:
        return True
    plain = standard_form(difference)
    if sympy.count_ops(plain) > _MAX_OPS or any(
            abs(p.exp) > _MAX_EXPONENT for p in plain.atoms(sympy.Pow) if p.exp.is_Number):
        return False
    return any(attempt(plain) == 0 for attempt in (sympy.expand, sympy.cancel, sympy.simplify))
