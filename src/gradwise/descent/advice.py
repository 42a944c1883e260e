"""Which learning rate? The Hessian's spectrum gives the answer, method by method.

Near a point f looks like a quadratic with Hessian H. Along an eigenvector with eigenvalue
λ > 0, plain descent multiplies the error by (1 − ηλ) a step, so it is stable iff
0 < η < 2/λ for the largest λ, and fastest along that direction at η = 1/λ. Heavy-ball
momentum (v ← βv + ∇f, Δ = −ηv) is stable iff 0 < η < 2(1 + β)/λ, Nesterov's form
(Δ = −η(∇f + βv)) iff 0 < η < 2(1 + β)/((1 + 2β)λ): the roots of each recurrence's
characteristic polynomial lie inside the unit circle exactly there. AdaGrad, RMSProp and Adam
divide by a running size of the gradient, so their steps are about η long whatever λ: no such
bound exists. Along an eigenvector with λ < 0 every step multiplies the distance by
|1 − ηλ| > 1, so no η makes descent settle that way: the run leaves along it.

For a quadratic all of this is exact everywhere; otherwise λ is the largest curvature met along
a descent path from the start, the spectrum is the Hessian's at the start, and the advice is
local to the start.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sympy

from gradwise.calculus.gradients import hessian
from gradwise.descent.optimizers import METHODS, make
from gradwise.descent.problem import from_expression
from gradwise.descent.run import maximize, minimize
from gradwise.descent.sweep import MAX_SWEEP_CELLS, Sweep, SweepRow, parse_range, sweep
from gradwise.numeric.printers import RUNTIME_ERRORS

__all__ = ["Advice", "SweepRow", "Sweep", "advise_learning_rate", "sweep", "parse_range",
           "stable_limit", "MAX_SWEEP_CELLS"]

PATH_STEPS = 200
"""How far the path is followed to measure curvature for a non-quadratic f."""

FLAT = 1e-12
"""Eigenvalues within this fraction of the largest |λ| count as zero (no curvature)."""

_LIMITS = {"gd": "2/λ", "momentum": "2(1 + β)/λ", "nesterov": "2(1 + β)/((1 + 2β)λ)"}


def stable_limit(method: str, lam: float, hyper: Mapping[str, Any]) -> float | None:
    """The largest stable η of ``method`` on a quadratic of curvature λ (None: no such bound).

    Example:
        >>> stable_limit("gd", 2.0, {}), stable_limit("momentum", 2.0, {"beta": 0.5})
        (1.0, 1.5)
    """
    if not lam > 0 or method not in _LIMITS:
        return None
    beta = float(hyper.get("beta", 0.0))
    return {"gd": 2 / lam, "momentum": 2 * (1 + beta) / lam,
            "nesterov": 2 * (1 + beta) / ((1 + 2 * beta) * lam)}[method]


@dataclass(frozen=True)
class Advice:
    """The stable range of η at the start, for plain descent and for the chosen method.

    Attributes:
        curvature: λ, the largest Hessian eigenvalue (of −f when maximizing).
        max_stable: 2/λ: plain descent is stable for 0 < η < 2/λ (``None`` if λ <= 0).
        optimal: 1/λ, the fastest η for plain descent along the steepest direction.
        exact: True for a quadratic, where λ is the same everywhere.
        exact_curvature: λ as an exact SymPy number, for a quadratic.
        eigenvalues: the whole spectrum of the Hessian (of −f when maximizing) at the start,
            ascending; a negative one is a direction no η makes converge.
        directions: a unit eigenvector for each eigenvalue, in variable order.
        start: the point the advice is for, by variable name.
        method: the optimizer the range is for (``gd`` unless asked).
        hyper: its hyper-parameters (momentum's β).
        ascent: whether it advises gradient ascent.

    Example:
        >>> print(advise_learning_rate("x^2 + 10y^2", {"x": 1, "y": 1}))
        curvature λ = 20 (exact: f is quadratic, so this holds everywhere)
        stable for 0 < η < 2/λ = 0.1
        fastest at η = 1/λ = 0.05
    """

    curvature: float
    max_stable: float | None
    optimal: float | None
    exact: bool
    exact_curvature: sympy.Expr | None = None
    eigenvalues: tuple[float, ...] = ()
    directions: tuple[tuple[float, ...], ...] = ()
    start: Mapping[str, float] = field(default_factory=dict)
    method: str = "gd"
    hyper: Mapping[str, Any] = field(default_factory=dict)
    ascent: bool = False

    @property
    def ranges(self) -> dict[str, float | None]:
        """Each method's largest stable η at λ (its default β, or this advice's), or None."""
        return {name: stable_limit(name, self.curvature, self._hyper(name)) for name in METHODS}

    @property
    def method_max_stable(self) -> float | None:
        """The chosen method's largest stable η (None: λ <= 0, or no simple bound)."""
        return stable_limit(self.method, self.curvature, self.hyper)

    @property
    def advised(self) -> float | None:
        """An η to try with the chosen method: 1/λ for plain descent, the middle of the
        stable range for momentum and Nesterov; None where no bound exists."""
        limit = self.method_max_stable
        return None if limit is None else limit / 2

    @property
    def negative(self) -> list[tuple[float, tuple[float, ...]]]:
        """(λ, direction) for each direction where the objective curves down at the start."""
        scale = max([abs(e) for e in self.eigenvalues] + [0.0])
        return [(e, d) for e, d in zip(self.eigenvalues, self.directions)
                if e < -FLAT * scale]

    def lines(self) -> list[str]:
        """The advice as lines of text, the same in the CLI, the API and the page."""
        lines = [self._curvature_line()]
        lines += [self._negative_line(lam, d) for lam, d in self.negative]
        if self.max_stable is None:
            return lines
        where = "where f curves the right way, " if self.negative else ""
        lines.append(f"{where}stable for 0 < η < 2/λ = "
                     f"{_text(self._exact(2), self.max_stable)}")
        lines.append(f"fastest at η = 1/λ = {_text(self._exact(1), self.optimal)}")
        if self.method != "gd":
            lines.append(self._method_line())
        return lines

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _curvature_line(self) -> str:
        at = ", ".join(f"{n} = {_text(None, x)}" for n, x in self.start.items())
        kind = "exact: f is quadratic, so this holds everywhere" if self.exact else \
            f"local: the largest curvature along a descent path from the start ({at}); " \
            "the advice holds near the start"
        if self.max_stable is None:
            return (f"curvature λ = {self.curvature:.6g} ({kind}): no positive curvature, so "
                    "no learning rate makes descent settle here")
        return f"curvature λ = {_text(self.exact_curvature, self.curvature)} ({kind})"

    def _negative_line(self, lam: float, direction: tuple[float, ...]) -> str:
        bend = "up" if self.ascent else "down"
        towards = "(" + ", ".join(_text(None, round(c, 6) + 0.0) for c in direction) + ")"
        return (f"along {towards} f curves {bend} at the start (λ = {_text(None, lam)}): no η "
                f"makes {'ascent' if self.ascent else 'descent'} settle that way; the run "
                "leaves along it (a saddle, or no optimum that way)")

    def _method_line(self) -> str:
        limit = self.method_max_stable
        if self.method not in _LIMITS:
            return (f"{self.method} has no simple bound: its steps are about η long whatever "
                    "the curvature, so choose η near the distance to travel divided by the "
                    "steps you allow")
        beta = _text(None, float(self.hyper.get("beta", 0.0)))
        return (f"{self.method} (β = {beta}): stable for 0 < η < {_LIMITS[self.method]} = "
                f"{_text(None, limit)}")

    def _hyper(self, name: str) -> Mapping[str, Any]:
        return self.hyper if name == self.method else make(name).hyper

    def _exact(self, numerator: int) -> sympy.Expr | None:
        return None if self.exact_curvature is None else numerator / self.exact_curvature


def advise_learning_rate(f: Any, start: Any, ascent: bool = False, method: str = "gd",
                         **hyper: Any) -> Advice:
    """λ, the spectrum at the start, and the stable range of η for plain descent and ``method``.

    Args:
        f: the function (text or Expression).
        start: where descent starts; a quadratic's advice holds everywhere, another's near it.
        ascent: advise gradient ascent (the curvature of −f).
        method: the optimizer whose own range to give, e.g. ``"momentum"``.
        **hyper: its hyper-parameters, e.g. ``beta=0.5`` (its defaults otherwise).

    Returns:
        The :class:`Advice`; ``print`` it for the lines ``gradwise lr`` prints.

    Raises:
        ParseError: ``f`` is text that does not parse.
        InputError: the start misses or adds a variable, or the method or a
            hyper-parameter is unknown or out of range.

    Example:
        >>> a = advise_learning_rate("(1 - w)^2", {"w": 3})
        >>> a.curvature, a.max_stable, a.optimal, a.exact
        (2.0, 1.0, 0.5, True)
        >>> advise_learning_rate("x^2 - y^2", {"x": 1, "y": 1}).negative
        [(-2.0, (0.0, 1.0))]
    """
    chosen = make(method, **hyper)
    problem = from_expression(f, start, exact=False)
    expression = problem.expression
    sign = -1 if ascent else 1
    matrix = sign * hessian(expression).matrix
    spectrum = _spectrum(problem.hessian, problem.start, sign)
    if not spectrum[0]:  # not "λ = −∞, no positive curvature": |ln x|'' = 1/x² at 1e−160
        from gradwise.errors import DomainError
        from gradwise.language.notation import show

        listed = ", ".join(f"{n}={show(sympy.Float(v, 17))}"
                           for n, v in zip(problem.names, problem.start))
        raise DomainError(f"cannot advise at ({listed}): the Hessian there is not a finite "
                          "number (too large for floats, or undefined). Fix: choose another "
                          "start")
    context = {"eigenvalues": spectrum[0], "directions": spectrum[1],
               "start": dict(zip(problem.names, problem.start)), "method": chosen.name,
               "hyper": {k: float(v) for k, v in chosen.hyper.items()}, "ascent": ascent}
    if not matrix.free_symbols:
        return _quadratic(matrix, context)
    lam = _largest_along_path(expression, problem.start, ascent)
    return _advice(lam, False, None, context)


def _quadratic(matrix: sympy.Matrix, context: dict[str, Any]) -> Advice:
    if matrix.shape == (1, 1):
        lam = matrix[0, 0]
    else:
        lam = max(matrix.eigenvals(), key=lambda e: float(sympy.re(e.evalf(30))))
    return _advice(float(lam.evalf(17)), True, sympy.nsimplify(lam), context)


def _advice(lam: float, exact: bool, exact_lam: sympy.Expr | None,
            context: dict[str, Any]) -> Advice:
    if not lam > 0:
        return Advice(lam, None, None, exact, exact_lam, **context)
    if exact_lam is not None:
        return Advice(lam, float(2 / exact_lam), float(1 / exact_lam), True, exact_lam,
                      **context)
    return Advice(lam, 2 / lam, 1 / lam, False, **context)


def _spectrum(hessian_at: Any, point: tuple[float, ...],
              sign: int) -> tuple[tuple[float, ...], tuple[tuple[float, ...], ...]]:
    """Eigenvalues (ascending) and unit eigenvectors of sign·H at the point; () if undefined."""
    import numpy as np

    try:
        rows = np.array([[sign * float(c) for c in row] for row in hessian_at(point)])
    except RUNTIME_ERRORS:
        return (), ()
    if not np.all(np.isfinite(rows)):
        return (), ()
    values, vectors = np.linalg.eigh(rows)
    # each direction's sign fixed so that its largest component is positive: (0, 1), not (0, −1)
    columns = [v if v[np.argmax(np.abs(v))] > 0 else -v for v in vectors.T]
    return tuple(float(e) for e in values), tuple(tuple(float(c) for c in v) for v in columns)


def _largest_along_path(f: Any, start: tuple[float, ...], ascent: bool) -> float:
    """The largest eigenvalue of sign·H at the start and along a descent path from it."""
    problem = from_expression(f, dict(zip(f.names, start)), exact=False)
    sign = -1 if ascent else 1
    at_start = _largest(problem.hessian, start, sign)
    eta = 1 / at_start if at_start > 0 else 0.01
    walk = maximize if ascent else minimize
    path = walk(f, dict(zip(f.names, start)), learning_rate=eta, max_steps=PATH_STEPS).trace
    every = max(len(path) // 50, 1)
    found = [_largest(problem.hessian, path.point(k), sign) for k in range(0, len(path), every)]
    return max([at_start, *(x for x in found if math.isfinite(x))])


def _largest(hessian_at: Any, point: tuple[float, ...], sign: int) -> float:
    values = _spectrum(hessian_at, point, sign)[0]
    return values[-1] if values else -math.inf


def _text(exact: sympy.Expr | None, value: float | None) -> str:
    from gradwise.language.numbers import number_text

    if exact is not None and exact.is_Rational:
        return number_text(exact)
    return number_text(value) if value is not None else "none"
