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
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # matplotlib loads where a figure is made: Plotly pages work without it
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["COLOURS", "KIND_MARKERS", "PLOTLY_SYMBOLS", "CMAP", "new_figure", "new_axes", "title",
           "axis_label", "finish", "place_legend", "settle_legends", "number", "steps_text"]

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

PLOTLY_SYMBOLS: dict[str, str] = {"minimum": "triangle-down", "maximum": "triangle-up",
                                  "saddle": "x", "degenerate": "diamond",
                                  "inflection": "cross"}
"""The same markers in Plotly's names (interactive pages and the web page, whose
``static/landscape.js`` a test keeps equal to these and to ``COLOURS``)."""

CMAP = "viridis"
"""Filled contours and surfaces: dark is low, yellow is high."""


def new_figure(width: float = 7.0, height: float = 5.0) -> Figure:
    """A figure, without showing it.

    Inside a pyplot session (pyplot already imported, as in a notebook with inline
    plots) the figure joins it, so it displays as usual there; elsewhere (the CLI, the
    web, tests) it is a free-standing ``Figure`` that no GUI backend ever touches.
    """
    from matplotlib.figure import Figure

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
        place_legend(ax)
    return ax


LOCATIONS = ("upper right", "upper left", "lower right", "lower left", "center right",
             "center left", "upper center", "lower center")
"""Where a legend may sit inside the axes, in order of preference."""

FIELD = 10
"""A quiver of more arrows than this is a field: background, as the filled contours are."""


def place_legend(ax: Axes) -> Any:
    """A legend (no repeated entries) where it covers no data: the first of ``LOCATIONS``
    clear of every mark (a line's points, a scatter's points, an arrow, a marker), else
    outside the axes, below them. Filled contours and a field of ∇f arrows are background.

    Returns:
        The Legend, or None when nothing is labelled.
    """
    handles, labels = ax.get_legend_handles_labels()
    unique = dict(zip(labels, handles))
    if not unique:
        return None
    # a fixed corner first: matplotlib's "best" searches every data point at each draw
    legend = ax.legend(list(unique.values()), list(unique.keys()), fontsize="small",
                       framealpha=0.85, loc="upper right")
    _settle(ax, legend)
    return legend


def settle_legends(figure: Figure) -> None:
    """Place every legend again once the figure is laid out (just before it is saved)."""
    figure.draw_without_rendering()
    for ax in figure.axes:
        legend = ax.get_legend()
        if legend is not None:
            _settle(ax, legend, drawn=True)


def _settle(ax: Axes, legend: Any, drawn: bool = False) -> None:
    if ax.name == "3d":  # a surface turns: matplotlib's own choice of corner is as good
        return
    if not drawn:
        figure: Any = ax.figure
        figure.draw_without_rendering()  # lay the figure out: sizes in pixels are known
    marks = _marks(ax)
    for loc in LOCATIONS:
        legend.set_loc(loc)
        legend.set_bbox_to_anchor(None)
        if not _covers(legend.get_window_extent(), marks):
            return
    legend.set_loc("upper center")  # below the axes, under the x label
    legend.set_bbox_to_anchor((0.5, -0.14), transform=ax.transAxes)


def _marks(ax: Axes) -> list[Any]:
    """Display-space boxes of what the axes show: one per point of a line or scatter,
    one per arrow or patch."""
    import numpy as np
    from matplotlib.collections import PathCollection
    from matplotlib.quiver import Quiver
    from matplotlib.transforms import Bbox

    boxes = []
    for line in ax.lines:
        path = line.get_path()
        vertices = np.asarray(path.vertices)
        dense = path.interpolated(20) if len(vertices) < 200 else path
        pad = max(line.get_markersize(), line.get_linewidth()) * ax.figure.dpi / 144
        for x, y in line.get_transform().transform(dense.vertices):
            if np.isfinite(x) and np.isfinite(y):
                boxes.append(Bbox.from_bounds(x - pad, y - pad, 2 * pad, 2 * pad))
    for collection in ax.collections:
        if isinstance(collection, Quiver):
            if collection.N <= FIELD:
                boxes += _arrow_boxes(ax, collection)
        elif isinstance(collection, PathCollection):
            sizes = np.asarray(collection.get_sizes(), dtype=float)
            pad = np.sqrt(sizes.max() if sizes.size else 36.0) * ax.figure.dpi / 144
            offsets = collection.get_offset_transform().transform(collection.get_offsets())
            boxes += [Bbox.from_bounds(x - pad, y - pad, 2 * pad, 2 * pad)
                      for x, y in offsets if np.isfinite(x) and np.isfinite(y)]
    boxes += [patch.get_window_extent() for patch in ax.patches]
    arrows = [getattr(text, "arrow_patch", None) for text in ax.texts]  # annotations' arrows
    boxes += [arrow.get_window_extent() for arrow in arrows if arrow is not None]
    return boxes


def _arrow_boxes(ax: Axes, quiver: Any) -> list[Any]:
    """Boxes along each arrow of a quiver drawn in data units, base to tip."""
    import numpy as np
    from matplotlib.transforms import Bbox

    if quiver.scale_units != "xy" or not quiver.scale:
        return [quiver.get_window_extent()]
    base = np.column_stack([np.ravel(quiver.X), np.ravel(quiver.Y)])
    tip = base + np.column_stack([np.ravel(quiver.U), np.ravel(quiver.V)]) / quiver.scale
    pad = 6 * ax.figure.dpi / 72  # the arrowhead's half-width, about
    boxes = []
    for t in np.linspace(0, 1, 12):
        for x, y in ax.transData.transform(base + t * (tip - base)):
            if np.isfinite(x) and np.isfinite(y):
                boxes.append(Bbox.from_bounds(x - pad, y - pad, 2 * pad, 2 * pad))
    return boxes


def _covers(box: Any, marks: list[Any]) -> bool:
    return any(box.overlaps(mark) for mark in marks)


def steps_text(count: int) -> str:
    """``1 step``, ``89 steps``."""
    return f"{count} step" if count == 1 else f"{count} steps"
