"""What a run leaves behind: every point, value and gradient, why it stopped, what was found.

:class:`Trace` stores columns (one sequence per coordinate), so a run of 100,000 steps
costs a few stores a step; :class:`Step` objects are built only when asked for. A float
run's columns are :class:`~gradwise.descent.column.Column` objects (read-only float64
arrays that read as tuples of Python floats); an exact run's are tuples of SymPy rationals.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from gradwise.descent.stopping import Status

STATUS_MESSAGES: dict[str, str] = {
    "converged": "converged: the gradient's norm fell to tol or below",
    "max_steps": "stopped after max_steps steps without converging",
    "diverged": "diverged: the value and the gradient kept growing, so the run was stopped "
                "before they overflowed",
    "non_finite": "stopped: the value or the gradient stopped being a finite number (NaN, "
                  "infinity or undefined) at the next point",
}


@dataclass(frozen=True)
class Step:
    """One point of a run and the update taken from it.

    Attributes:
        index: 0 for the start.
        point: the coordinates, in variable order.
        value: f at the point.
        gradient: ∇f at the point.
        delta: Δ, the update taken from here (``None`` at the last point).
        learning_rate: η used for that update (``None`` at the last point).

    Example:
        >>> from gradwise.descent.run import minimize
        >>> run = minimize("(1 - w)^2", {"w": 3}, learning_rate="0.1", exact=True, max_steps=1)
        >>> run.trace.steps[0]
        Step(index=0, point=(3,), value=4, gradient=(4,), delta=(-2/5,), learning_rate=1/10)
    """

    index: int
    point: tuple[Any, ...]
    value: Any
    gradient: tuple[Any, ...]
    delta: tuple[Any, ...] | None
    learning_rate: Any = None

    @property
    def gradient_norm(self) -> float:
        """|∇f| at the point, as a float."""
        return math.sqrt(sum(float(g) ** 2 for g in self.gradient))


@dataclass(frozen=True)
class Trace:
    """Every point of a run from the start (step 0) to the end, as columns.

    Each column is a :class:`~gradwise.descent.column.Column` of floats (read-only;
    ``np.asarray(column)`` is its array, not a copy) or, in exact mode, a tuple of
    rationals. Two traces are equal when every field is: the same numbers in the same
    places, a NaN matching a NaN in a float column.

    Attributes:
        names: the variables' names.
        coordinates: one sequence per variable: its value at step 0, 1, ..., n.
        values: f at each point.
        gradients: one sequence per variable: ∂f/∂v at each point.
        learning_rates: η of each update (one fewer than points).
        status: why the run stopped (see ``STATUS_MESSAGES``).
        ascent: whether the run climbed (maximize) rather than descended.
        tol: the gradient norm counted as converged.
        curvature: the Hessian's eigenvalues at the last point, when known.

    Example:
        >>> from gradwise.descent.run import minimize
        >>> trace = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.5).trace
        >>> trace.names, trace.coordinates[0], trace.values, trace.status
        (('w',), (3.0, 1.0), (4.0, 0.0), 'converged')
    """

    names: tuple[str, ...]
    coordinates: tuple[Sequence[Any], ...]
    values: Sequence[Any]
    gradients: tuple[Sequence[Any], ...]
    learning_rates: Sequence[Any]
    status: Status
    ascent: bool = False
    tol: float = 0.0
    curvature: tuple[float, ...] | None = field(default=None)
    # what readers derive from the columns, kept with the trace (the diagnostics' arrays)
    _memo: dict[str, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

    def __len__(self) -> int:
        """The number of points: steps + 1."""
        return len(self.values)

    @property
    def n_steps(self) -> int:
        """The number of updates taken."""
        return len(self.values) - 1

    @property
    def sign(self) -> int:
        """+1 when minimizing, −1 when maximizing: objective = sign·f."""
        return -1 if self.ascent else 1

    def point(self, index: int) -> tuple[Any, ...]:
        return tuple(column[index] for column in self.coordinates)

    def gradient(self, index: int) -> tuple[Any, ...]:
        return tuple(column[index] for column in self.gradients)

    def __getitem__(self, index: int) -> Step:
        index = range(len(self))[index]
        last = index == len(self) - 1
        delta = None if last else tuple(c[index + 1] - c[index] for c in self.coordinates)
        rate = None if last else self.learning_rates[index]
        return Step(index, self.point(index), self.values[index], self.gradient(index),
                    delta, rate)

    @property
    def steps(self) -> list[Step]:
        """Every point as a :class:`Step` (built on demand)."""
        return [self[i] for i in range(len(self))]

    @property
    def points(self) -> list[tuple[Any, ...]]:
        return list(zip(*self.coordinates))

    def float_values(self) -> list[float]:
        return np.asarray(self.values, dtype=float).tolist()

    def gradient_norms(self) -> list[float]:
        """|∇f| at every point, as floats: sqrt(g₀² + g₁² + ...), summed in variable order."""
        columns = [np.asarray(column, dtype=float) for column in self.gradients]
        with np.errstate(over="ignore", invalid="ignore"):  # inf, as float arithmetic gives
            return np.sqrt(sum((g * g for g in columns), np.zeros(len(self)))).tolist()

    def _repr_html_(self) -> str:
        from gradwise.notebook import trace_html

        return trace_html(self)


@dataclass(frozen=True)
class Finding:
    """Something a diagnostic noticed: a fixed code and one line saying what and where.

    Attributes:
        code: one of ``diagnostics.CODES``.
        message: one line, with the numbers of this run.
        step: the step it concerns first, when there is one.

    Example:
        >>> from gradwise.descent.run import minimize
        >>> finding = minimize("(1 - w)^2", {"w": 3}, learning_rate=1.1).findings[0]
        >>> finding.code, finding.step
        ('divergence', 0)
    """

    code: str
    message: str
    step: int | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


@dataclass(frozen=True)
class Result:
    """The outcome of ``minimize`` or ``maximize``.

    Attributes:
        trace: every point from the start to the end.
        findings: what the diagnostics noticed, in a fixed order.
        method: the optimizer's name.
        learning_rate: η as given (the schedule's first value).
        exact: whether arithmetic was exact (rationals).
        function: the parsed Expression (parameters fixed), or ``None`` for a Python function.
        schedule: the learning-rate schedule's name.
        hyper: the method's hyper-parameters (``{"beta": 0.9}`` for momentum).

    Example:
        >>> from gradwise.descent.run import minimize
        >>> result = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.5)
        >>> result.status, result.point, result.value, result.n_steps
        ('converged', {'w': 1.0}, 0.0, 1)
        >>> print(result)
        converged: the gradient's norm fell to tol or below after 1 steps at (w = 1), value 0; ...
    """

    trace: Trace
    findings: tuple[Finding, ...]
    method: str
    learning_rate: Any
    exact: bool = False
    function: Any = None
    schedule: str = "constant"
    hyper: Mapping[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> Status:
        return self.trace.status

    @property
    def message(self) -> str:
        return STATUS_MESSAGES[self.trace.status]

    @property
    def converged(self) -> bool:
        return self.trace.status == "converged"

    @property
    def x(self) -> tuple[Any, ...]:
        """The final point as a tuple."""
        return self.trace.point(-1)

    @property
    def point(self) -> dict[str, Any]:
        """The final point, by variable name."""
        return dict(zip(self.trace.names, self.x))

    @property
    def value(self) -> Any:
        """f at the final point."""
        return self.trace.values[-1]

    @property
    def codes(self) -> list[str]:
        """The findings' codes."""
        return [f.code for f in self.findings]

    @property
    def n_steps(self) -> int:
        return self.trace.n_steps

    def reached(self, radius: float = 1.0) -> Any:
        """The critical point this run converged to, classified, or None.

        Newton's method polishes the end point (``gradwise.nearest_critical_point``) and the
        Hessian names its kind: a run can end on a saddle, not only a minimum. None for a
        Python function, a run that did not converge, or no critical point within ``radius``.

        Example:
            >>> from gradwise import minimize
            >>> point = minimize("x^2 - y^2", {"x": 1, "y": 0}).reached()
            >>> point.kind, point.coordinates
            ('saddle', '(0, 0)')
        """
        if self.function is None or not self.converged:
            return None
        from gradwise.critical.search import nearest_critical_point

        return nearest_critical_point(self.function, [float(v) for v in self.x], radius)

    def plot(self, **options: Any) -> Any:
        """The run drawn on its function (``gradwise.plotting.plot_result``); returns Axes."""
        from gradwise.plotting import plot_result

        return plot_result(self, **options)

    def _repr_html_(self) -> str:
        from gradwise.notebook import result_html

        return result_html(self)

    def __str__(self) -> str:
        point = ", ".join(f"{n} = {float(v):.6g}" for n, v in self.point.items())
        found = "; ".join(self.codes) or "nothing unusual"
        return (f"{self.message} after {self.n_steps} steps at ({point}), "
                f"value {float(self.value):.6g}; findings: {found}")
