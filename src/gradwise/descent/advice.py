"""Which learning rate? Curvature gives the answer, and a sweep shows it.

Near a minimum f looks like a quadratic with Hessian H; plain descent multiplies the error
along each eigenvector by (1 − ηλ), so it is stable iff |1 − ηλ| < 1 for the largest
eigenvalue λ: 0 < η < 2/λ, and fastest along that direction at η = 1/λ. For a quadratic
this is exact; otherwise λ is the largest curvature met along a descent path from the
start, and the advice is local.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy

from gradwise.calculus.gradients import hessian
from gradwise.descent import diagnostics
from gradwise.descent.column import Column
from gradwise.descent.problem import from_expression
from gradwise.descent.run import eigenvalues, maximize, minimize
from gradwise.descent.stopping import Monitors
from gradwise.descent.trace import Trace
from gradwise.errors import InputError, whole_number
from gradwise.language.expressions import exact_number
from gradwise.numeric.kernels import array_kernel
from gradwise.numeric.printers import RUNTIME_ERRORS

__all__ = ["Advice", "SweepRow", "advise_learning_rate", "sweep", "parse_range", "MAX_SWEEP_CELLS"]

PATH_STEPS = 200
"""How far the path is followed to measure curvature for a non-quadratic f."""

MAX_SWEEP_CELLS = 20_000_000
"""learning rates × (steps + 1) a sweep may keep in memory."""


@dataclass(frozen=True)
class Advice:
    """The stable range of η for plain gradient descent.

    Attributes:
        curvature: λ, the largest Hessian eigenvalue (of −f when maximizing).
        max_stable: 2/λ: descent is stable for 0 < η < 2/λ (``None`` if λ <= 0).
        optimal: 1/λ, the fastest η along the steepest direction (``None`` if λ <= 0).
        exact: True for a quadratic, where λ is the same everywhere.
        exact_curvature: λ as an exact SymPy number, for a quadratic.
    """

    curvature: float
    max_stable: float | None
    optimal: float | None
    exact: bool
    exact_curvature: sympy.Expr | None = None

    def __str__(self) -> str:
        kind = "exact: f is quadratic" if self.exact else \
            "local: the largest curvature along a descent path from the start"
        if self.max_stable is None:
            return (f"curvature λ = {self.curvature:.6g} ({kind}): no positive curvature, so "
                    "no learning rate makes descent settle here")
        return (f"curvature λ = {_text(self.exact_curvature, self.curvature)} ({kind})\n"
                f"stable for 0 < η < 2/λ = {_text(self._exact(2), self.max_stable)}\n"
                f"fastest at η = 1/λ = {_text(self._exact(1), self.optimal)}")

    def _exact(self, numerator: int) -> sympy.Expr | None:
        return None if self.exact_curvature is None else numerator / self.exact_curvature


@dataclass(frozen=True)
class SweepRow:
    """One learning rate's outcome in a sweep."""

    learning_rate: float
    status: str
    findings: tuple[str, ...]
    final_value: float
    final_point: tuple[float, ...]
    n_steps: int


def advise_learning_rate(f: Any, start: Any, ascent: bool = False) -> Advice:
    """λ, the stable range 0 < η < 2/λ and the fastest η = 1/λ for plain descent.

    Example:
        >>> a = advise_learning_rate("(1 - w)^2", {"w": 3})
        >>> a.curvature, a.max_stable, a.optimal, a.exact
        (2.0, 1.0, 0.5, True)
    """
    problem = from_expression(f, start, exact=False)
    expression = problem.expression
    sign = -1 if ascent else 1
    matrix = sign * hessian(expression).matrix
    if not matrix.free_symbols:
        return _quadratic(matrix)
    lam = _largest_along_path(expression, problem.start, ascent)
    return _advice(lam, exact=False)


class Sweep(tuple):  # type: ignore[type-arg]
    """The rows of a sweep: a plain tuple of :class:`SweepRow`, shown as a table in notebooks."""

    def _repr_html_(self) -> str:
        from gradwise.notebook import sweep_html

        return sweep_html(self)


def sweep(f: Any, start: Any, learning_rates: Sequence[float], *, max_steps: int = 1000,
          tol: float = 1e-8, ascent: bool = False) -> Sweep:
    """Plain descent with many learning rates at once (NumPy, one array op per step).

    The stopping rules are those of :func:`gradwise.minimize` (:mod:`gradwise.descent.stopping`),
    applied per learning rate.
    The rows come back as a tuple that a notebook shows as an HTML table.

    Example:
        >>> [r.status for r in sweep("(1 - w)^2", {"w": 3}, [0.1, 1.0, 1.1])]
        ['converged', 'max_steps', 'diverged']
    """
    import numpy as np

    etas = _rates(learning_rates)
    steps = _steps(max_steps, len(etas))
    problem = from_expression(f, start, exact=False)
    assert problem.expression is not None  # from_expression always keeps its expression
    kernel = array_kernel(problem.expression)
    sign = -1.0 if ascent else 1.0
    with np.errstate(all="ignore"):
        record = _sweep_arrays(kernel, problem.start, np.asarray(etas), sign, steps, float(tol))
    return Sweep(_row(problem.names, record, j, eta, ascent, float(tol))
                 for j, eta in enumerate(etas))


def _sweep_arrays(kernel: Any, start: tuple[float, ...], etas: Any, sign: float, steps: int,
                  tol: float) -> dict[str, Any]:
    import numpy as np

    m, n = len(etas), len(start)
    xs = [np.full(m, x0) for x0 in start]
    coords = np.empty((n, steps + 1, m))
    grads = np.empty((n, steps + 1, m))
    values = np.empty((steps + 1, m))
    status = np.full(m, "max_steps", dtype=object)
    length = np.full(m, steps + 1)
    active = np.ones(m, dtype=bool)
    monitors = Monitors(tol, sign, m)
    rate = etas * sign
    for k in range(steps + 1):
        v, g = kernel(*xs)
        v = np.broadcast_to(np.asarray(v, dtype=float), (m,))
        g = [np.broadcast_to(np.asarray(c, dtype=float), (m,)) for c in g]
        verdicts = monitors.verdicts(v, sum(c * c for c in g))
        # a non-finite point is not recorded (length k), the others are (length k + 1)
        _stop(active & (verdicts == "non_finite"), "non_finite", k, status, length, active)
        values[k] = v
        for i in range(n):
            coords[i, k] = xs[i]
            grads[i, k] = g[i]
        for name in ("converged", "diverged"):
            _stop(active & (verdicts == name), name, k + 1, status, length, active)
        if not active.any() or k == steps:
            break
        xs = [np.where(active, x - rate * c, x) for x, c in zip(xs, g)]
    return {"coords": coords, "grads": grads, "values": values, "status": status,
            "length": length}


def _stop(mask: Any, name: str, length_value: int, status: Any, length: Any,
          active: Any) -> None:
    status[mask] = name
    length[mask] = length_value
    active &= ~mask


def _row(names: tuple[str, ...], record: dict[str, Any], j: int, eta: float, ascent: bool,
         tol: float) -> SweepRow:
    import numpy as np

    size = int(record["length"][j])
    status = str(record["status"][j])
    coords = tuple(Column(c[:size, j]) for c in record["coords"])
    grads = tuple(Column(c[:size, j]) for c in record["grads"])
    values = Column(record["values"][:size, j])
    trace = Trace(names, coords, values, grads, Column(np.broadcast_to(eta, size - 1), copy=False),
                  status, ascent, tol)  # type: ignore[arg-type]
    codes = tuple(f.code for f in diagnostics.diagnose(trace))
    return SweepRow(eta, status, codes, values[-1], trace.point(-1), size - 1)


def _quadratic(matrix: sympy.Matrix) -> Advice:
    if matrix.shape == (1, 1):
        lam = matrix[0, 0]
    else:
        lam = max(matrix.eigenvals(), key=lambda e: float(sympy.re(e.evalf(30))))
    return _advice(float(lam.evalf(17)), exact=True, exact_lam=sympy.nsimplify(lam))


def _advice(lam: float, exact: bool, exact_lam: sympy.Expr | None = None) -> Advice:
    if not lam > 0:
        return Advice(lam, None, None, exact, exact_lam)
    if exact_lam is not None:
        return Advice(lam, float(2 / exact_lam), float(1 / exact_lam), True, exact_lam)
    return Advice(lam, 2 / lam, 1 / lam, False)


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
    try:
        rows = hessian_at(point)
    except RUNTIME_ERRORS:
        return -math.inf
    eig = eigenvalues([[sign * float(c) for c in row] for row in rows])
    return eig[-1] if eig else -math.inf


def _rates(learning_rates: Sequence[Any]) -> list[float]:
    rates = [float(exact_number(x, "learning_rate")) for x in learning_rates]
    if not rates:
        raise InputError("the sweep needs at least one learning rate")
    bad = [x for x in rates if not x > 0]
    if bad:
        raise InputError(f"every learning rate must be > 0; received {bad[0]!r}")
    return rates


def _steps(max_steps: Any, count: int) -> int:
    whole_number(max_steps, "max_steps", 1)
    if count * (max_steps + 1) > MAX_SWEEP_CELLS:
        raise InputError(f"{count:,} learning rates × {max_steps + 1:,} points is more than "
                         f"{MAX_SWEEP_CELLS:,}; sweep fewer rates or fewer steps")
    return max_steps


def _text(exact: sympy.Expr | None, value: float | None) -> str:
    from gradwise.language.numbers import number_text

    if exact is not None and exact.is_Rational:
        return number_text(exact)
    return number_text(value) if value is not None else "none"


def parse_range(spec: str) -> list[float]:
    """``"0.01:2:50"`` -> 50 evenly spaced learning rates from 0.01 to 2."""
    parts = spec.split(":")
    if len(parts) != 3:
        raise InputError(f"a sweep is FROM:TO:COUNT such as 0.01:2:50; received {spec!r}")
    low, high = (float(exact_number(p.strip(), "sweep bound")) for p in parts[:2])
    count = parts[2].strip()
    if not count.isdigit() or not 1 <= int(count) <= 100_000:
        raise InputError(f"the sweep's COUNT must be a whole number from 1 to 100,000; received "
                         f"{count!r}")
    if not 0 < low <= high:
        raise InputError(f"a sweep needs 0 < FROM <= TO; received {low} to {high}")
    n = int(count)
    return [low] if n == 1 else [low + (high - low) * i / (n - 1) for i in range(n)]
