"""Pictures of a function alone: its curve or contours, ∇f on a grid, its critical points.

One variable: the curve y = f(x), and at a point the tangent whose slope is the gradient.
Two variables: filled contours, ∇f as arrows on a grid (they point uphill, across the
contours), critical points marked by kind; or the surface z = f(x, y) in 3-D.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.ticker import LogLocator, MaxNLocator

from gradwise.errors import InputError
from gradwise.plotting import sampling
from gradwise.plotting.sampling import critical_list
from gradwise.plotting.style import (
    CMAP,
    COLOURS,
    KIND_MARKERS,
    axis_label,
    finish,
    new_axes,
    number,
    steps_text,
    title,
)

__all__ = ["plot_function", "plot_surface", "draw_curve", "draw_contours", "draw_gradient_field",
           "draw_critical", "tangent_segment", "critical_list"]

Arrows = Literal["auto", "gradient", "direction", "none"]

CURVE_POINTS = 400
CONTOUR_POINTS = 160
ARROW_GRID = 15
"""∇f is drawn at ARROW_GRID × ARROW_GRID evenly spaced points of the window."""

SPREAD = 20.0
"""With arrows="auto", arrows show directions only when |∇f| on the grid spreads more than
this factor (90th percentile over 10th), since then true lengths would hide the short ones."""


def plot_function(f: Any, within: Mapping[str, Any] | str | None = None, *,
                  critical: Any = None, at: Any = None, arrows: Arrows = "auto",
                  ax: Axes | None = None) -> Axes:
    """f of one variable as a curve, or of two as filled contours with ∇f arrows.

    Args:
        f: text, an Expression, a Gradient, or CriticalPoints (then they are marked).
        within: the window, e.g. ``"x=-2:2, y=-2:2"``; by default it holds the origin and
            every point drawn, or is [−3, 3] per variable.
        critical: critical points to mark by kind (``gradwise.critical_points(f)``).
        at: a point (``"x=2, y=2"``, ``{"x": 2}`` or ``[2, 2]``): marks it and draws ∇f
            there, as the tangent (slope = ∇f) in one variable and an arrow in two.
        arrows: ∇f on a grid (two variables): ``"gradient"`` (true vectors),
            ``"direction"`` (unit vectors ∇f/|∇f|), ``"auto"`` (directions when |∇f|
            spans more than ``SPREAD``) or ``"none"``.
        ax: draw into these Axes instead of a new figure.

    Returns:
        The Axes drawn into.

    Raises:
        InputError: f has parameters without values, or more than two variables.

    Example:
        >>> ax = plot_function("x^2 + y^2", at="x=2, y=2")
        >>> ax.get_title()
        'f(x, y) = x² + y²'
    """
    if critical is None and hasattr(f, "of_kind"):
        critical = f
        within = within if within is not None else f.within
    expression = sampling.function_of(f)
    marked = None
    if at is not None:
        expression, marked = _fix_parameters(expression, at)
    n = sampling.check_dimension(expression)
    points = critical_list(critical, expression)
    shown = [p.point for p in points] + ([marked] if marked else [])
    bounds = sampling.window(expression, within, shown)
    ax = new_axes(ax)
    if n == 1:
        draw_curve(ax, expression, bounds[0])
        if marked:
            _tangent_at(ax, expression, marked[0])
    else:
        draw_contours(ax, expression, bounds)
        draw_gradient_field(ax, expression, bounds, arrows)
        if marked:
            _arrow_at(ax, expression, marked, bounds)
    draw_critical(ax, expression, points)
    ax.set_title(title(expression))
    return finish(ax, expression.names if n == 2 else [expression.names[0]])


def plot_surface(f: Any, within: Mapping[str, Any] | str | None = None, *, result: Any = None,
                 critical: Any = None, ax: Axes | None = None) -> Axes:
    """The surface z = f(x, y) in 3-D, with a descent path and critical points on it.

    Args:
        f: text, an Expression, a Gradient or CriticalPoints, of two variables.
        within: the window, as for :func:`plot_function`.
        result: a descent Result whose path is drawn on the surface (gid ``"path"``).
        critical: critical points to mark by kind.
        ax: 3-D Axes to draw into (``projection="3d"``).

    Returns:
        The 3-D Axes.

    Raises:
        InputError: f does not have exactly two variables, or has parameters without values.

    Example:
        >>> ax = plot_surface("x^2 + y^2", "x=-2:2, y=-2:2")
        >>> ax.name, ax.get_title()
        ('3d', 'f(x, y) = x² + y²')
        >>> plot_surface("x^2")
        Traceback (most recent call last):
        ...
        gradwise.errors.InputError: a surface needs two variables, but 'x^2' has one. Fix: ...
    """
    if critical is None and hasattr(f, "of_kind"):
        critical = f
    expression = sampling.function_of(f)
    if sampling.check_dimension(expression) != 2:
        raise InputError(f"a surface needs two variables, but {expression.text!r} has "
                         "one. Fix: use plot_function for its curve")
    points = critical_list(critical, expression)
    path = sampling.run_path(expression, result)
    bounds = sampling.window(expression, within, [p.point for p in points] + path)
    ax3d: Any = new_axes(ax, projection="3d", size=(7.5, 6.0))  # mpl_toolkits' Axes3D
    x, y = _mesh(bounds, 80)
    z, _ = sampling.evaluate(expression, x, y)
    ax3d.plot_surface(x, y, z, cmap=CMAP, alpha=0.75, linewidth=0, antialiased=True)
    if result is not None:
        draw_path_3d(ax3d, result)
    for point in points:
        ax3d.scatter([point.point[0]], [point.point[1]], [point.value], s=70,
                     color=COLOURS[point.kind], marker=KIND_MARKERS[point.kind],
                     edgecolors="black", depthshade=False, label=point.kind,
                     gid=f"critical:{point.kind}", zorder=5)
    ax3d.set_zlabel(axis_label(expression))
    ax3d.set_title(title(expression))
    return finish(ax3d, expression.names)


# -- pieces shared with the descent pictures --------------------------------------------

def draw_curve(ax: Axes, f: Any, bounds: tuple[float, float]) -> tuple[float, float]:
    """y = f(x) over ``bounds`` (gid ``"function"``); returns the y range drawn."""
    x = np.linspace(*bounds, CURVE_POINTS)
    y, _ = sampling.evaluate(f, x)
    ax.plot(x, y, color=COLOURS["curve"], linewidth=2, label=title(f), gid="function")
    ax.set_xlim(*bounds)
    ax.set_ylabel(axis_label(f))
    finite = y[np.isfinite(y)]
    return (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)


def draw_contours(ax: Axes, f: Any, bounds: Sequence[tuple[float, float]]) -> None:
    """Filled contours of f with a colour bar labelled f(x, y)."""
    x, y = _mesh(bounds, CONTOUR_POINTS)
    z, _ = sampling.evaluate(f, x, y)
    levels, norm = contour_levels(z)
    if norm is not None:  # logarithmic levels: values under the lowest share its colour
        with np.errstate(invalid="ignore"):
            z = np.where(z < levels[0], levels[0], z)
    filled = ax.contourf(x, y, z, levels=levels, cmap=CMAP, norm=norm, extend=extension(levels))
    ax.contour(x, y, z, levels=levels[::3], colors="white", linewidths=0.4, alpha=0.5,
               norm=norm)
    bar = ax.inset_axes((1.03, 0.0, 0.04, 1.0))  # exactly as tall as the axes
    ax.figure.colorbar(filled, cax=bar, label=axis_label(f),
                       ticks=LogLocator() if norm is not None else None)
    ax.set_xlim(*bounds[0])
    ax.set_ylim(*bounds[1])
    spans = [high - low for low, high in bounds]
    if max(spans) <= 4 * min(spans):  # equal scales, so ∇f is seen at right angles to contours
        ax.set_aspect("equal")


def draw_gradient_field(ax: Axes, f: Any, bounds: Sequence[tuple[float, float]],
                        arrows: Arrows = "auto") -> Any:
    """∇f at ``ARROW_GRID``² grid points as arrows (gid ``"gradient"``), or None."""
    if arrows == "none":
        return None
    if arrows not in ("auto", "gradient", "direction"):
        raise InputError(f"arrows must be 'auto', 'gradient', 'direction' or 'none', "
                                  f"received {arrows!r}")
    x, y = _mesh(bounds, ARROW_GRID)
    _, (u, v) = sampling.evaluate(f, x, y)
    size = np.hypot(u, v)
    if arrows == "auto":
        arrows = "direction" if _spread(size) > SPREAD else "gradient"
    label = f"∇{f.name}, uphill"
    if arrows == "direction":
        with np.errstate(all="ignore"):
            u, v = np.where(size > 0, u / size, 0.0), np.where(size > 0, v / size, 0.0)
        label = f"∇{f.name}/|∇{f.name}|, uphill direction"
    spacing = min((high - low) / (ARROW_GRID - 1) for low, high in bounds)
    longest = float(np.nanmax(np.hypot(u, v))) if np.isfinite(u).any() else 0.0
    # the longest arrow spans 0.9 of a grid cell, so arrows never overlap; lengths stay
    # proportional to |∇f| (or all equal, for directions)
    scale = max(longest, 1e-300) / (0.9 * spacing)
    return ax.quiver(x, y, np.ma.masked_invalid(u), np.ma.masked_invalid(v), angles="xy",
                     scale_units="xy", scale=scale, pivot="mid",
                     color=COLOURS["gradient"], alpha=0.8, width=0.003, label=label,
                     gid="gradient")


def draw_critical(ax: Axes, f: Any, points: Sequence[Any]) -> None:
    """One marker per kind (gid ``"critical:<kind>"``); in one variable at (x, f(x))."""
    for kind, marker in KIND_MARKERS.items():
        chosen = [p for p in points if p.kind == kind]
        if not chosen:
            continue
        if len(f.variables) == 1:
            xs, ys = [p.point[0] for p in chosen], [p.value for p in chosen]
        else:
            xs, ys = [p.point[0] for p in chosen], [p.point[1] for p in chosen]
        ax.scatter(xs, ys, marker=marker, s=100, color=COLOURS[kind], edgecolors="black",
                   linewidths=1, zorder=8, label=kind, gid=f"critical:{kind}")


def tangent_segment(x0: float, y0: float, slope: float, half_width: float) -> tuple[
        np.ndarray, np.ndarray]:
    """The tangent y = y0 + slope·(x − x0) for x in [x0 − half_width, x0 + half_width]."""
    x = np.array([x0 - half_width, x0 + half_width])
    return x, y0 + slope * (x - x0)


def tangent_half_width(slope: float, x_span: float, y_span: float) -> float:
    """Half-width in x that gives every tangent the same length on screen, whatever its slope."""
    steepness = slope * x_span / max(y_span, 1e-300)
    return 0.1 * x_span / float(np.sqrt(1.0 + steepness**2))


# -- helpers ----------------------------------------------------------------------------

def _fix_parameters(f: Any, at: Any) -> tuple[Any, tuple[float, ...]]:
    """Fix the parameters to the values ``at`` gives them; return f and the point's coordinates.

    So ``at="x=1, y=1, b=0, w=3"`` on a function of (w, b) with parameters x and y draws
    the function of (w, b) with x = 1 and y = 1.
    """
    from gradwise.calculus.gradients import resolve_point

    values = resolve_point(f, at)
    fixed = {s.name: v for s, v in values.items() if s not in f.variables}
    if fixed:
        f = f.substitute(fixed)
    return f, tuple(float(values[v]) for v in f.variables)


def _tangent_at(ax: Axes, f: Any, x0: float) -> None:
    from gradwise.calculus.gradients import gradient

    slope = gradient(f).at([x0], exact=False).values[0]
    y0 = float(sampling.evaluate(f, np.array([x0]))[0][0])
    low, high = ax.get_xlim()
    y_low, y_high = ax.dataLim.intervaly
    xs, ys = tangent_segment(x0, y0, slope, 1.5 * tangent_half_width(
        slope, high - low, y_high - y_low))
    ax.plot(xs, ys, color=COLOURS["tangent"], linewidth=2, gid="tangent",
            label=f"tangent at {f.names[0]} = {number(x0)}: slope ∇{f.name} = {number(slope)}")
    ax.scatter([x0], [y0], color=COLOURS["at"], s=60, zorder=6, gid="at",
               edgecolors="black", label=f"{f.names[0]} = {number(x0)}")


def _arrow_at(ax: Axes, f: Any, point: tuple[float, ...],
              bounds: Sequence[tuple[float, float]]) -> None:
    from gradwise.calculus.gradients import gradient

    value = gradient(f).at(list(point), exact=False)
    u, v = value.values
    size = float(np.hypot(u, v))
    ax.scatter([point[0]], [point[1]], color=COLOURS["at"], s=70, zorder=7, edgecolors="black",
               gid="at", label=f"({', '.join(number(c) for c in point)})")
    if size > 0:
        span = min(high - low for low, high in bounds)
        ax.quiver([point[0]], [point[1]], [u], [v], angles="xy", scale_units="xy",
                  scale=size / (0.2 * span), color=COLOURS["at"], width=0.006, zorder=7,
                  gid="at-gradient", label=f"∇{f.name} = ({number(u)}, {number(v)})")


def _mesh(bounds: Sequence[tuple[float, float]], count: int) -> tuple[np.ndarray, np.ndarray]:
    return np.meshgrid(np.linspace(*bounds[0], count), np.linspace(*bounds[1], count))


def _spread(size: np.ndarray) -> float:
    positive = size[np.isfinite(size) & (size > 0)]
    if not positive.size:
        return 1.0
    return float(np.percentile(positive, 90) / np.percentile(positive, 10))


def contour_levels(z: np.ndarray) -> tuple[np.ndarray, LogNorm | None]:
    """25 contour levels: logarithmic when f ≥ 0 spans more than two decades."""
    finite = z[np.isfinite(z)]
    if not finite.size:
        raise InputError("f is undefined everywhere in this window. Fix: choose another "
                                  "with within=")
    low, high = float(finite.min()), float(finite.max())
    if low == high:
        return np.linspace(low - 1, high + 1, 3), None
    positive = finite[finite > 0]
    if low >= 0 and positive.size and high / np.percentile(positive, 5) > 1e2:
        bottom = max(float(np.percentile(positive, 1)), high * 1e-9)
        return np.geomspace(bottom, high, 25), LogNorm(bottom, high)
    return np.asarray(MaxNLocator(25).tick_values(low, high)), None


def extension(levels: np.ndarray) -> str:
    """Filled contours' ``extend``: arrows on the colour bar for values past the levels, but
    none where a level lies beyond ±10²⁵⁰, which matplotlib takes for ±∞ there (f up to
    2.7 × 10³⁰¹ in the window raised "upper_level must be larger than lower_level"); the
    levels span the values anyway."""
    return "both" if np.all(np.abs(levels) < 1e250) else "neither"


def draw_path_3d(ax: Any, result: Any) -> None:
    """The path lifted onto the surface: (x, y, f(x, y)) at every point (gid ``"path"``)."""
    trace = result.trace
    xs, ys = (np.array(column, dtype=float) for column in trace.coordinates)
    zs = np.array(trace.float_values())
    ax.plot(xs, ys, zs, color=COLOURS["path"], marker="o", markersize=3, linewidth=2,
            zorder=10, gid="path", label=f"path ({steps_text(trace.n_steps)})")
    ax.scatter(xs[:1], ys[:1], zs[:1], color=COLOURS["start"], s=60, edgecolors="black",
               depthshade=False, zorder=11, gid="start", label="start")
    ax.scatter(xs[-1:], ys[-1:], zs[-1:], color=COLOURS["end"], marker="s", s=70,
               edgecolors="black", linewidths=1.5, depthshade=False, zorder=11, gid="end",
               label="end")
