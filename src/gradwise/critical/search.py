"""Critical points: where ∇f = 0, found exactly where possible and numerically where not.

``critical_points`` sends ∇f = 0 to SymPy in a worker process that is killed when the time
budget runs out (``_solve_worker``), and meanwhile searches a box numerically
(:mod:`gradwise.critical.boxes`); it merges both, keeps exact coordinates where they are
readable, and classifies every point (:mod:`gradwise.critical.classify`). The worker and the
numeric search run at the same time (two processes): the numeric search gets the first half
of the budget, SymPy until 85 % of it; the rest is for classifying what was found. Every
call returns within its budget, with ``complete`` saying whether the list is all of them.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import numpy as np
import sympy

from gradwise.calculus.gradients import as_expression, gradient, hessian, resolve_point
from gradwise.critical._solve_worker import start_job
from gradwise.critical.boxes import NumericFunction, newton, numeric_function, search_box
from gradwise.critical.classify import discriminant, second_derivative_test
from gradwise.critical.points import DEFAULT_BOX, Box, CriticalPoint, CriticalPoints
from gradwise.critical.symbolic import solve_gradient
from gradwise.critical.text import describe_curves, enumerate_grid
from gradwise.errors import InputError, problem
from gradwise.language.expressions import Expression, exact_number
from gradwise.language.numbers import minus

__all__ = ["critical_points", "classify_point", "nearest_critical_point", "parse_box",
           "classify", "polish"]

NUMERIC_SHARE = 0.5
SOLVE_SHARE = 0.85
_SAME = 1e-6  # points closer than this (relative) are one point

Candidate = tuple[list[sympy.Expr], bool]  # coordinates, and whether they are exact


def critical_points(f: Expression | str, within: Mapping[str, Any] | str | None = None, *,
                    budget: float = 5.0, starts: int | None = None) -> CriticalPoints:
    """Every point where ∇f = 0, classified, within ``budget`` seconds.

    Args:
        f: the function, as text or ``gradwise.parse(...)``.
        within: a box such as ``"x=-5:5, y=-pi:pi"`` or ``{"x": (-5, 5), "y": (-3, 3)}``:
            only points inside it are listed, and the numeric search looks there
            (in [−10, 10] per variable when no box is given).
        budget: seconds for the whole call; SymPy is stopped when it runs out.
        starts: starting points for the numeric search (default 200 per variable).

    Returns:
        The points, each with exact and float coordinates, value, kind and Hessian
        eigenvalues, and whether the list is complete, with a note.

    Raises:
        InputError: the budget is not positive, the box is malformed, or f has parameters
            without values.

    Example:
        >>> result = critical_points("x^3 + x y - 3y^2")
        >>> [(p.coordinates, p.kind) for p in result], result.complete
        ([('(−1/18, −1/108)', 'maximum'), ('(0, 0)', 'saddle')], True)
    """
    started = time.monotonic()
    if not isinstance(budget, int | float) or not budget > 0 or budget != budget:
        raise InputError(f"budget must be a positive number of seconds; received {budget!r}; "
                         "for example budget=5")
    expression = as_expression(f)
    if not expression.variables:
        raise InputError(f"{expression.text!r} has no variables, so it has no critical points")
    if expression.parameters:
        names = ", ".join(p.name for p in expression.parameters)
        raise InputError(problem(f"the critical points of {expression.text!r} depend on its "
                                 f"parameters {names}, which have no values",
                                 fix=f"fix them first, e.g. parse(text, constants="
                                 f"'{expression.parameters[0].name}=1'), or make them "
                                 "variables with wrt="))
    box = parse_box(within, expression) if within is not None else None
    return _search(expression, box, started, budget, starts)


def classify_point(f: Expression | str, point: Mapping[str, Any] | Any,
                   tol: float = 1e-6) -> CriticalPoint:
    """Classify a point already known to be critical (e.g. where a descent stopped).

    Args:
        f: the function.
        point: ``{"x": 1, "y": 2}`` or coordinates in variable order; exact numbers
            (ints, fractions, SymPy) are classified exactly.
        tol: the largest |∇f| accepted as zero.

    Raises:
        InputError: |∇f| at the point exceeds ``tol`` (use ``nearest_critical_point``).

    Example:
        >>> classify_point("x^4 + y^4", [0, 0]).kind
        'minimum'
    """
    expression = as_expression(f)
    values = _coordinates(expression, point)
    size = float(sympy.sqrt(sum(c**2 for c in gradient(expression).at(values).exact)).evalf(17))
    if size > tol:
        raise InputError(f"{_point_text(values)} is not a critical point of {expression.text!r}: "
                         f"|∇f| = {size:.3g} > tol = {tol:g}. Fix: use nearest_critical_point "
                         "to find the one near it")
    exact = all(isinstance(v, sympy.Rational) for v in values)
    return classify(expression, hessian(expression).matrix, values, exact)


def nearest_critical_point(f: Expression | str, point: Mapping[str, Any] | Any,
                           radius: float = 1.0) -> CriticalPoint | None:
    """The critical point that Newton's method reaches from ``point``, classified, or None.

    Made for a descent that stopped: ``nearest_critical_point(f, result.point)``
    names the point it reached and its kind. Only a point within ``radius`` (in each
    coordinate) of ``point`` counts; None when there is none.

    Example:
        >>> p = nearest_critical_point("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [2.9, 2.1])
        >>> p.coordinates, p.kind
        ('(3, 2)', 'minimum')
    """
    expression = as_expression(f)
    values = [float(v) for v in _coordinates(expression, point)]
    if not radius > 0:
        raise InputError(f"radius must be positive; received {radius!r}")
    return polish(expression, np.array(values), radius)


def parse_box(within: Mapping[str, Any] | str, f: Expression) -> Box:
    """``"x=-5:5, y=-pi:pi"`` or ``{"x": (-5, 5)}`` as exact bounds for every variable."""
    from gradwise.critical.text import read_box

    box = read_box(within)
    unknown = [n for n in box if n not in f.names]
    if unknown:
        raise InputError(f"the box names {unknown[0]!r}, which is not a variable of "
                         f"{f.text!r}; its variables are {', '.join(f.names)}")
    missing = [n for n in f.names if n not in box]
    if missing:
        raise InputError(f"the box gives no range for {missing[0]!r}. Fix: add "
                         f"{missing[0]}=low:high")
    return {n: box[n] for n in f.names}


def _coordinates(f: Expression, point: Mapping[str, Any] | Any) -> list[sympy.Expr]:
    if not isinstance(point, Mapping | str):
        point = [float(p) if isinstance(p, np.floating) else p for p in point]
    values = resolve_point(f, point)
    return [values[v] for v in f.variables]


def _point_text(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"


def _search(f: Expression, box: Box | None, started: float, budget: float,
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

