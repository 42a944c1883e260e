"""Settling an inconclusive second-derivative test: higher-order terms, then the neighbourhood.

Both return ``(kind, how)``: the kind of the critical point a and a sentence saying
how that was decided; ``lowest_order_term`` returns None when it cannot decide.
"""

from __future__ import annotations

import numpy as np
import sympy

from gradwise.critical.classify import Kind
from gradwise.language.notation import show
from gradwise.numeric.kernels import batch_function, precise_function

__all__ = ["lowest_order_term", "neighbourhood"]

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
        if value == 0 or abs(complex(value.evalf(50))) < 1e-40:
            continue
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


def neighbourhood(expr, variables, values) -> tuple[Kind, str]:
    """Decide by sampling f(a + h) − f(a) at 50 digits for |h| = 10⁻², 10⁻³, 10⁻⁴."""
    import mpmath

    function = precise_function(expr, variables)
    n = len(variables)
    directions = np.array([[1.0], [-1.0]]) if n == 1 else _sphere(n)
    with mpmath.workdps(50):
        centre = [mpmath.mpf(values[v].evalf(50)) for v in variables]
        scale = 1 + max(abs(c) for c in centre)
        base = function(*centre)
        zero = mpmath.mpf(10) ** -40 * (1 + abs(base))
        signs = set()
        for radius in _RADII:
            signs = {_sign(function(*_step(centre, d, radius * scale)) - base, zero)
                     for d in directions}
    return _verdict(signs, n, len(directions))


def _step(centre, direction, length):
    return [c + length * float(u) for c, u in zip(centre, direction, strict=True)]


def _sign(value, zero) -> int:
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
