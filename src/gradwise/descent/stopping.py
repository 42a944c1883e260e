"""The stopping rules, written once for every loop that steps downhill.

At each recorded point, with value f (the objective is sign·f: −f when maximizing) and
g2 = |∇f|², in this order:

1. ``non_finite``: f or ∇f is not a finite number (NaN, infinity, undefined);
2. ``converged``: |∇f| <= tol, for ``calm`` points running (1 for a descent; the neuron's
   training asks ``n_iter_no_change`` epochs);
3. ``diverged``: |f| or |∇f| is past :data:`LIMIT`, or the objective and |∇f| both rose for
   :data:`PATIENCE` points running, ending above the start: geometric growth, caught long
   before floats overflow.

Otherwise the loop steps on, or stops as ``max_steps`` when its steps are spent. Four loops
apply these rules: ``minimize``'s Python loop and the neuron's training loop through
:class:`Monitor`, the learning-rate sweep through :class:`Monitors` (many runs at once, on
arrays), and the generated plain-descent loop through :data:`LOOP_CHECKS`, the same rules
as source text (the tests check all three against each other).

Example:
    >>> monitor = Monitor(tol=1e-3)
    >>> [monitor.verdict(v, g2) for v, g2 in [(4.0, 16.0), (1.0, 1.0), (0.0, 0.0)]]
    [None, None, 'converged']
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

__all__ = ["Status", "PATIENCE", "LIMIT", "ORDER", "Monitor", "Monitors", "blown",
           "LOOP_CHECKS"]

Status = Literal["converged", "max_steps", "diverged", "non_finite"]

PATIENCE = 10
"""Points running in which the objective and |∇f| both rise (above the start) before a run
counts as diverged."""

LIMIT = 1e100
"""|f| or |∇f| beyond this counts as diverged at once (floats overflow near 1.8e308)."""

ORDER = ("non_finite", "converged", "diverged")
"""The order in which the rules are checked at a point."""


def blown(value: Any, g2: Any) -> Status | None:
    """Rules 1 and 3's limit alone: ``non_finite``, ``diverged`` past LIMIT, or None.

    For a mini-batch, whose noisy cost is no guide to convergence or to a steady rise.

    Example:
        >>> blown(1e101, 0.0), blown(float("nan"), 1.0), blown(1.0, 1.0)
        ('diverged', 'non_finite', None)
    """
    if not _finite(value, g2):
        return "non_finite"
    if abs(value) > LIMIT or g2 > LIMIT * LIMIT:
        return "diverged"
    return None


@dataclass
class Monitor:
    """The rules for one run, applied point by point.

    Attributes:
        tol: the gradient norm counted as converged (``None``: never converged).
        sign: +1 when minimizing, −1 when maximizing.
        calm: points running with |∇f| <= tol that make a run converged.
    """

    tol: Any
    sign: int = 1
    calm: int = 1
    _first: Any = field(default=None, repr=False)
    _last: Any = field(default=None, repr=False)
    _last_g2: Any = field(default=None, repr=False)
    _rises: int = field(default=0, repr=False)
    _calm: int = field(default=0, repr=False)

    def verdict(self, value: Any, g2: Any) -> Status | None:
        """Why the run stops at this point (value f, g2 = |∇f|²), or None to step on."""
        if not _finite(value, g2):
            return "non_finite"
        self._calm = self._calm + 1 if self.tol is not None and g2 <= self.tol**2 else 0
        if self._calm >= self.calm:
            return "converged"
        objective = self.sign * value
        if self._first is None:
            self._first = objective
        elif objective > self._last and g2 > self._last_g2:
            self._rises += 1
        else:
            self._rises = 0
        self._last, self._last_g2 = objective, g2
        if abs(value) > LIMIT or g2 > LIMIT * LIMIT or (
                self._rises >= PATIENCE and objective > self._first):
            return "diverged"
        return None


class Monitors:
    """The same rules for m runs at once (the learning-rate sweep), on float arrays.

    Example:
        >>> monitors = Monitors(tol=1e-3, sign=1.0, runs=2)
        >>> monitors.verdicts(np.array([4.0, np.nan]), np.array([16.0, 1.0])).tolist()
        [None, 'non_finite']
    """

    def __init__(self, tol: float, sign: float, runs: int) -> None:
        self.tol2, self.sign = tol * tol, sign
        self.first: np.ndarray | None = None
        self.last = self.last_g2 = np.full(runs, math.inf)
        self.rises = np.zeros(runs, dtype=int)

    def verdicts(self, value: np.ndarray, g2: np.ndarray) -> np.ndarray:
        """Each run's status at this point (``None`` to step on), by the rules' order."""
        objective = self.sign * value
        if self.first is None:
            self.first = objective
        rising = (objective > self.last) & (g2 > self.last_g2)
        self.rises = np.where(rising, self.rises + 1, 0)
        self.last, self.last_g2 = objective, g2
        runaway = (np.abs(value) > LIMIT) | (g2 > LIMIT * LIMIT) | (
            (self.rises >= PATIENCE) & (objective > self.first))
        out = np.full(len(value), None, dtype=object)
        out[runaway] = "diverged"
        out[g2 <= self.tol2] = "converged"
        out[~(np.isfinite(value) & np.isfinite(g2))] = "non_finite"
        return out


LOOP_CHECKS = """\
        if not (g2 <= limit2 and -limit <= _v <= limit):
            check = _v + {gsum}
            if check - check != 0.0:
                return "non_finite"
{record_inner}
            return "converged" if g2 <= tol2 else "diverged"
{record}
        if g2 <= tol2:
            return "converged"
        objective = sign * _v
        if objective > last and g2 > last_g2:
            rises += 1
            if rises >= patience and objective > sign * values[0]:
                return "diverged"
        else:
            rises = 0
        last = objective
        last_g2 = g2
"""
"""The rules as the generated loop runs them, arranged so the common point costs few bytecodes:
one comparison catches NaN, infinity and a value or |∇f|² past the limit, and the rare branch
sorts out which. ``{gsum}`` is ∇f's components added (finite iff each is), ``{record}`` and
``{record_inner}`` the loop's recording statements; ``values[0]`` is f at the start."""


def _finite(value: Any, g2: Any) -> bool:
    if isinstance(value, complex) or isinstance(g2, complex):
        return False  # a float power of a negative number, (−0.5)^0.785: not a real number
    if isinstance(value, float | int):
        total = value + g2
        return bool(total - total == 0.0)  # False for NaN and ±infinity, without a call
    return bool(value.is_finite and value.is_real and g2.is_finite)  # exact (SymPy) values
