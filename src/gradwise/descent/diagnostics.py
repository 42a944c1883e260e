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
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from gradwise.descent.trace import Finding, Trace
from gradwise.language.numbers import float_text

__all__ = ["CODES", "CHECKS", "diagnose", "overshoot", "oscillation", "cycle", "divergence",
           "unbounded", "vanishing_gradient", "stalled", "slow", "saddle", "rising",
           "overshoots"]

CODES: dict[str, str] = {
    "divergence": "the value and the gradient grow geometrically: η is too large",
    "unbounded": "f decreases without bound along the run: no minimum lies that way, whatever η",
    "cycle": "the points repeat, so the run goes round and never converges",
    "saddle": "converged where the Hessian is indefinite: a saddle point, not an optimum",
    "vanishing_gradient": "the gradient was tiny far from any stationary point (a plateau)",
    "overshoot": "a step jumped past the optimum along its direction (the slope flipped sign)",
    "oscillation": "the steps kept jumping back and forth while still converging",
    "stalled": "the schedule shrank η until the steps no longer moved the point, far from tol",
    "slow": "max_steps ran out while the run was still making steady progress",
    "rising": "the value ended worse than it started",
}

MAX_PERIOD = 12
REPEAT_TOL = 1e-9  # relative distance at which two points count as the same
VANISH_GROWTH = 3.0  # |∇f| grew this much on a stretch where the objective fell
VANISH_STRETCH = 5  # ... for at least this many steps running
CREEP = 1e-3  # a step moving the point by less than this fraction of its scale is a creep
TINY_GRADIENT = 1e-2  # |∇f| below this counts as tiny (absolute, as deep-learning practice uses)
BLOCK = 8192  # points per block where a check would make many full-length temporaries
UNBOUNDED_STRETCH = 10  # steps running in which the objective fell as |∇f| grew ...
UNBOUNDED_DROP = 1e3  # ... ending this many times (1 + |start|) below the start
STALL_DECAY = 1e-3  # η_k at most this fraction of η_0 ...
STALL_MOVE = 1e-10  # ... and the last step moving the point by less than this of its scale
FLAT_STEPS = 20  # a flattening slope is judged on runs of at least this many steps ...
FLAT_RATE = 0.9  # ... where the curvature shrank (in log) nearly as fast as the slope
FLAT_KEPT = 0.95  # ... and the Newton distance slope/curvature kept this much of its size


def diagnose(trace: Trace) -> tuple[Finding, ...]:
    """Run every check, in the order of ``CODES``; ``rising`` and ``vanishing_gradient`` only
    without ``divergence``."""
    found = [finding for check in CHECKS if (finding := check(trace)) is not None]
    codes = {f.code for f in found}
    if "unbounded" in codes:  # no η is to blame, and no patience would help
        norms = _view(trace).norms
        # a run away with |∇f| growing has no plateau to speak of; one sliding down a slope
        # that flattens out (σ(w)² going left) may well have started on one
        beside = ("divergence", "rising", "slow") if norms[-1] < norms[0] else \
            ("divergence", "rising", "vanishing_gradient", "slow")
        found = [f for f in found if f.code not in beside]
    elif "divergence" in codes:  # a blow-up explains rises and steep |∇f|
        found = [f for f in found if f.code not in ("rising", "vanishing_gradient")]
    if "stalled" in codes:  # more steps would not help: the schedule is to blame
        found = [f for f in found if f.code not in ("slow", "vanishing_gradient")]
    return tuple(found)


def overshoot(trace: Trace) -> Finding | None:
    """A step from x to x + Δ where the slope along Δ changed sign: it passed the optimum."""
    flips = _view(trace).flips
    if not len(flips):
        return None
    k = int(flips[0])
    return Finding("overshoot", f"step {k + 1} jumped from {_where(trace, k)} past the "
                   f"{_optimum(trace)} along its direction; {len(flips)} of "
                   f"{trace.n_steps} steps did", k)


def overshoots(trace: Trace) -> np.ndarray:
    """The steps k (from point k to k + 1) that jumped past the optimum along their direction.

    Example:
        >>> from gradwise.descent.run import minimize
        >>> overshoots(minimize("(1 - w)^2", {"w": 3}, learning_rate=0.9, max_steps=3).trace)
        array([0, 1, 2])
    """
    return _view(trace).flips


def oscillation(trace: Trace) -> Finding | None:
    """Overshoots on at least a quarter of the steps (three or more), while converging."""
    flips = _view(trace).flips
    view = _view(trace)
    converging = trace.status == "converged" or (trace.status == "max_steps" and
                                                 view.norms[-1] < view.norms[0] / 2 and
                                                 view.period is None)
    if len(flips) < max(3, trace.n_steps / 4) or not converging:
        return None
    return Finding("oscillation", f"{len(flips)} of {trace.n_steps} steps overshot, so the "
                   "points zig-zag around the optimum; a smaller η would go straight",
                   int(flips[0]))


def cycle(trace: Trace) -> Finding | None:
    """The last points repeat with a period of 2 to MAX_PERIOD steps, without converging."""
    period = _view(trace).period
    if trace.status == "converged" or period is None:
        return None
    shown = ", ".join(_where(trace, len(trace) - period + i) for i in range(period))
    return Finding("cycle", f"the points repeat every {period} steps ({shown}), so the run "
                   "never converges; lower η", len(trace) - 1 - period)


def divergence(trace: Trace) -> Finding | None:
    """Stopped as diverged, or the objective and |∇f| rose through the last 5 to 10 steps."""
    view = _view(trace)
    values, norms = view.objective, view.norms
    tail = min(len(values) - 1, 10)
    growing = tail >= 5 and bool(np.all(np.diff(values[-tail - 1:]) > 0)
                                 and np.all(np.diff(norms[-tail - 1:]) > 0))
    if trace.status != "diverged" and not growing:
        return None
    first = max(len(values) - 1 - tail, 0)
    steps = max(len(norms) - 1 - first, 1)
    rate = (norms[-1] / norms[first]) ** (1 / steps) if norms[first] > 0 else math.inf
    return Finding("divergence", f"f went from {_num(trace.values[first])} to "
                   f"{_num(trace.values[-1])} while |∇f| grew ×{rate:.3g} a step: η is too "
                   "large", first)


def unbounded(trace: Trace) -> Finding | None:
    """f ran away downhill: the objective fell and |∇f| grew through the last
    ``UNBOUNDED_STRETCH`` steps until it was ``UNBOUNDED_DROP`` × (1 + |start|) below its start,
    or the run stopped as diverged below its start (past ``DIVERGENCE_LIMIT``).

    Descent did its job and f has no minimum that way (a saddle's downhill direction, or f
    unbounded below): a smaller η only delays it.
    """
    view = _view(trace)
    objective, norms = view.objective, view.norms
    if not objective[-1] < objective[0]:
        return None
    if trace.status == "max_steps" and _flattening(trace, view):
        way = "decreases" if trace.ascent is False else "increases"
        return Finding("unbounded", f"f {way} without bound along this run (from "
                       f"{_num(trace.values[0])} to {_num(trace.values[-1])}): the slope and "
                       "the curvature ahead shrank together, so the minimum they promise stays "
                       "as far away as ever; f has no "
                       f"{_optimum(trace)} that way, it only approaches a limit as the point "
                       "runs off to infinity; no η or number of steps changes that: start "
                       "elsewhere", trace.n_steps // 2)
    tail = min(len(objective) - 1, UNBOUNDED_STRETCH)
    falling = tail >= UNBOUNDED_STRETCH and bool(
        np.all(np.diff(objective[-tail - 1:]) < 0) and np.all(np.diff(norms[-tail - 1:]) > 0))
    far = objective[0] - objective[-1] > UNBOUNDED_DROP * (1 + abs(objective[0]))
    if not (trace.status == "diverged" or (falling and far)):
        return None
    first = len(objective) - 1 - tail
    rate = (norms[-1] / norms[first]) ** (1 / tail) if tail and norms[first] > 0 else math.inf
    way = "increases" if trace.ascent else "decreases"
    return Finding("unbounded", f"f {way} without bound along this run: it went from "
                   f"{_num(trace.values[0])} to {_num(trace.values[-1])} while |∇f| grew "
                   f"×{rate:.3g} a step, so no {_optimum(trace)} lies this way (a saddle's "
                   f"{'uphill' if trace.ascent else 'downhill'} direction, or f unbounded); no η "
                   "changes that: start elsewhere", first)


def _flattening(trace: Trace, view: _View) -> bool:
    """Through the second half of the run f fell every step without overshooting, and in each
    of its two quarters the curvature along the path shrank as fast as the slope (log c /
    log |slope| ≥ ``FLAT_RATE``) while the Newton distance slope/c ahead did not shrink (it
    kept ≥ ``FLAT_KEPT`` of its size).

    Near a minimum the curvature settles to λ > 0 and the Newton distance shrinks to 0, as
    slowly as a small η makes it (rate 0); on exp(x) going left both are e^x and 1: the run
    slides towards a limit at infinity. Both quarters must show it, so a quadratic whose
    steep direction has just died out (the curvature along the path falling once, from the
    steep eigenvalue to the shallow one) is not taken for it.
    """
    n = trace.n_steps
    if n < FLAT_STEPS or len(view.flips) and view.flips[-1] >= n // 2:
        return False
    if not np.all(np.diff(view.objective[n // 2:]) < 0):
        return False
    slope, bend = _along_path(trace, view, slice(n // 2, n))
    if not (np.all(np.isfinite(bend)) and np.all(bend > 0) and np.all(slope > 0)):
        return False
    quarter = len(slope) // 2
    return all(_flattens(slope[part], bend[part])
               for part in (slice(0, quarter), slice(quarter, None)))


def _along_path(trace: Trace, view: _View, steps: slice) -> tuple[np.ndarray, np.ndarray]:
    """For each step k: the objective's downhill slope along Δ_k at x_k, and the curvature
    along Δ_k from the change of the gradient over the step."""
    moves = [(x[1:] - x[:-1])[steps] for x in view.points]
    slopes = [trace.sign * g for g in view.gradients]
    length2 = sum(d ** 2 for d in moves)
    with np.errstate(all="ignore"):
        along = sum(s[:-1][steps] * d for s, d in zip(slopes, moves)) / np.sqrt(length2)
        bend = sum((s[1:] - s[:-1])[steps] * d for s, d in zip(slopes, moves)) / length2
    return -along, bend


def _flattens(slope: np.ndarray, bend: np.ndarray) -> bool:
    """The slope fell, the curvature fell at least ``FLAT_RATE`` as fast (in log), and the
    Newton distance slope/curvature kept ``FLAT_KEPT`` of its size, first to last eighth."""
    window = max(len(slope) // 4, 1)
    s0, s1 = np.median(slope[:window]), np.median(slope[-window:])
    b0, b1 = np.median(bend[:window]), np.median(bend[-window:])
    if not s1 < 0.9 * s0:  # the slope must have fallen for a rate to mean anything
        return False
    rate = math.log(b1 / b0) / math.log(s1 / s0)
    return rate >= FLAT_RATE and (s1 / b1) >= FLAT_KEPT * (s0 / b0)


def vanishing_gradient(trace: Trace) -> Finding | None:
    """A plateau: the run crept along on a tiny gradient that was not shrinking, or it started
    flat and |∇f| grew ≥ 3× over ≥ 5 steps running while the objective fell."""
    view = _view(trace)
    norms = view.norms
    if _creeping(trace, view):
        return Finding("vanishing_gradient", f"|∇f| stayed tiny ({norms[0]:.3g} at the start, "
                       f"{norms[-1]:.3g} at the end) while the run ran out of steps: each step "
                       "moved the point very little, yet no stationary point was near (the "
                       "gradient was not shrinking towards 0)", 0)
    objective = view.objective
    rising = (norms[1:] > norms[:-1]) & (objective[1:] < objective[:-1])  # no float temporaries
    begins, ends = _stretches(rising)  # steps begin..end rose: points begin..end + 1
    low, high = norms[begins], norms[ends + 1]
    plateaus = np.flatnonzero((ends + 1 - begins >= VANISH_STRETCH) &
                              (high >= VANISH_GROWTH * low) & (VANISH_GROWTH * low > 0))
    if not len(plateaus):
        return None
    first = plateaus[0]
    begin, end = int(begins[first]), int(ends[first])
    return Finding("vanishing_gradient", f"|∇f| was only {low[first]:.3g} at "
                   f"{_where(trace, begin)}, yet grew to {high[first]:.3g} by step {end + 1} "
                   "as f fell: that start was on a plateau, not near a minimum, so the steps "
                   "were tiny", begin)


def _creeping(trace: Trace, view: _View) -> bool:
    """Out of steps, |∇f| tiny and not decaying, and steps η|∇f| below CREEP of the point's scale.

    Near a minimum |∇f| shrinks geometrically; on a plateau (a saturated sigmoid) it does not,
    however long the run creeps on.
    """
    if trace.status != "max_steps" or trace.n_steps < VANISH_STRETCH or view.norms[0] == 0:
        return False
    if not (view.norms[-1] >= view.norms[0] / 2 and _median_below(view.norms, TINY_GRADIENT)):
        return False
    rates = np.abs(np.asarray(trace.learning_rates, dtype=float))
    moves = rates * view.norms[:-1]
    scale = np.maximum.reduce([np.abs(x[:-1]) for x in view.points] + [np.ones(len(moves))])
    return _median_below(moves / scale, CREEP)


def _median_below(x: np.ndarray, bound: float) -> bool:
    """``np.median(x) < bound``, found by counting (a median needs a partial sort)."""
    if np.isnan(x).any():
        return False  # the median is NaN
    below, half = int(np.count_nonzero(x < bound)), len(x) / 2
    if below != half:  # more than half below: both middle values are; fewer: neither is
        return below > half
    return bool(np.median(x) < bound)


def slow(trace: Trace) -> Finding | None:
    """max_steps reached while the objective still fell through the last tenth of the run."""
    if trace.status != "max_steps" or trace.n_steps < 2 or _view(trace).period is not None:
        return None
    back = max(trace.n_steps // 10, 1)
    recent = _view(trace).objective[-back - 1:]
    if not (np.all(np.diff(recent) <= 0) and recent[-1] < recent[0]):
        return None
    return Finding("slow", f"still improving after {trace.n_steps} steps (f fell from "
                   f"{_num(trace.values[-back - 1])} to {_num(trace.values[-1])} over the "
                   f"last {back}); allow more steps or a larger η", trace.n_steps)


def stalled(trace: Trace) -> Finding | None:
    """Out of steps, with η_k shrunk to ``STALL_DECAY`` of η_0 or less by the schedule, and the
    last step η|∇f| below ``STALL_MOVE`` of the point's scale while |∇f| is still above tol:
    the steps stopped moving the point, not the gradient."""
    rates = np.abs(np.asarray(trace.learning_rates, dtype=float))
    if trace.status != "max_steps" or trace.n_steps < 10 or not rates[0] > 0:
        return None
    view = _view(trace)
    scale = 1 + math.hypot(*(float(x[-1]) for x in view.points))
    last_step = float(rates[-1] * view.norms[-2])
    if not (rates[-1] <= STALL_DECAY * rates[0] and last_step <= STALL_MOVE * scale
            and view.norms[-1] > trace.tol):
        return None
    return Finding("stalled", f"the schedule shrank η from {_num(rates[0])} to "
                   f"{_num(rates[-1])}, so the last steps moved the point by about "
                   f"{_num(last_step)} while |∇f| = {_num(view.norms[-1])} is still above "
                   f"tol = {_num(trace.tol)}: the steps stopped, not the gradient, and more steps "
                   "will not help. Fix: a slower schedule (step:0.5:N with a larger N, "
                   "exponential closer to 1) or none", trace.n_steps - 1)


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
    values = _view(trace).objective
    if not values[-1] > values[0]:
        return None
    goal = "maximizing" if trace.ascent else "minimizing"
    return Finding("rising", f"f went from {_num(trace.values[0])} to "
                   f"{_num(trace.values[-1])} although {goal}", 0)


CHECKS: tuple[Callable[[Trace], Finding | None], ...] = (
    divergence, unbounded, cycle, saddle, vanishing_gradient, overshoot, oscillation, stalled,
    slow, rising)


# -- helpers ---------------------------------------------------------------------------

class _View(NamedTuple):
    points: tuple[np.ndarray, ...]  # one array per variable, over the points
    gradients: tuple[np.ndarray, ...]  # one array per variable, over the points
    objective: np.ndarray  # sign·f at each point
    norms: np.ndarray  # |∇f| at each point
    period: int | None  # the last points repeat with this period
    flips: np.ndarray  # steps that overshot (see _flips)


def _view(trace: Trace) -> _View:
    """The trace as float arrays, computed once per trace for all the checks (and kept with
    the trace, so it lives no longer than the trace does)."""
    view = trace._memo.get("diagnostics")
    if view is not None:
        return view
    # a float trace's columns are read in place; 100,000-point temporaries are few, as
    # each one costs fresh pages from the system
    points = tuple(np.asarray(c, dtype=float) for c in trace.coordinates)
    gradients = tuple(np.asarray(c, dtype=float) for c in trace.gradients)
    values = np.asarray(trace.values, dtype=float)
    objective = values if trace.sign > 0 else -values
    norms = _norms(gradients)
    with np.errstate(over="ignore", invalid="ignore"):  # inf and NaN compare as False
        flips = _flips(points, gradients, trace.sign)
    view = _View(points, gradients, objective, norms, _period(points), flips)
    trace._memo["diagnostics"] = view
    return view


def _norms(gradients: tuple[np.ndarray, ...]) -> np.ndarray:
    """|∇f| at each point, by hypot: no overflow for |∇f| > 1e154 (as np.hypot.reduce)."""
    if len(gradients) == 1:
        return np.abs(gradients[0])
    norms = np.hypot(gradients[0], gradients[1])
    for column in gradients[2:]:
        np.hypot(norms, column, out=norms)
    return norms


def _flips(points: tuple[np.ndarray, ...], gradients: tuple[np.ndarray, ...],
           sign: int) -> np.ndarray:
    """Steps k where the objective's slope along Δ_k was downhill at x_k and uphill at x_k+1."""
    steps = len(points[0]) - 1
    found = [np.empty(0, dtype=np.intp)]
    for a in range(0, steps, BLOCK):  # blocks: the temporaries stay in the cache
        b = min(a + BLOCK, steps)
        before = after = np.empty(0)  # ∇f(x_k)·Δ_k and ∇f(x_k+1)·Δ_k over the variables
        for i, (x, g) in enumerate(zip(points, gradients)):
            delta = x[a + 1:b + 1] - x[a:b]
            if i == 0:
                before, after = g[a:b] * delta, g[a + 1:b + 1] * delta
            else:
                before += g[a:b] * delta
                after += g[a + 1:b + 1] * delta
        # the objective −f (sign < 0) has the opposite slopes
        hits = (before > 0) & (after < 0) if sign < 0 else (before < 0) & (after > 0)
        found.append(np.flatnonzero(hits) + a)
    return np.concatenate(found)


def _period(points: tuple[np.ndarray, ...]) -> int | None:
    """The smallest p in 2..MAX_PERIOD with x_k ≈ x_k−p over the last 2p points, if moving."""
    # small: plain Python is quicker
    tail = list(zip(*(x[-3 * MAX_PERIOD - 1:].tolist() for x in points)))
    last = tail[-1]
    near = REPEAT_TOL * (1 + math.hypot(*last))
    for p in range(2, MAX_PERIOD + 1):
        if len(tail) < 3 * p + 1:
            return None
        if math.dist(last, tail[-1 - p]) > near:
            continue
        recent = tail[-2 * p:]
        earlier = tail[-3 * p:-p]
        room = [REPEAT_TOL * (1 + math.hypot(*a)) for a in recent]
        moving = any(math.dist(a, b) > r for a, b, r in zip(recent, recent[1:], room))
        if moving and all(math.dist(a, b) <= r for a, b, r in zip(recent, earlier, room)):
            return p
    return None


def _stretches(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The first and the last index of each run of True in ``mask``."""
    # where the mask changes, False outside it: a run's first index, then one past its last
    edges = np.flatnonzero(np.diff(mask, prepend=False, append=False))
    return edges[::2], edges[1::2] - 1


def _where(trace: Trace, k: int) -> str:
    names, point = trace.names, trace.point(k)
    if len(names) == 1:
        return f"{names[0]} = {_num(point[0])}"
    return "(" + ", ".join(f"{n} = {_num(x)}" for n, x in zip(names, point)) + ")"


def _optimum(trace: Trace) -> str:
    return "maximum" if trace.ascent else "minimum"


def _num(x: object) -> str:
    return float_text(float(x))  # type: ignore[arg-type]
