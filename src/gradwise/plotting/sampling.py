"""What to draw and where: the function behind an object, the window, f and ∇f on a grid.

Grids are evaluated by ``gradwise.numeric.kernels.array_kernel``, printed from the SymPy
expression that ``parse`` built (never user text). Where f or ∇f is undefined or not
real (``log`` of a negative number) the grid holds NaN, and the picture leaves a gap.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from gradwise.errors import InputError
from gradwise.language.expressions import Expression
from gradwise.plotting.style import KIND_MARKERS

__all__ = ["function_of", "check_dimension", "window", "around", "evaluate", "DEFAULT_WINDOW"]

DEFAULT_WINDOW = (-3.0, 3.0)
"""Each variable's range when nothing (path, points, ``within``) says where to look."""

MIN_WIDTH = 2.0   # a window is never narrower than this, so a curve has room to bend
PAD = 0.4         # of the points' span, added on each side
ASPECT = 0.6      # the shorter side of a 2-D window, at least, as a share of the longer


def function_of(subject: Any) -> Expression:
    """The expression behind text, an Expression, a Gradient, CriticalPoints or a Result."""
    from gradwise.calculus.gradients import as_expression

    if isinstance(subject, str | Expression):
        return as_expression(subject)
    function = getattr(subject, "function", None)
    if isinstance(function, Expression):
        return function
    if hasattr(subject, "trace"):
        raise InputError("this run was of a Python function, so there is no expression to "
                         "draw; run it on text or gradwise.parse(...) instead, or use "
                         "plot_progress, which needs only the trace")
    raise InputError(f"cannot draw a {type(subject).__name__}; expected text, an Expression, "
                     "a Gradient, CriticalPoints or a descent Result")


def check_dimension(f: Expression, most: int = 2) -> int:
    """The number of variables, refusing functions that cannot be drawn as they stand."""
    extra = sorted(s.name for s in f.expr.free_symbols - set(f.variables))
    if extra:
        raise InputError(f"{f.text!r} has the parameters {', '.join(extra)}, which need values "
                         "before it can be drawn. Fix: fix them with constants= in "
                         f"gradwise.parse (on the command line: --const {extra[0]}=...)")
    n = len(f.variables)
    if not 1 <= n <= most:
        raise InputError(f"pictures show functions of 1 or {most} variables, but {f.text!r} has "
                         f"{n} ({', '.join(f.names) or 'none'}). Fix: fix the others with "
                         "constants= (--const) or use plot_progress for a descent")
    return n


def window(f: Expression, within: Mapping[str, Any] | str | None = None,
           points: Sequence[Sequence[float]] = ()) -> list[tuple[float, float]]:
    """(low, high) per variable: ``within`` if given, else around the points and the origin.

    Args:
        f: the function.
        within: a box such as ``"x=-2:2, y=-1:3"`` or ``{"x": (-2, 2), "y": (-1, 3)}``.
        points: points that must be visible (a path, critical points), in variable order.
    """
    if within is not None:
        from gradwise.critical.search import parse_box

        box = parse_box(within, f)
        bounds = [(float(lo), float(hi)) for lo, hi in box.values()]
        for name, (lo, hi) in zip(f.names, bounds):
            if not lo < hi:
                raise InputError(f"the range of {name!r} in within= is empty ({lo:g} to "
                                 f"{hi:g}). Fix: give low < high, e.g. {name}=-2:2")
        return bounds
    return around(points, len(f.variables))


def around(points: Sequence[Sequence[float]], n: int) -> list[tuple[float, float]]:
    """(low, high) per coordinate holding the points and the origin, padded (see ``window``)."""
    finite = [p for p in points if all(np.isfinite(float(c)) for c in p)]
    if not finite:
        return [DEFAULT_WINDOW] * n
    coordinates = np.array([[float(c) for c in p] for p in finite] + [[0.0] * n])
    spans = np.ptp(coordinates, axis=0) * (1 + 2 * PAD)
    # in two variables neither side is less than ASPECT of the other, so contours stay legible
    least = max(MIN_WIDTH, ASPECT * float(spans.max())) if len(spans) > 1 else MIN_WIDTH
    return [_padded(column.min(), column.max(), least) for column in coordinates.T]


def _padded(low: float, high: float, least: float) -> tuple[float, float]:
    pad = PAD * (high - low)
    low, high = low - pad, high + pad
    if high - low < least:
        middle = (low + high) / 2
        low, high = middle - least / 2, middle + least / 2
    return float(low), float(high)


LARGEST = 1e306
"""Values beyond ±this are not drawn (as undefined ones): an axis from −1e308 to 1e308 has a
length that overflows a float."""


def evaluate(f: Expression, *coordinates: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
    """f and ∇f on arrays of coordinates (one array per variable, all the same shape).

    Returns:
        ``(values, [∂f/∂v for each variable])``, float arrays of the coordinates' shape,
        NaN where a value is undefined, not real or beyond ±``LARGEST``.
    """
    from gradwise.numeric.kernels import array_kernel

    kernel = array_kernel(f)
    shape = np.shape(coordinates[0])
    with np.errstate(all="ignore"):
        value, gradient = kernel(*coordinates)
        return _real(value, shape), [_real(g, shape) for g in gradient]


def _real(values: Any, shape: tuple[int, ...]) -> np.ndarray:
    array = np.broadcast_to(np.asarray(values), shape)
    if np.iscomplexobj(array):
        array = np.where(np.abs(array.imag) > 1e-12, np.nan, array.real)
    array = np.array(array, dtype=float)
    with np.errstate(invalid="ignore"):
        array[~(np.abs(array) <= LARGEST)] = np.nan  # inf, NaN, and values no axis can span
    return array


def critical_list(critical: Any, f: Expression | None = None) -> list[Any]:
    """Critical points as a list, from CriticalPoints, a sequence of them, or None; with
    ``f``, each must have one coordinate per variable of f."""
    if critical is None:
        return []
    points = list(getattr(critical, "points", critical))
    for p in points:
        if getattr(p, "kind", None) not in KIND_MARKERS:
            raise InputError(f"critical= takes gradwise.critical_points(...) or its "
                             f"points; received {type(p).__name__}")
        if f is not None and len(p.point) != len(f.names):
            raise InputError(f"critical= has points of {_count(len(p.point), 'coordinate')}, "
                             f"but {f.text!r} has {_variables(f.names)}. Fix: pass "
                             "gradwise.critical_points of the function drawn")
    return points


def run_path(f: Expression, result: Any) -> list[Any]:
    """The points of a descent run to draw on f (none for ``None``), refusing a run whose
    variables are not as many as f's."""
    if result is None:
        return []
    trace = getattr(result, "trace", None)
    if trace is None:
        raise InputError(f"result= takes a descent Result (gradwise.minimize(...)); received "
                         f"{type(result).__name__}")
    if len(trace.names) != len(f.names):
        raise InputError(f"result= is a run of {_variables(trace.names)}, but {f.text!r} has "
                         f"{_variables(f.names)}. Fix: pass a run of the function drawn")
    return list(trace.points)


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"


def _variables(names: Sequence[str]) -> str:
    """'2 variables (x, y)'."""
    return f"{_count(len(names), 'variable')} ({', '.join(names) or 'none'})"
