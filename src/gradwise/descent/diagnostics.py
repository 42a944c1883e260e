"""Diagnosis: pure functions of a :class:`Trace`, each ``check(trace) -> Finding | None``.

Every finding has a fixed code (``CODES``) and a one-line message with this run's numbers.
"Objective" means sign·f: f when minimizing, −f when maximizing, so every check reads
the same way in both directions.

Example:
    >>> from gradwise.descent.run import minimize
    >>> minimize("(1 - w)^2", {"w": 3}, learning_rate=1, max_steps=20).codes
    ['cycle', 'overshoot']
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from gradwise.descent.trace import Finding, Trace

__all__ = ["CODES", "CHECKS", "diagnose", "overshoot", "oscillation", "cycle", "divergence",
           "vanishing_gradient", "slow", "saddle", "rising"]

CODES: dict[str, str] = {
    "divergence": "the value and the gradient grow geometrically: η is too large",
    "cycle": "the points repeat, so the run goes round and never converges",
    "saddle": "converged where the Hessian is indefinite: a saddle point, not an optimum",
    "vanishing_gradient": "the gradient was tiny far from any stationary point (a plateau)",
    "overshoot": "a step jumped past the optimum along its direction (the slope flipped sign)",
    "oscillation": "the steps kept jumping back and forth while still converging",
    "slow": "max_steps ran out while the run was still making steady progress",
    "rising": "the value ended worse than it started",
}

MAX_PERIOD = 12
REPEAT_TOL = 1e-9  # relative distance at which two points count as the same
VANISH_GROWTH = 3.0  # |∇f| grew this much on a stretch where the objective fell
VANISH_STRETCH = 5  # ... for at least this many steps running


def diagnose(trace: Trace) -> tuple[Finding, ...]:
    """Run every check, in the order of ``CODES``; ``rising`` only without ``divergence``."""
    found = [finding for check in CHECKS if (finding := check(trace)) is not None]
    if any(f.code == "divergence" for f in found):
        found = [f for f in found if f.code != "rising"]
    return tuple(found)


def overshoot(trace: Trace) -> Finding | None:
    """A step from x to x + Δ where the slope along Δ changed sign: it passed the optimum."""
    flips = _flips(trace)
    if not flips:
        return None
    k = flips[0]
    where = _where(trace, k)
    return Finding("overshoot", f"step {k + 1} jumped from {where} past the "
                   f"{_optimum(trace)} along its direction; {len(flips)} of "
                   f"{trace.n_steps} steps did", k)


def oscillation(trace: Trace) -> Finding | None:
    """Three or more overshoots in a run that is still converging."""
    flips = _flips(trace)
    norms = trace.gradient_norms()
    converging = trace.status == "converged" or (
        trace.status == "max_steps" and norms[-1] < norms[0] / 2 and cycle(trace) is None)
    if len(flips) < 3 or not converging:
        return None
    return Finding("oscillation", f"{len(flips)} of {trace.n_steps} steps overshot, so the "
                   "points zig-zag around the optimum; a smaller η would go straight",
                   flips[0])


def cycle(trace: Trace) -> Finding | None:
    """The last points repeat with a period of 2 to MAX_PERIOD steps, without converging."""
    if trace.status == "converged":
        return None
    points = _float_points(trace)
    for period in range(2, MAX_PERIOD + 1):
        if _repeats(points, period):
            shown = ", ".join(_point_text(trace.names, p) for p in points[-period:])
            return Finding("cycle", f"the points repeat every {period} steps ({shown}), so "
                           "the run never converges; lower η", len(points) - 1 - period)
    return None


def divergence(trace: Trace) -> Finding | None:
    """Stopped as diverged, or the objective and |∇f| rose through the last steps."""
    values = _objective(trace)
    norms = trace.gradient_norms()
    tail = min(len(values) - 1, 10)
    growing = tail >= 5 and all(values[-i] > values[-i - 1] and norms[-i] > norms[-i - 1]
                                for i in range(1, tail + 1))
    if trace.status != "diverged" and not growing:
        return None
    first = max(len(values) - 1 - tail, 0)
    rate = (norms[-1] / norms[first]) ** (1 / max(len(norms) - 1 - first, 1)) if \
        norms[first] > 0 else math.inf
    return Finding("divergence", f"{_f(trace)} went from {_num(trace.values[first])} to "
                   f"{_num(trace.values[-1])} while |∇f| grew ×{rate:.3g} a step: η is too "
                   "large", first)


def vanishing_gradient(trace: Trace) -> Finding | None:
    """|∇f| grew ≥ 3× over ≥ 5 steps running while the objective fell: it started flat."""
    values = _objective(trace)
    norms = trace.gradient_norms()
    start = 0
    for k in range(1, len(norms) + 1):
        rising = k < len(norms) and norms[k] > norms[k - 1] and values[k] < values[k - 1]
        if rising:
            continue
        if k - 1 - start >= VANISH_STRETCH and norms[k - 1] >= VANISH_GROWTH * norms[start] > 0:
            return Finding("vanishing_gradient", f"|∇f| was only {norms[start]:.3g} at "
                           f"{_where(trace, start)}, yet grew to {norms[k - 1]:.3g} by step "
                           f"{k - 1} as {_f(trace)} fell: that start was on a plateau, not "
                           "near a minimum, so the steps were tiny", start)
        start = k
    return None


def slow(trace: Trace) -> Finding | None:
    """max_steps reached while the objective still fell through the last tenth of the run."""
    if trace.status != "max_steps" or trace.n_steps < 2 or cycle(trace) is not None:
        return None
    values = _objective(trace)
    back = max(trace.n_steps // 10, 1)
    recent = values[-back - 1:]
    if not all(b <= a for a, b in zip(recent, recent[1:])) or not recent[-1] < recent[0]:
        return None
    return Finding("slow", f"still improving after {trace.n_steps} steps ({_f(trace)} fell "
                   f"from {_num(trace.values[-back - 1])} to {_num(trace.values[-1])} over the "
                   f"last {back}); allow more steps or a larger η", trace.n_steps)


def saddle(trace: Trace) -> Finding | None:
    """Converged where the Hessian has eigenvalues of both signs."""
    eig = trace.curvature
    if trace.status != "converged" or not eig:
        return None
    scale = 1e-9 * max(1.0, max(abs(e) for e in eig))
    if not (eig[0] < -scale and eig[-1] > scale):
        return None
    shown = ", ".join(_num(e) for e in eig)
    return Finding("saddle", f"converged to {_where(trace, len(trace) - 1)}, where the Hessian's "
                   f"eigenvalues are {shown}: a saddle point, not a "
                   f"{'maximum' if trace.ascent else 'minimum'}; start off it",
                   len(trace) - 1)


def rising(trace: Trace) -> Finding | None:
    """The objective ended worse than at the start."""
    values = _objective(trace)
    if not values[-1] > values[0]:
        return None
    goal = "maximizing" if trace.ascent else "minimizing"
    return Finding("rising", f"{_f(trace)} went from {_num(trace.values[0])} to "
                   f"{_num(trace.values[-1])} although {goal}", 0)


CHECKS: tuple[Callable[[Trace], Finding | None], ...] = (
    divergence, cycle, saddle, vanishing_gradient, overshoot, oscillation, slow, rising)


# -- helpers ---------------------------------------------------------------------------

def _objective(trace: Trace) -> list[float]:
    sign = trace.sign
    return [sign * v for v in trace.float_values()]


def _float_columns(columns: Sequence[Sequence[object]]) -> list[Sequence[float]]:
    return [c if not c or isinstance(c[0], float) else [float(x) for x in c] for c in columns]


def _float_points(trace: Trace) -> list[tuple[float, ...]]:
    return list(zip(*_float_columns(trace.coordinates)))


def _flips(trace: Trace) -> list[int]:
    """Steps k where the objective's slope along Δ_k was downhill at x_k and uphill at x_k+1."""
    xs = _float_columns(trace.coordinates)
    gs = _float_columns(trace.gradients)
    sign = trace.sign
    flips = []
    for k in range(trace.n_steps):
        delta = [c[k + 1] - c[k] for c in xs]
        before = sign * sum(g[k] * d for g, d in zip(gs, delta))
        after = sign * sum(g[k + 1] * d for g, d in zip(gs, delta))
        if before < 0 < after:
            flips.append(k)
    return flips


def _repeats(points: list[tuple[float, ...]], period: int) -> bool:
    if len(points) < 3 * period + 1:
        return False
    tail = points[-2 * period:]
    earlier = points[-3 * period:-period]
    moving = any(_distance(a, b) > REPEAT_TOL * (1 + _size(a)) for a, b in zip(tail, tail[1:]))
    return moving and all(_distance(a, b) <= REPEAT_TOL * (1 + _size(a))
                          for a, b in zip(tail, earlier))


def _distance(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    return math.sqrt(sum((x - y) ** 2 for x, y in zip(a, b)))


def _size(a: tuple[float, ...]) -> float:
    return math.sqrt(sum(x * x for x in a))


def _where(trace: Trace, k: int) -> str:
    return _point_text(trace.names, trace.point(k))


def _point_text(names: Sequence[str], point: Sequence[object]) -> str:
    if len(names) == 1:
        return f"{names[0]} = {_num(point[0])}"
    return "(" + ", ".join(f"{n} = {_num(x)}" for n, x in zip(names, point)) + ")"


def _optimum(trace: Trace) -> str:
    return "maximum" if trace.ascent else "minimum"


def _f(trace: Trace) -> str:
    return "f"


def _num(x: object) -> str:
    value = float(x)  # type: ignore[arg-type]
    return f"{value:.6g}".replace("-", "−") if value != 0 else "0"
