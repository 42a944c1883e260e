"""The one colour scheme, and the small helpers every picture shares.

Every picture draws the same thing the same way: the descent path orange, its start a
green circle, its end a white square, tangents purple, gradient arrows dark grey, and each
kind of critical point its own marker (a minimum ▼ blue, a maximum ▲ pink, a saddle ✕
yellow, ...). Artists carry a ``gid`` naming what they show (``"path"``, ``"start"``,
``"tangent"``, ``"critical:minimum"``, ...), so tests and users can find them again.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

__all__ = ["COLOURS", "KIND_MARKERS", "CMAP", "new_figure", "new_axes", "title",
           "axis_label", "finish", "number", "steps_text"]

COLOURS: dict[str, str] = {
    "curve": "#1f4e8c",         # f itself, in one variable
    "path": "#ff7f0e",          # the descent path and its step arrows
    "overshoot": "#d62728",     # a step that jumped past the optimum
    "start": "#2ca02c",
    "end": "#ffffff",          # a white square, edged black: seen on light and dark
    "tangent": "#7b3fa0",       # slope = ∇f
    "gradient": "#303030",      # ∇f arrows on a grid (uphill)
    "at": "#e6007e",            # the point a gradient is evaluated at
    "minimum": "#1f77b4",
    "maximum": "#e377c2",
    "saddle": "#ffd700",
    "degenerate": "#8c8c8c",
    "inflection": "#17becf",
}
"""One colour per element of a picture (path, start, end, tangent, ∇f arrows) and per kind
of critical point, the same in every picture, animation and interactive figure.

Example:
    >>> COLOURS["path"], COLOURS["minimum"]
    ('#ff7f0e', '#1f77b4')
"""

KIND_MARKERS: dict[str, str] = {"minimum": "v", "maximum": "^", "saddle": "X",
                                "degenerate": "D", "inflection": "P"}
"""One marker per kind of critical point (a valley points down, a peak up)."""

CMAP = "viridis"
"""Filled contours and surfaces: dark is low, yellow is high."""


def new_figure(width: float = 7.0, height: float = 5.0) -> Figure:
    """A figure, without showing it.

    Inside a pyplot session (pyplot already imported, as in a notebook with inline
    plots) the figure joins it, so it displays as usual there; elsewhere (the CLI, the
    web, tests) it is a free-standing ``Figure`` that no GUI backend ever touches.
    """
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        return pyplot.figure(figsize=(width, height), layout="constrained")
    return Figure(figsize=(width, height), layout="constrained")


def new_axes(ax: Axes | None, projection: str | None = None,
             size: tuple[float, float] = (7.0, 5.0)) -> Axes:
    """``ax`` itself, or the one Axes of a new figure."""
    if ax is not None:
        return ax
    return new_figure(*size).add_subplot(projection=projection)


def title(f: Any, detail: str | None = None) -> str:
    """The function as the notes write it (``f(w) = (1 − w)²``), then an optional second line."""
    from gradwise.language.notation import function_text

    text = function_text(f)
    return f"{text}\n{detail}" if detail else text


def axis_label(f: Any) -> str:
    """``f(x, y)``: the label of the value axis or the colour bar."""
    return f"{f.name}({', '.join(f.names)})"


def number(x: Any) -> str:
    """A number as short text: ``0.1``, ``2.6`` (also for 13/5), ``2.6e+03``, true minus sign."""
    from gradwise.language.numbers import number_text

    return number_text(x, digits=4)


def finish(ax: Axes, names: Iterable[str], legend: bool = True) -> Axes:
    """Label the axes with the variable names and add a legend without repeated entries."""
    names = list(names)
    ax.set_xlabel(names[0])
    if len(names) > 1:
        ax.set_ylabel(names[1])
    if legend:
        handles, labels = ax.get_legend_handles_labels()
        unique = dict(zip(labels, handles))
        if unique:
            ax.legend(unique.values(), unique.keys(), fontsize="small", framealpha=0.85)
    return ax


def steps_text(count: int) -> str:
    """``1 step``, ``89 steps``."""
    return f"{count} step" if count == 1 else f"{count} steps"
