"""The one loop: ``minimize`` and ``maximize`` step an optimizer and keep the whole trace.

Gradient ascent is gradient descent on −f: the loop hands the optimizer sign·∇f, with
sign = +1 to minimize and −1 to maximize, and that is the only place the direction enters.

Each point: evaluate f and ∇f; stop by the rules of :mod:`gradwise.descent.stopping`
(``non_finite``, not recorded; ``converged``; ``diverged``), or with ``max_steps`` after
max_steps updates; else update.
The plain float case runs a generated copy of this loop (``gradwise.descent.compiled``),
in Python or in numba (``backend=``, chosen by ``gradwise.descent.backend``).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal, cast

import numpy as np
import sympy

from gradwise.descent import backend as backends
from gradwise.descent import diagnostics
from gradwise.descent.column import Column, as_column
from gradwise.descent.compiled import descent_loop
from gradwise.descent.optimizers import Optimizer, make
from gradwise.descent.problem import (
    EXACT_DIGITS,
    Problem,
    from_callables,
    from_expression,
    too_long,
)
from gradwise.descent.schedules import Schedule, constant, parse_schedule
from gradwise.descent.stopping import LIMIT, PATIENCE, Monitor, Status
from gradwise.descent.trace import Result, Trace
from gradwise.errors import InputError, ParseError, whole_number
from gradwise.language.expressions import exact_number
from gradwise.numeric.printers import RUNTIME_ERRORS

__all__ = ["minimize", "maximize", "MAX_STEPS", "MAX_EXACT_STEPS"]

MAX_STEPS = 1_000_000
"""The most steps one run may take: the trace keeps every point."""

MAX_EXACT_STEPS = 10_000
"""The most steps in exact mode, where each step costs rational arithmetic."""

FAST_PATH = True
"""Use the compiled loop for plain float descent (tests turn it off to compare)."""

ARMIJO = 1e-4  # sufficient decrease: φ(x + tΔ) <= φ(x) + c·t·∇φ·Δ
MAX_HALVINGS = 60


def minimize(f: Any, start: Any, learning_rate: Any = 0.1, method: str | Optimizer = "gd", *,
             max_steps: int = 1000, tol: float = 1e-8, exact: bool = False,
             schedule: str | Schedule | None = None, line_search: bool = False,
             gradient: Callable[..., Any] | None = None, backend: backends.Backend = "auto",
             **hyper: Any) -> Result:
    """Gradient descent (or another method) on f from ``start``; the notes' Δw = −η·∂C/∂w.

    Args:
        f: text such as ``"(1 - w)^2"``, a parsed Expression, or a Python function of the
            coordinates (then ``gradient`` is required).
        start: ``{"w": 3}``, ``"w=3"`` or ``[3]``; a mapping may also fix parameters.
        learning_rate: η > 0 (``"1/10"`` is read exactly), or a schedule η_k of the step k
            (``gradwise.descent.schedules.exponential(0.1, 0.99)``, or any callable of k),
            the same convention as :func:`gradwise.train`.
        method: ``gd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop`` or ``adam``.
        max_steps: the most updates to take (1 to 1,000,000; 10,000 in exact mode).
        tol: stop as ``converged`` when |∇f| <= tol.
        exact: rational arithmetic (gd, momentum and nesterov on rational functions).
        schedule: η_k by step, e.g. ``"exponential:0.99"`` or ``"step:0.5:100"``.
        line_search: backtrack each step until the objective falls enough (Armijo).
        gradient: ∇f as a Python function, when f is one.
        backend: the loop for plain float gd on an expression: ``"python"``, ``"numba"``
            (the same loop compiled, same floats bit for bit; needs numba) or ``"auto"``
            (numba where its start-up costs less than ``max_steps`` steps save, see
            ``gradwise.descent.backend``). Other runs take the general loop.
        **hyper: the method's hyper-parameters, e.g. ``beta=0.9``.

    Returns:
        A :class:`Result`: status, final point and value, findings, and the whole trace.

    Raises:
        InputError: a bad learning rate, step count, tolerance, method or start.
        DomainError: f or ∇f is undefined at the start.

    Example:
        >>> r = minimize("(1 - w)^2", {"w": 3}, learning_rate="0.1", exact=True, max_steps=1)
        >>> [str(w) for w in r.trace.coordinates[0]]
        ['3', '13/5']
    """
    return _run(1, f, start, learning_rate, method, max_steps, tol, exact, schedule,
                line_search, gradient, backend, hyper)


def maximize(f: Any, start: Any, learning_rate: Any = 0.1, method: str | Optimizer = "gd", *,
             max_steps: int = 1000, tol: float = 1e-8, exact: bool = False,
             schedule: str | Schedule | None = None, line_search: bool = False,
             gradient: Callable[..., Any] | None = None, backend: backends.Backend = "auto",
             **hyper: Any) -> Result:
    """Gradient ascent, the notes' Δw = +η·∂C/∂w; arguments as for :func:`minimize`.

    Args:
        f: text such as ``"4 - (1 - w)^2"``, an Expression, or a Python function.
        start: ``{"w": 3}``, ``"w=3"`` or ``[3]``.
        learning_rate: η > 0, or a schedule η_k.
        method: ``gd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop`` or ``adam``.
        max_steps: the step budget.
        tol: converged when |∇f| <= tol.
        exact: rational arithmetic (``learning_rate="0.1"`` is read as 1/10).
        schedule: η by step, e.g. ``"exponential:0.99"``.
        line_search: backtrack each step (Armijo) instead of a fixed η.
        gradient: ∇f as a Python function, when ``f`` is one.
        backend: ``auto``, ``python`` or ``numba`` for plain float descent.
        **hyper: the method's hyper-parameters (``beta``, ``beta1``, ``beta2``, ``eps``).

    Returns:
        The run's ``Result``: its trace, status and findings, climbing.

    Raises:
        ParseError: ``f`` is text that does not parse.
        InputError: a start, η, method, schedule or budget that cannot be used.

    Example:
        >>> maximize("(1 - w)^2", {"w": 3}, learning_rate=1, max_steps=1).trace.coordinates[0]
        (3.0, 7.0)
    """
    return _run(-1, f, start, learning_rate, method, max_steps, tol, exact, schedule,
                line_search, gradient, backend, hyper)


@dataclass
class _Columns:
    coordinates: list[list[Any]]
    values: list[Any] = field(default_factory=list)
    gradients: list[list[Any]] = field(default_factory=list)
    rates: list[Any] = field(default_factory=list)

    def record(self, point: tuple[Any, ...], value: Any, grad: tuple[Any, ...]) -> None:
        for column, x in zip(self.coordinates, point):
            column.append(x)
        for column, g in zip(self.gradients, grad):
            column.append(g)
        self.values.append(value)


def _run(sign: int, f: Any, start: Any, learning_rate: Any, method: Any, max_steps: Any,
         tol: Any, exact: bool, schedule: Any, line_search: bool, gradient: Any,
         backend: Any, hyper: dict[str, Any]) -> Result:
    number = _exact if exact else _float
    engine = backends.check(backend)
    eta, rates = _rates(learning_rate, schedule, number)
    steps = _max_steps(max_steps, exact)
    tolerance = _tolerance(tol, number)
    optimizer = _optimizer(method, hyper, number)
    if exact and not optimizer.exact:
        raise InputError(f"{optimizer.name} takes square roots, so it cannot run exactly; "
                         "drop exact, or use gd, momentum or nesterov")
    problem = _problem(f, start, exact, gradient)
    plain = optimizer.name == "gd" and rates is None and not line_search and not exact
    if engine == "numba" and not (plain and problem.expression is not None):
        raise InputError("backend='numba' runs plain float gradient descent on an expression "
                         "(method 'gd', no schedule, no line search, not exact, f not a "
                         "Python function). Fix: drop backend or use backend='auto'")
    if plain and FAST_PATH and problem.expression is not None:
        chosen = backends.choose(engine, problem.expression, steps)
        trace = _compiled(problem, sign, eta, steps, float(tolerance), chosen)
    else:
        trace = _loop(problem, sign, optimizer, rates or constant(eta), steps, tolerance,
                      line_search, exact)
    trace = _with_curvature(_with_start(trace, problem), problem)
    return Result(trace, diagnostics.diagnose(trace), optimizer.name, eta, exact,
                  problem.expression, rates.name if rates else "constant",
                  dict(optimizer.hyper))


def _with_start(trace: Trace, problem: Problem) -> Trace:
    """Step 0 is always in the trace: where f or ∇f cannot even be evaluated in floats at
    the start (x⁴ overflowing at x = 1e100), it is recorded with NaN value and gradient."""
    if trace.values:
        return trace
    nan = math.nan
    return replace(trace, coordinates=tuple((x,) for x in problem.start), values=(nan,),
                   gradients=tuple((nan,) for _ in problem.names), learning_rates=())


def _compiled(problem: Problem, sign: int, eta: float, steps: int, tol: float,
              backend: Literal["python", "numba"]) -> Trace:
    assert problem.expression is not None  # the compiled loop is chosen only for expressions
    loop = descent_loop(problem.expression, backend)
    status, xs, values, gs = loop(problem.start, eta, float(sign), tol, steps,
                                  LIMIT, PATIENCE)
    rates = np.broadcast_to(eta, max(len(values) - 1, 0))  # one η, stored once (read-only)
    # the loop's arrays are the trace's: nothing else holds them, so no copy
    xs, gs = (tuple(Column(c, copy=False) for c in group) for group in (xs, gs))
    return Trace(problem.names, xs, Column(values, copy=False), gs, Column(rates, copy=False),
                 cast(Status, status), sign < 0, tol)


def _loop(problem: Problem, sign: int, optimizer: Optimizer, rates: Schedule, steps: int,
          tol: Any, line_search: bool, exact: bool) -> Trace:
    n = len(problem.names)
    columns = _Columns([[] for _ in range(n)], gradients=[[] for _ in range(n)])
    monitor = Monitor(tol, sign)
    point, state, status, k = problem.start, optimizer.init(problem.start), "max_steps", 0
    while True:
        try:
            value, grad = problem.evaluate(point)
        except RUNTIME_ERRORS:
            status = "non_finite"
            break
        verdict = monitor.verdict(value, sum(g * g for g in grad))
        if verdict == "non_finite":  # not recorded: the trace holds finite points only
            status = verdict
            break
        columns.record(point, value, grad)
        if verdict or k == steps:
            status = verdict or status
            break
        eta = rates(k)
        # the one sign: the optimizer descends on sign·f, so −1 climbs f
        delta, state = optimizer.update(tuple(sign * g for g in grad), state, eta)
        if line_search:
            delta, eta = _backtrack(problem, point, sign * value, sign, grad, delta, eta, exact)
        columns.rates.append(eta)
        point = tuple(x + d for x, d in zip(point, delta))
        if exact and too_long(point):
            raise InputError(f"exact arithmetic needs more than {EXACT_DIGITS:,} digits by "
                             f"step {k + 1}; run fewer steps or drop exact")
        k += 1
    return Trace(problem.names, tuple(as_column(c, exact) for c in columns.coordinates),
                 as_column(columns.values, exact),
                 tuple(as_column(c, exact) for c in columns.gradients),
                 as_column(columns.rates, exact), cast(Status, status), sign < 0, float(tol))


def _backtrack(problem: Problem, point: tuple[Any, ...], objective: Any, sign: int,
               grad: tuple[Any, ...], delta: tuple[Any, ...], eta: Any,
               exact: bool) -> tuple[tuple[Any, ...], Any]:
    """Halve the step until the objective falls by at least c·t·(slope along Δ)."""
    slope = sum(sign * g * d for g, d in zip(grad, delta))
    if slope >= 0:  # not a descent direction: nothing to search along
        return delta, eta
    t = sympy.Integer(1) if exact else 1.0
    for _ in range(MAX_HALVINGS):
        trial = tuple(x + t * d for x, d in zip(point, delta))
        try:
            value = problem.evaluate(trial)[0]
            if _finite(value, ()) and sign * value <= objective + ARMIJO * t * slope:
                break
        except RUNTIME_ERRORS:
            pass
        t = t / 2
    return tuple(t * d for d in delta), eta * t


def _with_curvature(trace: Trace, problem: Problem) -> Trace:
    """Add the Hessian's eigenvalues at a converged point (saddle or minimum?)."""
    if trace.status != "converged" or problem.hessian is None:
        return trace
    try:
        rows = problem.hessian(tuple(float(x) for x in trace.point(-1)))
    except RUNTIME_ERRORS:
        return trace
    from dataclasses import replace

    return replace(trace, curvature=eigenvalues(rows))


def eigenvalues(rows: list[list[float]]) -> tuple[float, ...] | None:
    """The eigenvalues of a symmetric matrix, ascending; ``None`` if any entry is not finite."""
    if not all(math.isfinite(float(c)) for row in rows for c in row):
        return None
    if len(rows) == 1:
        return (float(rows[0][0]),)
    import numpy as np

    return tuple(float(e) for e in np.linalg.eigvalsh(np.array(rows, dtype=float)))


# -- checking the arguments ------------------------------------------------------------

def _problem(f: Any, start: Any, exact: bool, gradient: Any) -> Problem:
    if callable(f) and not isinstance(f, sympy.Basic):
        if exact:
            raise InputError("exact mode needs f as an expression, not a Python function")
        return from_callables(f, gradient, start)
    if gradient is not None:
        raise InputError("gradient= is only for Python functions; for an expression "
                         "gradwise differentiates it exactly")
    return from_expression(f, start, exact)


def _rates(learning_rate: Any, schedule: Any, number: Callable[..., Any]
           ) -> tuple[Any, Schedule | None]:
    """η₀ and the schedule: ``learning_rate`` is η, or itself a schedule η_k (as in ``train``)."""
    if not callable(learning_rate) or isinstance(learning_rate, sympy.Basic):
        eta = _learning_rate(learning_rate, number)
        return eta, _schedule(schedule, eta, number)
    if schedule is not None:
        raise InputError("learning_rate is already a schedule, so schedule= would give it "
                         f"twice; received schedule={schedule!r}. Fix: drop schedule=")
    name = getattr(learning_rate, "name", "custom")
    rates = Schedule(name, lambda k: _learning_rate(learning_rate(k), number))
    return rates(0), rates


def _optimizer(method: Any, hyper: dict[str, Any], number: Callable[..., Any]) -> Optimizer:
    """The optimizer with every hyper-parameter in the run's arithmetic: in exact mode the
    defaults too (momentum's β = 0.9 as 9/10), or a float would leak into the rationals."""
    optimizer = make(method, **{k: number(v, k) for k, v in hyper.items()})
    if number is _float or isinstance(method, Optimizer) or not optimizer.hyper:
        return optimizer
    return make(method, **{k: number(v, k) for k, v in {**optimizer.hyper, **hyper}.items()})


def _learning_rate(learning_rate: Any, number: Callable[..., Any]) -> Any:
    try:
        eta = number(learning_rate, "learning_rate")
    except ParseError as error:
        raise InputError(f"learning_rate must be a number such as 0.1; received "
                         f"{learning_rate!r} ({error.reason})") from None
    if not eta > 0:
        raise InputError(f"learning_rate must be > 0; received {learning_rate!r}. Fix: try 0.1 "
                         "(gradwise.advise_learning_rate gives the stable range)")
    return eta


def _max_steps(max_steps: Any, exact: bool) -> int:
    most = MAX_EXACT_STEPS if exact else MAX_STEPS
    fix = "exact arithmetic keeps every step as a fraction: take fewer steps, or drop exact" \
        if exact else "every step is kept: take fewer steps"
    return whole_number(max_steps, "max_steps", 1, most, fix=fix)


def _tolerance(tol: Any, number: Callable[..., Any]) -> Any:
    value = number(tol, "tol")
    if value < 0:
        raise InputError(f"tol must be a finite number >= 0; received {tol!r}. Fix: try tol=1e-8")
    return value


def _schedule(schedule: Any, eta: Any, number: Callable[..., Any]) -> Schedule | None:
    if schedule is None or schedule == "constant":
        return None
    if isinstance(schedule, str):
        return parse_schedule(schedule, eta, number)
    if isinstance(schedule, Schedule):
        return schedule
    raise InputError(f"schedule must be a name such as 'exponential:0.99' or a Schedule, "
                     f"received {schedule!r}")


def _exact(value: Any, name: str = "value") -> sympy.Expr:
    result = exact_number(value, name)
    if not result.is_Rational:
        raise InputError(f"{name} must be rational in exact mode; received {value!r}")
    return result


def _float(value: Any, name: str = "value") -> float:
    if isinstance(value, float):
        if not math.isfinite(value):
            raise InputError(f"{name} must be finite; received {value!r}")
        return value
    return float(exact_number(value, name))


def _finite(value: Any, grad: tuple[Any, ...]) -> bool:
    if isinstance(value, sympy.Basic):
        return all(v.is_finite and v.is_real for v in (value, *grad))
    total = value + sum(grad)
    return total - total == 0.0
