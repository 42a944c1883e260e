"""Pictures of a descent: the path on f, the value and |∇f| per step, learning rates compared.

One variable is the notes' picture: the curve, the tangent at each step (its slope is the
gradient), and each step an arrow from (w, f(w)) to (w + Δw, f(w + Δw)), red where it
overshoots (jumps past the optimum: the slope along the step changes sign). Two variables:
contours, ∇f arrows and the path with its steps. The path's points are the trace's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from gradwise.descent.endings import outcome
from gradwise.errors import InputError
from gradwise.plotting import sampling
from gradwise.plotting.functions import (
    Arrows,
    critical_list,
    draw_contours,
    draw_critical,
    draw_curve,
    draw_gradient_field,
    tangent_half_width,
    tangent_segment,
)
from gradwise.plotting.style import (
    COLOURS,
    axis_label,
    finish,
    new_axes,
    new_figure,
    number,
    place_legend,
    steps_text,
    title,
)

__all__ = ["plot_descent", "plot_result", "plot_progress", "plot_learning_rates",
           "overshooting_steps", "run_summary", "panel_title", "MAX_ARROWS"]

MAX_ARROWS = 60
"""Step arrows are drawn for the first MAX_ARROWS steps; the path line has every point."""

DECADES = 2.0
"""A per-step axis turns logarithmic when its positive values span more than 10**DECADES."""


def plot_descent(result: Any, within: Mapping[str, Any] | str | None = None, *,
                 critical: Any = None, tangents: int = 10, arrows: Arrows = "auto",
                 ax: Axes | None = None) -> Axes:
    """A descent (or ascent) drawn on its function: path, steps, start, end.

    Args:
        result: what ``gradwise.minimize`` or ``maximize`` returned, on an expression of
            one or two variables.
        within: the window, e.g. ``"w=-2:4"``; by default it holds the path and the origin.
        critical: critical points to mark by kind (``gradwise.critical_points(f)``).
        tangents: in one variable, draw the tangent (slope = ∇f) at the first this many
            points.
        arrows: ∇f on a grid, in two variables (see ``plot_function``).
        ax: draw into these Axes instead of a new figure.

    Returns:
        The Axes; the path is the Line2D with gid ``"path"``, whose data are the trace's
        points (in one variable: the points and their values).

    Raises:
        InputError: the run's function has more than two variables (use
            :func:`plot_progress`), or the window is not valid for it.

    Example:
        >>> from gradwise import minimize
        >>> r = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=5)
        >>> path = next(line for line in plot_descent(r).lines if line.get_gid() == "path")
        >>> [round(float(w), 4) for w in path.get_xdata()]
        [3.0, 2.6, 2.28, 2.024, 1.8192, 1.6554]
    """
    f = sampling.function_of(result)
    n = sampling.check_dimension(f)
    trace = result.trace
    points = [tuple(float(c) for c in p) for p in trace.points]
    marked = critical_list(critical, f)
    bounds = sampling.window(f, within, points + [p.point for p in marked])
    ax = new_axes(ax)
    if n == 1:
        _one_variable(ax, f, trace, bounds[0], tangents, _step_label(result))
    else:
        draw_contours(ax, f, bounds)
        draw_gradient_field(ax, f, bounds, arrows)
        _two_variables(ax, trace, _step_label(result))
    draw_critical(ax, f, marked)
    ax.set_title(title(f, run_summary(result)))
    return finish(ax, f.names)


def plot_result(result: Any, **options: Any) -> Axes:
    """``Result.plot()``: :func:`plot_descent` in one or two variables, else the f panel of
    :func:`plot_progress` (a Python function's run, or three or more variables).

    Args:
        result: what ``gradwise.minimize`` or ``maximize`` returned.
        **options: passed to :func:`plot_descent` (``within``, ``critical``, ``tangents``,
            ``arrows``, ``ax``).

    Returns:
        The Axes drawn into.

    Raises:
        InputError: an option :func:`plot_descent` rejects, such as a window naming a
            variable the function does not have.

    Example:
        >>> from gradwise import minimize
        >>> run = minimize("x^2 + y^2 + z^2", {"x": 1, "y": 1, "z": 1}, max_steps=5)
        >>> plot_result(run).get_ylabel()
        'f(x, y, z)'
    """
    if result.function is not None and len(result.trace.names) <= 2:
        return plot_descent(result, **options)
    return plot_progress(result).axes[0]


def plot_progress(result: Any) -> Figure:
    """f and |∇f| per step, in two panels sharing the step axis.

    A panel is logarithmic when its values are positive and span more than two decades;
    the |∇f| panel shows ``tol`` as a dashed line.

    Args:
        result: a descent Result (its trace is used; the function may be a Python one).

    Returns:
        The Figure; the curves have gids ``"value"`` and ``"gradient-norm"``.

    Raises:
        AttributeError: ``result`` is not a descent Result (it has no trace).

    Example:
        >>> from gradwise import minimize
        >>> figure = plot_progress(minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1))
        >>> [line.get_gid() for line in figure.axes[0].lines]
        ['value']
        >>> figure.axes[1].get_yscale()
        'log'
    """
    trace = result.trace
    steps = np.arange(len(trace))
    figure = new_figure(7.0, 5.5)
    top, bottom = figure.subplots(2, 1, sharex=True)
    f = result.function
    name = f.name if f is not None else "f"
    value_label = axis_label(f) if f is not None else "f"
    values = np.array(trace.float_values())
    norms = np.array(trace.gradient_norms())
    top.plot(steps, values, color=COLOURS["path"], marker="." if len(steps) <= 60 else None,
             gid="value", label=value_label)
    bottom.plot(steps, norms, color=COLOURS["gradient"], marker="." if len(steps) <= 60
                else None, gid="gradient-norm", label=f"|∇{name}|")
    if trace.tol > 0:
        bottom.axhline(trace.tol, color=COLOURS["end"], linestyle="--", linewidth=1,
                       label=f"tol = {trace.tol:g}", gid="tol")
    for ax, data, label in ((top, values, value_label), (bottom, norms, f"|∇{name}|")):
        ax.set_ylabel(label)
        if spans_decades(data):
            ax.set_yscale("log", nonpositive="mask")
        ax.grid(True, alpha=0.3)
        place_legend(ax)
    bottom.set_xlabel("step")
    heading = title(result.function) if result.function is not None else "f"
    top.set_title(f"{heading}\n{run_summary(result)}")
    return figure


def plot_learning_rates(results: Sequence[Any], within: Mapping[str, Any] | str | None = None,
                        *, columns: int = 5) -> Figure:
    """Runs of one function from one start with different η, side by side.

    Each panel is :func:`plot_descent` of one run, titled with its η, status and findings.

    Args:
        results: the runs, e.g. ``[minimize(f, start, eta) for eta in (0.1, 0.5, 1.1)]``.
        within: one window for every panel; by default each panel frames its own path.
        columns: panels per row.

    Returns:
        The Figure; its Axes are in the order of ``results``.

    Raises:
        InputError: no runs, or runs of different functions or starts.

    Example:
        >>> from gradwise import minimize
        >>> runs = [minimize("(1 - w)^2", {"w": 3}, learning_rate=eta, max_steps=20)
        ...         for eta in (0.1, 0.5, 1.1)]
        >>> len(plot_learning_rates(runs).axes)
        3
    """
    results = list(results)
    _check_same_problem(results)
    rows = -(-len(results) // columns)
    width = min(len(results), columns)
    figure = new_figure(3.6 * width, 3.4 * rows + 0.6)
    axes = figure.subplots(rows, width, squeeze=False).ravel()
    for index, (ax, result) in enumerate(zip(axes, results)):
        plot_descent(result, within, tangents=0, arrows="none", ax=ax)
        ax.set_title(panel_title(result), fontsize="medium")
        legend = ax.get_legend()
        if legend is not None and index:
            legend.remove()
    for ax in axes[len(results):]:
        ax.set_visible(False)
    first = results[0].trace
    start = ", ".join(f"{n} = {number(x)}" for n, x in zip(first.names, first.point(0)))
    figure.suptitle(f"{title(results[0].function)}, from {start}")
    return figure


def overshooting_steps(trace: Any) -> list[int]:
    """Steps k whose slope along Δ_k was downhill at x_k and uphill at x_k+1 (for sign·f).

    The same rule as the ``overshoot`` diagnostic: the step jumped past the optimum.
    """
    points = np.array(trace.coordinates, dtype=float)
    gradients = np.array(trace.gradients, dtype=float)
    delta = np.diff(points, axis=1)
    before = trace.sign * np.sum(gradients[:, :-1] * delta, axis=0)
    after = trace.sign * np.sum(gradients[:, 1:] * delta, axis=0)
    return [int(k) for k in np.flatnonzero((before < 0) & (after > 0))]


def run_summary(result: Any) -> str:
    """``gradient descent, η = 0.1: converged after 37 steps``."""
    direction = "gradient ascent" if result.trace.ascent else "gradient descent"
    method = "" if result.method == "gd" else f" ({result.method})"
    return (f"{direction}{method}, η = {number(result.learning_rate)}: "
            f"{outcome(result.status, result.n_steps)}")


def panel_title(result: Any) -> str:
    """``η = 1.1: diverged after 10 steps`` and, below, the findings' codes."""
    findings = ", ".join(result.codes) or "no findings"
    return f"η = {number(result.learning_rate)}: {outcome(result.status, result.n_steps)}" \
           f"\n{findings}"


def spans_decades(data: np.ndarray) -> bool:
    """Whether the positive, finite values span more than 10**DECADES."""
    positive = data[np.isfinite(data) & (data > 0)]
    return bool(positive.size >= 2 and np.log10(positive.max() / positive.min()) > DECADES)


# -- the two pictures ------------------------------------------------------------------

def _step_label(result: Any) -> str:
    if result.method != "gd" or result.schedule != "constant":
        return "step Δ"
    nabla = f"∇{result.function.name}"
    return f"step Δ = +η{nabla} (ascent)" if result.trace.ascent else f"step Δ = −η{nabla}"


def _one_variable(ax: Axes, f: Any, trace: Any, bounds: tuple[float, float],
                  tangents: int, label: str) -> None:
    low, high = draw_curve(ax, f, bounds)
    xs = np.array(trace.coordinates[0], dtype=float)
    ys = np.array(trace.float_values())
    slopes = np.array(trace.gradients[0], dtype=float)
    y_span = max(high, *ys) - min(low, *ys)
    for k in range(min(tangents, len(xs))):
        half = tangent_half_width(slopes[k], bounds[1] - bounds[0], y_span)
        tx, ty = tangent_segment(xs[k], ys[k], slopes[k], half)
        ax.plot(tx, ty, color=COLOURS["tangent"], linewidth=1.5, gid="tangent",
                label=f"tangent: slope = ∇{f.name}")
    ax.plot(xs, ys, linestyle="none", marker="o", markersize=4, color=COLOURS["path"],
            gid="path", label=f"points ({steps_text(trace.n_steps)})")
    _step_arrows(ax, list(zip(xs, ys)), overshooting_steps(trace), label)
    _ends(ax, xs, ys)


def _two_variables(ax: Axes, trace: Any, label: str) -> None:
    xs, ys = (np.array(column, dtype=float) for column in trace.coordinates)
    ax.plot(xs, ys, color=COLOURS["path"], linewidth=1.2, marker="o", markersize=2.5,
            gid="path", label=f"path ({steps_text(trace.n_steps)})")
    _step_arrows(ax, list(zip(xs, ys)), overshooting_steps(trace), label)
    _ends(ax, xs, ys)


def _step_arrows(ax: Axes, points: list[tuple[float, float]], overshoots: list[int],
                 label: str) -> None:
    """An arrow per step (gid ``"step"``, or ``"step:overshoot"``), for the first MAX_ARROWS."""
    jumped = set(overshoots)
    for k in range(min(len(points) - 1, MAX_ARROWS)):
        kind = "overshoot" if k in jumped else "path"
        ax.annotate("", xy=points[k + 1], xytext=points[k], gid="step:overshoot"
                    if k in jumped else "step", arrowprops={"arrowstyle": "-|>", "lw": 1.3,
                                                            "color": COLOURS[kind],
                                                            "shrinkA": 0, "shrinkB": 2})
    ax.plot([], [], color=COLOURS["path"], marker=r"$\rightarrow$", linestyle="none",
            markersize=12, label=label if len(points) > 1 else None)
    if jumped:
        ax.add_line(Line2D([], [], color=COLOURS["overshoot"], marker=r"$\rightarrow$",
                           linestyle="none", markersize=12, label="overshoot (jumped past)"))


def _ends(ax: Axes, xs: np.ndarray, ys: np.ndarray) -> None:
    # the end's square is the largest and lowest: a critical point where the run ended,
    # or the start of a run that came back to it (a cycle), shows on top of it
    ax.scatter(xs[-1:], ys[-1:], color=COLOURS["end"], marker="s", s=170, edgecolors="black",
               linewidths=1.5, zorder=7, gid="end", label="end")
    ax.scatter(xs[:1], ys[:1], color=COLOURS["start"], s=60, edgecolors="black", zorder=9,
               gid="start", label="start")


def _check_same_problem(results: list[Any]) -> None:
    if not results:
        raise InputError("plot_learning_rates needs at least one run. Fix: pass "
                         "[minimize(f, start, eta) for eta in (0.1, 0.5, 1.1)]")
    first = results[0]
    for result in results[1:]:
        if result.function != first.function or result.trace.point(0) != first.trace.point(0):
            raise InputError("plot_learning_rates compares one function from one start; the "
                             f"run with η = {number(result.learning_rate)} differs from the "
                             "first in its function or its start")
