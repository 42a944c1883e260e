"""How ``critical_points`` spends its budget: SymPy in a worker, Newton in the box, then merge.

The worker and the numeric search run at the same time (two processes). The
numeric search gets the first half of the budget, SymPy until 85 % of it; the rest
is for classifying what was found.
"""

from __future__ import annotations

import time

import numpy as np
import sympy

from gradwise.calculus.gradients import gradient, hessian
from gradwise.critical._solve_worker import start_job
from gradwise.critical.boxes import NumericFunction, newton, numeric_function, search_box
from gradwise.critical.classify import discriminant, second_derivative_test
from gradwise.critical.points import DEFAULT_BOX, Box, CriticalPoint, CriticalPoints
from gradwise.critical.symbolic import solve_gradient
from gradwise.critical.text import describe_curves, enumerate_grid
from gradwise.language.expressions import Expression, exact_number
from gradwise.language.numbers import minus

__all__ = ["search", "classify", "polish"]

NUMERIC_SHARE = 0.5
SOLVE_SHARE = 0.85
_SAME = 1e-6  # points closer than this (relative) are one point

Candidate = tuple[list[sympy.Expr], bool]  # coordinates, and whether they are exact


def search(f: Expression, box: Box | None, started: float, budget: float,
           starts: int | None) -> CriticalPoints:
    g, h = gradient(f), hessian(f)
    linear = all(c.is_polynomial(*f.variables) and sympy.Poly(c, *f.variables).total_degree() <= 1
                 for c in g.components)
    # a linear system is solved at once here; anything else may take SymPy hours
    job = None if linear else start_job(g.components, f.variables)
    fn = numeric_function(f, g.components, h.matrix)
    bounds = _bounds(f, box)
    found = search_box(fn, bounds, started + NUMERIC_SHARE * budget, starts)
    answer = solve_gradient(g.components, f.variables) if job is None else \
        job.result(started + SOLVE_SHARE * budget)
    candidates, complete, note = _merge(f, answer, found, box, bounds, budget)
    points = tuple(classify(f, h.matrix, values, exact) for values, exact in candidates)
    points = tuple(sorted(points, key=lambda p: p.point))
    d = discriminant(h.matrix) if len(f.variables) == 2 else None
    return CriticalPoints(f, points, complete, note, box, d, time.monotonic() - started,
                          out_of_time=answer is None)


def classify(f: Expression, matrix: sympy.Matrix, values: list[sympy.Expr],
             exact: bool) -> CriticalPoint:
    verdict = second_derivative_test(f.expr, f.variables, matrix, values, exact)
    at = f.expr.xreplace(dict(zip(f.variables, values, strict=True)))
    value = _float(at)
    if not exact and abs(value) < 1e-14:
        value = 0.0  # rounding noise of a float point, e.g. sin(x)sin(y) at (π, π)
    return CriticalPoint(f.names, tuple(_float(v) for v in values),
                         tuple(values) if exact else None, value, verdict.kind,
                         verdict.eigenvalues, verdict.reason, verdict.settled_by,
                         at if exact else None)


def polish(f: Expression, start: np.ndarray, radius: float) -> CriticalPoint | None:
    g, h = gradient(f), hessian(f)
    fn = numeric_function(f, g.components, h.matrix)
    bounds = np.stack([start - radius, start + radius], axis=1)
    X, converged = newton(fn, start[None, :], bounds, time.monotonic() + 5.0)
    inside = np.all(np.abs(X[0] - start) <= radius)
    if not (converged[0] and inside and _is_critical(fn, X[0])):
        return None
    return classify(f, h.matrix, *_identify(g.components, f.variables, X[0]))


# -- merging the symbolic answer with the numeric one --------------------------------------

def _merge(f, answer, found, box, bounds, budget) -> tuple[list[Candidate], bool, str]:
    where = _where(f, box)
    if answer is None or isinstance(answer, str):
        why = f"SymPy did not finish within {SOLVE_SHARE * budget:.3g} s" if answer is None \
            else f"SymPy could not solve ∇f = 0 ({answer})"
        return _numeric(f, found), False, f"{why}; found numerically {where}"
    if answer.curves:
        return [], False, describe_curves(answer.curves, f)
    if answer.grid is not None:
        return enumerate_grid(answer.grid, f, box)
    exact = [p for p in answer.points if _inside(p, bounds) or box is None]
    extra = [x for x in found if not any(_near(x, p) for p in exact)]
    candidates = [_readable(p) for p in exact] + _numeric(f, extra)
    if answer.complete and not extra:
        return candidates, True, answer.note + (" (points in the box)" if box else "")
    if answer.complete:
        return candidates, False, (f"{answer.note}, but the numeric search found "
                                   f"{len(extra)} more {where}; the list may be incomplete")
    return candidates, False, f"{answer.note}; also searched numerically {where}"


def _where(f: Expression, box: Box | None) -> str:
    if box is not None:
        return "in the box"
    low, high = DEFAULT_BOX
    return minus(f"in {', '.join(f.names)} ∈ [{low}, {high}] (give within= to search "
                 "elsewhere)")


def _bounds(f: Expression, box: Box | None) -> np.ndarray:
    if box is None:
        return np.array([DEFAULT_BOX] * len(f.variables), dtype=float)
    return np.array([[float(lo), float(hi)] for lo, hi in box.values()])


def _inside(point, bounds: np.ndarray) -> bool:
    x = np.array([_float(c) for c in point])
    slack = 1e-12 * (1 + np.abs(bounds).max())
    return bool(np.all((x >= bounds[:, 0] - slack) & (x <= bounds[:, 1] + slack)))


def _near(x: np.ndarray, point) -> bool:
    p = np.array([_float(c) for c in point])
    return bool(np.max(np.abs(x - p) / (1 + np.abs(p))) < _SAME)


def _readable(point) -> Candidate:
    """Exact coordinates where they read well; a CRootOf maze becomes 30-digit floats."""
    if any(c.has(sympy.CRootOf) or len(str(c)) > 60 for c in point):
        return [sympy.Float(sympy.re(c.evalf(30)), 30) for c in point], False
    return list(point), True


def _numeric(f: Expression, points) -> list[Candidate]:
    g = gradient(f)
    return [_identify(g.components, f.variables, x) for x in points]


def _identify(components, variables, x: np.ndarray) -> Candidate:
    """Coordinates that are simple fractions (of π), checked exactly: ∇f there is exactly 0."""
    guess = [_simple(float(c)) for c in x]
    if all(g is not None for g in guess) and all(
            c.xreplace(dict(zip(variables, guess, strict=True))) == 0 for c in components):
        return guess, True
    return [sympy.Float(float(c), 17) for c in x], False


def _simple(c: float) -> sympy.Expr | None:
    for unit in (sympy.Integer(1), sympy.pi):
        guess = sympy.Rational(c / float(unit)).limit_denominator(100) * unit
        if abs(float(guess) - c) <= 1e-9 * (1 + abs(c)):
            return guess
    return None


def _is_critical(fn: NumericFunction, x: np.ndarray) -> bool:
    with np.errstate(all="ignore"):
        return bool(np.linalg.norm(fn.gradient(x[None, :])[0]) <= 1e-8)


def _float(value: sympy.Expr) -> float:
    return float(sympy.re(exact_number(value).evalf(17)))

