"""The learning-rate sweep: plain descent with many learning rates at once, one NumPy
array operation per step, under the stopping rules of :func:`gradwise.minimize`.

Example:
    >>> [r.status for r in sweep("(1 - w)^2", {"w": 3}, [0.1, 1.0, 1.1])]
    ['converged', 'max_steps', 'diverged']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gradwise.descent import diagnostics
from gradwise.descent.column import Column
from gradwise.descent.problem import from_expression
from gradwise.descent.stopping import Monitors
from gradwise.descent.trace import Trace
from gradwise.errors import InputError, whole_number
from gradwise.language.expressions import exact_number
from gradwise.numeric.kernels import array_kernel

__all__ = ["SweepRow", "Sweep", "sweep", "parse_range", "MAX_SWEEP_CELLS"]

MAX_SWEEP_CELLS = 20_000_000
"""learning rates × (steps + 1) a sweep may keep in memory."""


@dataclass(frozen=True)
class SweepRow:
    """One learning rate's outcome in a sweep."""

    learning_rate: float
    status: str
    findings: tuple[str, ...]
    final_value: float
    final_point: tuple[float, ...]
    n_steps: int


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

    Args:
        f: the function (text or Expression).
        start: where every run starts.
        learning_rates: the rates η to try, each > 0.
        max_steps: each run's step budget.
        tol: converged when |∇f| <= tol.
        ascent: climb (maximize) instead.

    Returns:
        A ``Sweep``: one ``SweepRow`` per rate, in order, with ``learning_rate``,
        ``status``, ``findings``, ``final_value``, ``final_point`` and ``n_steps``.

    Raises:
        ParseError: ``f`` is text that does not parse.
        InputError: no rates, a rate <= 0, or a start that does not match f's variables.

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
        # |∇f|² of finite components is past LIMIT², not infinite: ∂f/∂x = −1e308 at the
        # start was "non_finite" before any point was recorded (a run of no points, a
        # traceback), where minimize says "diverged"
        g2 = sum(c * c for c in g)
        g2 = np.where(np.isinf(g2) & np.isfinite(np.asarray(g)).all(axis=0), np.finfo(float).max,
                      g2)
        verdicts = monitors.verdicts(v, g2)
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
