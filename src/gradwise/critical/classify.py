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

import functools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import sympy

from gradwise.language.expressions import exact_number
from gradwise.language.notation import show
from gradwise.language.numbers import float_text
from gradwise.numeric.kernels import batch_function, precise_function

__all__ = ["Kind", "Verdict", "second_derivative_test", "discriminant", "kink",
           "lowest_order_term", "neighbourhood"]

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
                           exact: bool = False, deadline: float | None = None,
                           at: sympy.Matrix | None = None) -> Verdict:
    """Classify the critical point ``point``; ``exact`` says its coordinates are exact.

    Args:
        expr: f.
        variables: its variables, in the order of ``point``.
        matrix: the Hessian of f (exact, n×n).
        point: the critical point: exact SymPy numbers, or floats / SymPy Floats.
        exact: whether ``point`` is exact (then a zero eigenvalue is decided exactly).
        deadline: when an inconclusive test must stop being settled (``time.monotonic()``);
            past it, the point stays "degenerate" and says so.
        at: the Hessian at ``point`` where the caller has it already (exact with ``exact``).

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
    at = matrix.xreplace(values) if at is None else at
    if not _twice_differentiable(at):  # a kink of |u| or relu: H holds δ(0), no number
        kind, how = kink(expr, variables, values, deadline)
        return Verdict(kind, (), "f is not twice differentiable here (a kink, or the edge of "
                       "its domain), so the second-derivative test does not apply", how)
    eigenvalues = _eigenvalues(at)
    zero = _is_singular(at, eigenvalues, exact)
    kind = _kind(eigenvalues, zero, len(variables))
    reason = _reason(at, eigenvalues, kind)
    if kind != "degenerate":
        return Verdict(kind, eigenvalues, reason)
    kind, how = _settle(expr, variables, values, exact, deadline)
    return Verdict(kind, eigenvalues, reason, how)


def _eigenvalues(at: sympy.Matrix) -> tuple[float, ...]:
    numbers = np.array([[_real(c) for c in row] for row in at.tolist()])
    if not np.all(np.isfinite(numbers)):
        return tuple(float("nan") for _ in range(at.rows))
    return tuple(float(v) for v in np.linalg.eigvalsh(numbers))


def _real(value: sympy.Expr) -> float:
    """A real number, or NaN where SymPy cannot give one (δ(0), an undefined value)."""
    try:
        return float(sympy.re(_evalf30(value)))
    except TypeError:
        return float("nan")


@functools.lru_cache(maxsize=512)  # the test reads each entry of H three times, and D
def _evalf30(value: sympy.Expr) -> sympy.Expr:
    return value.evalf(30)


def _is_singular(at: sympy.Matrix, eigenvalues: tuple[float, ...], exact: bool) -> list[bool]:
    """Which eigenvalues are 0: by the exact rank where the entries are rational."""
    n = len(eigenvalues)
    if exact and all(c.is_Rational for c in at):
        zeros = n - at.rank()
    else:
        # exact coordinates at 30 digits carry no noise: relative to the largest; float
        # points carry ~1e-8 of it, and a floor of 1 keeps noise from faking a sign
        largest = max([0.0 if exact else 1.0] + [abs(v) for v in eigenvalues if v == v])
        # NaN (a value SymPy could not give) counts as 0: the test cannot decide then
        zeros = sum(not abs(v) > (1e-20 if exact else 1e-7) * largest for v in eigenvalues)
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
    return float_text(_real(value))


def _compare(value: sympy.Expr) -> str:
    number = _real(value)
    # at 30 digits, anything the test did not call 0 has a sign worth showing
    return "= 0" if value == 0 or not abs(number) >= 1e-30 else ("> 0" if number > 0 else "< 0")


# -- kinks: |x| at 0, relu ------------------------------------------------------------------

def _twice_differentiable(at: sympy.Matrix) -> bool:
    if at.has(sympy.DiracDelta, sympy.zoo, sympy.nan, sympy.oo, -sympy.oo):
        return False
    # a real number evaluates to a Float (or stays a Rational); a complex one, or one SymPy
    # cannot give as a number, to something else (1.0·I, an unevaluated function)
    return all(c.is_number and isinstance(_evalf30(c), (sympy.Float, sympy.Rational))
               for c in at)


def kink(expr, variables, values, deadline: float | None = None) -> tuple[Kind, str]:
    """Classify where f has a kink: in one variable by the signs of f′ just left and just
    right of the point (the first-derivative test), else (or where f′ is 0 on a side) by
    sampling f(a + h) − f(a).

    Example:
        >>> x = sympy.Symbol("x", real=True)
        >>> kind, how = kink(sympy.Abs(x), (x,), {x: sympy.Integer(0)})
        >>> kind, how.split(": ")[1]
        ('minimum', 'f′ < 0 just left of 0 and f′ > 0 just right (f′(0−) = −1, f′(0+) = 1)')
    """
    if len(variables) == 1:
        sides = _one_sided(expr, variables[0], values)
        verdict = None if sides is None else first_derivative_test(show(values[variables[0]]),
                                                                   *sides)
        if verdict is not None:
            return verdict
    return neighbourhood(expr, variables, values, deadline)


def first_derivative_test(at: str, near: Sequence[float], limits: Sequence[float]
                          ) -> tuple[Kind, str] | None:
    """The kind of a kink in one variable from f′ just left and right of it (``near``, both
    non-zero) and the one-sided derivatives f′(a−), f′(a+) (``limits``, as shown)."""
    left, right = near
    if not (math.isfinite(left) and math.isfinite(right)) or left == 0 or right == 0:
        return None
    kind: Kind = "minimum" if left < 0 < right else "maximum" if left > 0 > right \
        else "inflection"
    sign = {True: "< 0", False: "> 0"}
    return kind, (f"the first-derivative test: f′ {sign[left < 0]} just left of {at} and "
                  f"f′ {sign[right < 0]} just right (f′({at}−) = {float_text(limits[0])}, "
                  f"f′({at}+) = {float_text(limits[1])})")


def one_sided_limit(near: float, nearer: float, ratio: float) -> float:
    """f′(a±) from f′ at two distances from a, the second ``ratio`` times the first: 0 where
    f′ shrinks with the distance (x² + relu(x) at 0, from the left), else the nearer value."""
    return 0.0 if abs(nearer) <= ratio ** (1 / 3) * abs(near) else nearer


def _real_function(expr, variables):
    """``expr`` at mpmath's precision, raising ValueError where it is not a real number: its
    tape (``tapes_precise``) does, where mpmath alone continues acos(y) past 1 into the
    complex plane, so that acos(y)² had a real right side at 1 (−acosh(y)²), and f′(1+) = −2."""
    import mpmath

    from gradwise.numeric.tapes import Tape, Unsupported
    from gradwise.numeric.tapes_precise import evaluate

    try:
        tape = Tape([expr], list(variables))
    except Unsupported:
        return precise_function(expr, variables)
    return lambda *point: evaluate(tape, point, mpmath.mp.dps)[0]


def _one_sided(expr, v, values) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """f′ at 10⁻³⁰ left and right of the point (50 digits), and the one-sided limits."""
    import mpmath

    slope = _real_function(sympy.diff(expr, v), (v,))
    with mpmath.workdps(50):
        a = mpmath.mpf(values[v].evalf(50))
        near, nearer = (mpmath.mpf(10) ** -k * (1 + abs(a)) for k in (20, 30))
        try:
            sides = [[slope(a - h), slope(a + h)] for h in (near, nearer)]
        except (ValueError, ZeroDivisionError, TypeError):
            return None
        if any(not mpmath.isfinite(s) or mpmath.im(s) != 0 for pair in sides for s in pair):
            return None
        sides = [[mpmath.re(s) for s in pair] for pair in sides]  # mpc with 0j: real
        if any(mpmath.sign(s) != mpmath.sign(t) for s, t in zip(*sides)):
            return None  # f′ changes sign again next to the point: sample instead
        limits = tuple(one_sided_limit(float(s), float(t), 1e-10) for s, t in zip(*sides))
        return (float(sides[1][0]), float(sides[1][1])), limits  # type: ignore[return-value]


# -- settling an inconclusive test ------------------------------------------------------

def _settle(expr, variables, values, exact, deadline) -> tuple[Kind, str]:
    if exact and all(c.is_Rational for c in values.values()):
        settled = lowest_order_term(expr, variables, values)
        if settled is not None:
            return settled
    return neighbourhood(expr, variables, values, deadline)


# -- higher order: the lowest-order term, then the neighbourhood -------------------------

_MAX_ORDER = 12
_RADII = (1e-2, 1e-3, 1e-4)
_DIRECTIONS = 600


def lowest_order_term(expr, variables, values) -> tuple[Kind, str] | None:
    """Decide by the first non-zero derivative (one variable) or Taylor term (polynomials)."""
    if len(variables) == 1:
        return _first_derivative(expr, variables[0], values)
    if not expr.is_polynomial(*variables):
        return None
    shifted = sympy.expand(expr.xreplace({v: v + values[v] for v in variables})
                           - expr.xreplace(values))
    terms = sympy.Poly(shifted, *variables).terms()
    if not terms:
        return None
    k = min(sum(m) for m, _ in terms)
    term = sum(c * sympy.Mul(*(v**e for v, e in zip(variables, m, strict=True)))
               for m, c in terms if sum(m) == k)
    return _decide(term, k, variables, values)


def _first_derivative(expr, v, values) -> tuple[Kind, str] | None:
    derivative = sympy.diff(expr, v, 2)
    for order in range(3, _MAX_ORDER + 1):
        derivative = sympy.diff(derivative, v)
        value = derivative.xreplace(values)
        try:
            if value == 0 or abs(complex(value.evalf(50))) < 1e-40:
                continue
        except TypeError:  # δ(0) and kin: no higher derivative to read
            return None
        label = f"f{'‴' if order == 3 else f'⁽{order}⁾'.translate(_SUPER)}({show(values[v])})"
        positive = float(sympy.re(value.evalf(30))) > 0
        if order % 2:
            return "inflection", (f"the first non-zero derivative is {label} = {show(value)}, "
                                  f"of odd order {order}, so f′ keeps its sign through the point")
        return ("minimum" if positive else "maximum"), (
            f"the first non-zero derivative is {label} = {show(value)} "
            f"{'>' if positive else '<'} 0, of even order {order}")
    return None


_SUPER = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def _decide(term, k, variables, values) -> tuple[Kind, str] | None:
    shown = show(term.xreplace({v: v - values[v] for v in variables}))
    lead = f"the lowest-order term of f(a + h) − f(a) is {shown}, of "
    if k % 2:
        return "saddle", lead + f"odd degree {k}, so f takes both signs next to the point"
    signs = _signs(term, variables)
    if signs == {1}:
        return "minimum", lead + f"even degree {k} and positive in every direction"
    if signs == {-1}:
        return "maximum", lead + f"even degree {k} and negative in every direction"
    if {1, -1} <= signs:
        return "saddle", lead + f"even degree {k}, and it takes both signs"
    return None


def _signs(form, variables) -> set[int]:
    """The signs a homogeneous form takes on non-zero vectors (0 where it vanishes)."""
    if len(variables) == 2:
        x, y = variables
        t = sympy.Dummy("t", real=True)
        q = sympy.Poly(form.xreplace({x: t, y: 1}), t)
        roots = sorted(float(r.evalf(30)) for r in q.real_roots())
        middles = [(a + b) / 2 for a, b in zip(roots, roots[1:], strict=False)]
        probes = [r - 1 for r in roots[:1]] + middles + [r + 1 for r in roots[-1:]] or [0.0]
        signs = {int(sympy.sign(q.eval(sympy.Rational(p)))) for p in probes}
        signs |= {int(sympy.sign(form.xreplace({x: 1, y: 0})))}
        return signs | ({0} if roots else set())
    directions = _sphere(len(variables))
    values = batch_function([form], variables)(directions)[:, 0]
    return {int(s) for s in np.sign(np.broadcast_to(values, len(directions)))}


def _sphere(n: int) -> np.ndarray:
    points = np.random.default_rng(0).standard_normal((_DIRECTIONS, n))
    return points / np.linalg.norm(points, axis=1, keepdims=True)


def neighbourhood(expr, variables, values, deadline: float | None = None) -> tuple[Kind, str]:
    """Decide by sampling f(a + h) − f(a) at 50 digits for |h| = 10⁻², 10⁻³, 10⁻⁴.

    Stops at ``deadline`` (``time.monotonic()``), leaving the point "degenerate".
    """
    import mpmath

    function = _real_function(expr, variables)
    n = len(variables)
    directions = np.array([[1.0], [-1.0]]) if n == 1 else _sphere(n)
    with mpmath.workdps(50):
        centre = [mpmath.mpf(values[v].evalf(50)) for v in variables]
        scale = 1 + max(abs(c) for c in centre)
        try:
            base = function(*centre)
        except (ValueError, ZeroDivisionError):
            return "degenerate", "f is not a real number at the point, so it cannot be sampled"
        zero = mpmath.mpf(10) ** -40 * (1 + abs(base))
        signs: set[int | None] = set()
        for radius in _RADII:
            signs = set()
            for d in directions:
                if deadline is not None and time.monotonic() > deadline:
                    return "degenerate", ("the second-derivative test is inconclusive and the "
                                          "budget ran out before sampling settled it")
                signs.add(_change(function, _step(centre, d, radius * scale), base, zero))
    # a direction where f is not real (x^(π/4) left of 0) says nothing
    return _verdict({s for s in signs if s is not None}, n, len(directions))


def _step(centre, direction, length):
    return [c + length * float(u) for c, u in zip(centre, direction, strict=True)]


def _change(function, point, base, zero) -> int | None:
    """The sign of f(point) − f(a), or None where f is not a real number at the point."""
    try:
        return _sign(function(*point) - base, zero)
    except (ValueError, ZeroDivisionError):
        return None


def _sign(value, zero) -> int | None:
    """The sign of a change of f, or None where f is not a real number there."""
    import mpmath

    if isinstance(value, mpmath.mpc):
        if not abs(value.imag) < zero:
            return None
        value = value.real
    if not mpmath.isfinite(value):
        return None
    return 0 if abs(value) < zero else (1 if value > 0 else -1)


def _verdict(signs: set[int], n: int, count: int) -> tuple[Kind, str]:
    where = (f"f(a + h) − f(a) sampled at 50 digits in {count} directions for |h| down to "
             f"10⁻⁴ (a numerical check, not a proof)")
    if {1, -1} <= signs:
        return ("inflection" if n == 1 else "saddle"), where + ": it takes both signs"
    if signs == {1}:
        return "minimum", where + ": it is positive"
    if signs == {-1}:
        return "maximum", where + ": it is negative"
    if signs == {0}:
        return "degenerate", where + ": it is 0, so f is flat here (not an isolated point)"
    kind: Kind = "minimum" if 1 in signs else "maximum"
    return kind, where + f": it is {'≥' if kind == 'minimum' else '≤'} 0 (not strict)"
