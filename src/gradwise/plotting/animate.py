"""A descent as an animation: the path grows one step a frame, with the tangent or ∇f there.

``animate_descent`` returns a matplotlib ``FuncAnimation``; it is saved by its caller
(``anim.save("run.gif", writer="pillow")``, or the CLI's ``--plot run.gif``). A run longer
than ``max_frames`` points is sampled evenly (:func:`frame_steps` says which steps),
always keeping the first and the last.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes

from gradwise.errors import InputError
from gradwise.plotting import sampling
from gradwise.plotting.descent import run_summary
from gradwise.plotting.functions import (
    critical_list,
    draw_contours,
    draw_critical,
    draw_curve,
    draw_gradient_field,
    tangent_half_width,
    tangent_segment,
)
from gradwise.plotting.style import COLOURS, finish, new_figure, number, title

__all__ = ["animate_descent", "descent_frames", "frame_steps", "MAX_FRAMES"]

MAX_FRAMES = 120
"""The most frames an animation has by default: one per point up to this many."""


def frame_steps(n_points: int, max_frames: int = MAX_FRAMES) -> list[int]:
    """The step shown by each frame: every step, or ``max_frames`` of them evenly spread.

    Args:
        n_points: the points of the run (its steps + 1).
        max_frames: the most frames; at least 2, the start and the end.

    Returns:
        The steps to show, in order, always the first and the last.

    Raises:
        InputError: ``max_frames`` is below 2.

    Example:
        >>> frame_steps(4), frame_steps(11, max_frames=3)
        ([0, 1, 2, 3], [0, 5, 10])
    """
    if max_frames < 2:
        raise InputError(f"max_frames must be at least 2 (the start and the end), "
                                  f"received {max_frames!r}")
    if n_points <= max_frames:
        return list(range(n_points))
    return sorted({int(round(k)) for k in np.linspace(0, n_points - 1, max_frames)})


def animate_descent(result: Any, within: Mapping[str, Any] | str | None = None, *,
                    critical: Any = None, max_frames: int = MAX_FRAMES,
                    interval: int = 150) -> FuncAnimation:
    """The descent step by step: frame k shows the path from the start to step k.

    Args:
        result: a descent Result on an expression of one or two variables.
        within: the window (as for ``plot_descent``); by default it holds the whole path.
        critical: critical points to mark by kind.
        max_frames: the most frames; longer runs are sampled (see :func:`frame_steps`).
        interval: milliseconds per frame.

    Returns:
        The animation; its frames are ``frame_steps(len(result.trace), max_frames)``.
        Save it (``anim.save("run.gif", writer="pillow")``) or display it in a notebook
        (``HTML(anim.to_jshtml())``).

    Raises:
        InputError: the function has more than two variables (animate ``plot_progress``'s
            view instead), or ``max_frames`` is below 2.

    Example:
        >>> import gradwise, pathlib, tempfile
        >>> from PIL import Image
        >>> run = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=30)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "run.gif"
        >>> animate_descent(run, max_frames=4).save(path, writer="pillow")
        >>> with Image.open(path) as gif:
        ...     gif.n_frames
        4
    """
    figure = new_figure(7.0, 5.0)
    update = descent_frames(result, figure.add_subplot(), within, critical=critical)
    steps = frame_steps(len(result.trace), max_frames)
    update(steps[-1])  # lay the figure out once, with the whole path, then freeze it:
    figure.draw_without_rendering()  # the layout engine would otherwise run every frame
    figure.set_layout_engine("none")
    return FuncAnimation(figure, update, frames=steps, interval=interval, repeat=True,
                         cache_frame_data=False)


def descent_frames(result: Any, ax: Axes, within: Mapping[str, Any] | str | None = None, *,
                   critical: Any = None) -> Callable[[int], list[Any]]:
    """Draw the still background on ``ax`` and return ``update(k)``, which draws step k.

    ``update(k)`` sets the path (gid ``"path"``) to the points 0..k, the current point
    (gid ``"current"``) to point k, and, in one variable, the tangent (gid ``"tangent"``)
    to the one at point k, whose slope is ∇f there. ``animate_descent`` hands it to
    ``FuncAnimation``.
    """
    f = sampling.function_of(result)
    n = sampling.check_dimension(f)
    trace = result.trace
    xs = np.array(trace.coordinates[0], dtype=float)
    ys = np.array(trace.float_values() if n == 1 else trace.coordinates[1], dtype=float)
    marked = critical_list(critical, f)
    bounds = sampling.window(f, within, [tuple(map(float, p)) for p in trace.points]
                             + [p.point for p in marked])
    if n == 1:
        low, high = draw_curve(ax, f, bounds[0])
        span = max(high, *ys) - min(low, *ys)
    else:
        draw_contours(ax, f, bounds)
        draw_gradient_field(ax, f, bounds, "auto")
    draw_critical(ax, f, marked)
    path, = ax.plot([], [], color=COLOURS["path"], marker="o", markersize=3, gid="path",
                    linestyle="-" if n == 2 else ":", label="path")
    tangent, = ax.plot([], [], color=COLOURS["tangent"], linewidth=2, gid="tangent",
                       label=f"tangent: slope = ∇{f.name}" if n == 1 else None)
    ax.scatter(xs[:1], ys[:1], color=COLOURS["start"], s=60, edgecolors="black", zorder=8,
               gid="start", label="start")
    current, = ax.plot([], [], marker="o", markersize=9, color=COLOURS["end"],
                       markeredgecolor="black", linestyle="none", zorder=9, gid="current",
                       label="current point")
    caption = ax.text(0.02, 0.02, "", transform=ax.transAxes, fontsize="small", gid="caption",
                      bbox={"facecolor": "white", "alpha": 0.85, "edgecolor": "none"})
    ax.set_title(title(f, run_summary(result)))
    finish(ax, f.names)
    slopes = np.array(trace.gradients[0], dtype=float)

    def update(k: int) -> list[Any]:
        path.set_data(xs[:k + 1], ys[:k + 1])
        current.set_data(xs[k:k + 1], ys[k:k + 1])
        if n == 1:
            half = tangent_half_width(slopes[k], bounds[0][1] - bounds[0][0], span)
            tangent.set_data(*tangent_segment(xs[k], ys[k], slopes[k], half))
        point = ", ".join(f"{name} = {number(x)}" for name, x in zip(f.names, trace.point(k)))
        caption.set_text(f"step {k}: {point}, {f.name} = {number(trace.values[k])}")
        return [path, current, tangent, caption]

    return update
