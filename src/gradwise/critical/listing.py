"""From candidate points to classified ``CriticalPoint``s, within a deadline.

Kinds are proven in bulk from the Hessian over each certified root's box (``definite``);
points with exact coordinates get the exact second-derivative test (exact D, exact f) while
there are few of them and time is left; a test that stays inconclusive is settled by the
lowest-order term or by sampling (``classify``), stopping at the deadline.
"""

from __future__ import annotations

import functools
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import sympy

from gradwise.critical.classify import second_derivative_test
from gradwise.critical.definite import hessian_signs
from gradwise.critical.points import CriticalPoint
from gradwise.language.expressions import Expression, exact_number
from gradwise.numeric.tapes import System, Tape, Unsupported

__all__ = ["Candidate", "classify_all", "classify", "identify", "identify_many", "identify_in",
           "simple_number"]

EXACT_TESTS = 60  # exact tests cost milliseconds each: beyond this many points, floats


@dataclass(frozen=True)
class Candidate:
    """A point to list: float coordinates, exact ones if known, its proven box if any."""

    point: np.ndarray
    exact: tuple[sympy.Expr, ...] | None = None
    box: np.ndarray | None = None
    radius: np.ndarray | None = None  # how far off the point may be (unproven points)

    @property
    def certified(self) -> bool:
        return self.box is not None


def classify_all(f: Expression, matrix: sympy.Matrix, system: System | None,
                 candidates: Sequence[Candidate], deadline: float) -> list[CriticalPoint]:
    """Every candidate classified: proven kinds in bulk, exact tests while affordable."""
    certified = [c for c in candidates if c.box is not None]
    bulk: dict[int, tuple[str, np.ndarray, str]] = {}
    if certified and system is not None:
        signs = hessian_signs(system, np.array([c.box for c in certified]))
        for c, kind, eig, reason in zip(certified, signs.kinds, signs.eigenvalues,
                                        signs.reasons):
            bulk[id(c)] = (kind, eig, reason)
    values = _values(f, system, candidates)
    exact_budget = EXACT_TESTS
    points = []
    for c, value in zip(candidates, values):
        proven = bulk.get(id(c))
        use_exact = c.exact is not None and exact_budget > 0 and time.monotonic() < deadline
        exact_budget -= use_exact
        if proven is not None and proven[0] != "degenerate" and not use_exact:
            points.append(_point(f, c, value, *proven))
        else:
            points.append(classify(f, matrix, c, deadline, value if not use_exact else None,
                                   system))
    return points


def classify(f: Expression, matrix: sympy.Matrix, c: Candidate, deadline: float | None,
             value: float | None = None, system: System | None = None) -> CriticalPoint:
    """One point: the second-derivative test (exact where ``c.exact``), settled if inconclusive.

    With ``system``, an exact point's f and H come from its tapes walked in exact numbers
    (``tapes_precise.exact``), each shared subexpression once."""
    exact = c.exact is not None
    values = list(c.exact) if c.exact is not None else [sympy.Float(float(v), 30)
                                                        for v in c.point]
    H, at = (_exact_at(system, values) if exact and system is not None and system.value.outputs
             else (None, None))
    verdict = second_derivative_test(f.expr, f.variables, matrix, values, exact, deadline, H)
    if exact and at is None:
        at = f.expr.xreplace(dict(zip(f.variables, values)))
    if value is None:
        value = _float(at) if exact else _float(f.expr.xreplace(
            dict(zip(f.variables, values))))
    return CriticalPoint(f.names, tuple(float(v) for v in c.point),
                         c.exact, value, verdict.kind,
                         verdict.eigenvalues, verdict.reason, verdict.settled_by,
                         at if exact else None, c.certified)


def _exact_at(system: System, point: list) -> tuple[sympy.Matrix | None, sympy.Expr | None]:
    """H and f at an exact point from the tapes, or (None, None) where they cannot say."""
    from gradwise.numeric.tapes_precise import exact

    values = exact(system.value_and_hessian, point)  # their shared parts (e^(…)) once
    if values is None:
        return None, None
    cells = dict(zip(system.upper, values[1:]))
    return sympy.Matrix(system.n, system.n,
                        lambda i, j: cells[min(i, j), max(i, j)]), values[0]


def _point(f: Expression, c: Candidate, value: float, kind: str, eigenvalues: np.ndarray,
           reason: str) -> CriticalPoint:
    return CriticalPoint(f.names, tuple(float(v) for v in c.point), c.exact, value,
                         kind, tuple(float(e) for e in eigenvalues), reason,  # type: ignore[arg-type]
                         certified=c.certified)


def _values(f: Expression, system: System | None, candidates: Sequence[Candidate]) -> list:
    if not candidates:
        return []
    if system is None:
        return [_float(f.expr.xreplace(dict(zip(f.variables, (sympy.Float(float(v), 30)
                                                              for v in c.point)))))
                for c in candidates]
    values = system.value.floats(np.array([c.point for c in candidates]))[:, 0]
    # rounding noise of a float point (sin(x)·sin(y) at (π, π), Himmelblau's minima) reads 0
    inexact = np.array([c.exact is None for c in candidates])
    return np.where(inexact & (np.abs(values) < 1e-14), 0.0, values).tolist()


def identify(components: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol],
             x: np.ndarray) -> tuple[sympy.Expr, ...] | None:
    """Coordinates that are simple fractions (of π) where ∇f is exactly 0, checked by SymPy."""
    guess = [simple_number(float(c)) for c in x]
    if any(g is None for g in guess):
        return None
    return tuple(guess) if _vanishes(components, variables, guess) else None  # type: ignore


def _vanishes(components: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol],
              point: list) -> bool:
    """Whether every component is exactly 0 at the exact ``point``: SymPy's own exact
    numbers, through ∇f's tape where it gives what ``xreplace`` gives."""
    from gradwise.numeric.tapes_precise import exact

    tape = _gradient_tape(tuple(components), tuple(variables))
    values = exact(tape, point) if tape is not None else None
    if values is None:
        at = dict(zip(variables, point))
        values = [c.xreplace(at) for c in components]
    return all(v == 0 for v in values)


@functools.lru_cache(maxsize=64)
def _gradient_tape(components: tuple, variables: tuple) -> Tape | None:
    try:
        return Tape(components, variables)
    except Unsupported:
        return None


def identify_many(components: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol],
                  points: np.ndarray,
                  deadline: float | None = None) -> list[tuple[sympy.Expr, ...] | None]:
    """``identify`` for many points, with one NumPy look first at which could be simple;
    past ``deadline`` (``time.monotonic()``) the rest keep their floats."""
    if not len(points):
        return []
    maybe = np.all(_could_be_simple(points), axis=1)
    return [identify(components, variables, x)
            if ok and (deadline is None or time.monotonic() < deadline) else None
            for x, ok in zip(points, maybe)]


def _could_be_simple(values: np.ndarray) -> np.ndarray:
    """Whether each value is within 2·10⁻⁹ of some p/q or p·π/q with q ≤ 1000: the
    convergents of its continued fraction are the best such fractions (Legendre)."""
    near = np.zeros(values.shape, dtype=bool)
    with np.errstate(all="ignore"):
        for unit in (1.0, math.pi):
            x = values / unit
            tol = 2e-9 * (1 + np.abs(values)) / unit
            rest, (h0, h1), (k0, k1) = x.copy(), (np.ones_like(x), np.zeros_like(x)), \
                (np.zeros_like(x), np.ones_like(x))
            for _ in range(12):
                a = np.floor(rest)
                h0, h1 = a * h0 + h1, h0
                k0, k1 = a * k0 + k1, k0
                near |= (k0 <= 1000) & (np.abs(x - h0 / k0) <= tol)
                rest = 1 / (rest - a)
    return near


def identify_in(components: Sequence[sympy.Expr], variables: Sequence[sympy.Symbol],
                low: np.ndarray, high: np.ndarray) -> tuple[sympy.Expr, ...] | None:
    """The simplest point of the box [low, high] (fractions, of π) if ∇f is exactly 0 there."""
    guess = [simplest_in(float(a), float(b)) for a, b in zip(low, high)]
    if any(g is None for g in guess):
        return None
    return tuple(guess) if _vanishes(components, variables, guess) else None  # type: ignore


def simplest_in(low: float, high: float) -> sympy.Expr | None:
    """p/q, or p·π/q, in [low, high] with the least q ≤ 100, or None."""
    for q in range(1, 101):
        for unit, factor in ((1.0, sympy.Integer(1)), (math.pi, sympy.pi)):
            p = math.ceil(low / unit * q)
            if p / q * unit <= high:
                return sympy.Rational(p, q) * factor
    return None


_DENOMINATORS = np.arange(1, 1001)


def simple_number(c: float) -> sympy.Expr | None:
    """p/q or p·π/q (q ≤ 1000) within 10⁻⁹ of ``c``, or None."""
    if not math.isfinite(c):
        return None
    for unit, factor in ((1.0, sympy.Integer(1)), (math.pi, sympy.pi)):
        multiples = c / unit * _DENOMINATORS  # a quick look first: most points are not simple
        if np.min(np.abs(multiples - np.round(multiples)) / _DENOMINATORS) * unit > \
                2e-9 * (1 + abs(c)):
            continue
        guess = Fraction(c / unit).limit_denominator(1000)
        if abs(float(guess) * unit - c) <= 1e-9 * (1 + abs(c)):
            return sympy.Rational(guess.numerator, guess.denominator) * factor
    return None


def _float(value: sympy.Expr) -> float:
    return float(sympy.re(exact_number(value).evalf(17)))
