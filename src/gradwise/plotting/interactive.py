"""Interactive pictures with Plotly: a surface to turn, a curve to zoom, a path to hover over.

:func:`interactive_html` gives one self-contained HTML page: Plotly's JavaScript ships
inside the plotly wheel and is written into the page, so it opens with no network.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from gradwise.plotting import sampling
from gradwise.plotting.sampling import critical_list
from gradwise.plotting.style import COLOURS, PLOTLY_SYMBOLS, axis_label, title

__all__ = ["interactive_figure", "interactive_html"]

GRID = 80


def interactive_figure(subject: Any, within: Mapping[str, Any] | str | None = None, *,
                       critical: Any = None) -> Any:
    """A Plotly figure of f (curve or surface), with a descent's path or critical points.

    Args:
        subject: text, an Expression, a Gradient, CriticalPoints or a descent Result.
        within: the window, as for ``plot_function``.
        critical: critical points to mark by kind (CriticalPoints are marked anyway).

    Returns:
        A ``plotly.graph_objects.Figure``; the path is the trace named ``"path"``, whose
        coordinates are the trace's.

    Raises:
        InputError: f has more than two variables, or parameters without values.

    Example:
        >>> from gradwise import minimize
        >>> run = minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=5)
        >>> [trace.name for trace in interactive_figure(run).data]
        ['f(w) = (1 − w)²', 'path']
    """
    go = _plotly()
    f = sampling.function_of(subject)
    n = sampling.check_dimension(f)
    if critical is None and hasattr(subject, "of_kind"):
        critical = subject
        within = within if within is not None else subject.within
    marked = critical_list(critical, f)
    trace = getattr(subject, "trace", None)
    path = [tuple(map(float, p)) for p in trace.points] if trace is not None else []
    bounds = sampling.window(f, within, path + [p.point for p in marked])
    figure = go.Figure()
    if n == 1:
        _curve(go, figure, f, bounds[0], trace, marked)
    else:
        _surface(go, figure, f, bounds, trace, marked)
    figure.update_layout(title=title(f).replace("\n", "<br>"), template="plotly_white",
                         legend={"itemsizing": "constant"})
    return figure


def interactive_html(subject: Any, within: Mapping[str, Any] | str | None = None, *,
                     critical: Any = None) -> str:
    """:func:`interactive_figure` as one self-contained HTML page (no network needed).

    Args:
        subject: text, an Expression, a Gradient, CriticalPoints or a descent Result.
        within: the window, as for ``plot_function``.
        critical: critical points to mark by kind.

    Returns:
        The page, with Plotly.js inside it.

    Raises:
        InputError: as :func:`interactive_figure`.

    Example:
        >>> page = interactive_html("x^2")
        >>> page.startswith("<html>") or page.lower().startswith("<!doctype html>")
        True
        >>> "cdn" in page.split("<script", 2)[1][:200]
        False
    """
    figure = interactive_figure(subject, within, critical=critical)
    return figure.to_html(include_plotlyjs=True, full_html=True)


def _curve(go: Any, figure: Any, f: Any, bounds: tuple[float, float], trace: Any,
           marked: list[Any]) -> None:
    x = np.linspace(*bounds, 400)
    y, _ = sampling.evaluate(f, x)
    figure.add_trace(go.Scatter(x=x, y=y, mode="lines", name=title(f),
                                line={"color": COLOURS["curve"], "width": 3}))
    if trace is not None:
        xs = [float(v) for v in trace.coordinates[0]]
        figure.add_trace(go.Scatter(x=xs, y=trace.float_values(), mode="lines+markers",
                                    name="path", line={"color": COLOURS["path"], "dash": "dot"},
                                    text=[f"step {k}" for k in range(len(xs))]))
    for point in marked:
        figure.add_trace(go.Scatter(x=[point.point[0]], y=[point.value], mode="markers",
                                    name=point.kind, marker=_marker(point.kind)))
    figure.update_xaxes(title=f.names[0])
    figure.update_yaxes(title=axis_label(f))


def _surface(go: Any, figure: Any, f: Any, bounds: list[tuple[float, float]], trace: Any,
             marked: list[Any]) -> None:
    x, y = np.meshgrid(np.linspace(*bounds[0], GRID), np.linspace(*bounds[1], GRID))
    z, _ = sampling.evaluate(f, x, y)
    figure.add_trace(go.Surface(x=x, y=y, z=z, colorscale="Viridis", opacity=0.85,
                                name=title(f), colorbar={"title": {"text": axis_label(f)}}))
    if trace is not None:
        xs, ys = ([float(v) for v in column] for column in trace.coordinates)
        figure.add_trace(go.Scatter3d(x=xs, y=ys, z=trace.float_values(), mode="lines+markers",
                                      name="path", line={"color": COLOURS["path"], "width": 6},
                                      marker={"size": 3, "color": COLOURS["path"]},
                                      text=[f"step {k}" for k in range(len(xs))]))
    for point in marked:
        figure.add_trace(go.Scatter3d(x=[point.point[0]], y=[point.point[1]], z=[point.value],
                                      mode="markers", name=point.kind,
                                      marker=_marker(point.kind, size=7, flat=False)))
    figure.update_layout(scene={"xaxis_title": f.names[0], "yaxis_title": f.names[1],
                                "zaxis_title": axis_label(f)})


def _marker(kind: str, size: int = 12, flat: bool = True) -> dict[str, Any]:
    """The scheme's marker of a kind (``PLOTLY_SYMBOLS``); in 3-D, where Plotly draws no
    triangles, a circle of the kind's colour."""
    return {"color": COLOURS[kind], "size": size,
            "symbol": PLOTLY_SYMBOLS[kind] if flat else "circle",
            "line": {"color": "black", "width": 1}}


def _plotly() -> Any:
    try:
        import plotly.graph_objects as go
    except ModuleNotFoundError as error:
        raise ModuleNotFoundError("interactive pictures need plotly: pip install "
                                  "'gradwise[plot]'", name="plotly") from error
    return go
