"""What the page draws of a run: a thinned path, so a 10,000-step run is a few kilobytes.

A plot is a few hundred pixels wide, so at most ``most`` points are sent: the start, the end,
both ends of every step that overshot (the zig-zags a learner must see), and points evenly
spaced in between. When the overshoots alone pass the budget, half of it goes to them, evenly
spread over the run, and the rest to evenly spaced points.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from gradwise.descent.diagnostics import overshoots
from gradwise.descent.trace import Trace


def thin(trace: Trace, most: int) -> dict[str, Any]:
    """At most ``most`` points of the run, in step order.

    Args:
        trace: the run.
        most: the most points to keep (at least 2).

    Returns:
        ``{"step": [k, ...], "point": {name: [...]}, "value": [...], "gradient_norm": [...],
        "n_overshoots": count, "n_points": n}``: step k is the point after k updates;
        ``n_overshoots`` counts the steps that jumped past the optimum. Values that are not
        finite are null.

    Example:
        >>> from gradwise.descent.run import minimize
        >>> thin(minimize("(1 - w)^2", {"w": 3}, max_steps=50, tol=0).trace, 5)["step"]
        [0, 12, 25, 38, 50]
    """
    n = len(trace)
    flips = overshoots(trace)
    chosen = np.arange(n) if n <= most else _chosen(n, flips, most)
    columns = [np.asarray(c, dtype=float) for c in trace.coordinates]
    norms = np.asarray(trace.gradient_norms(), dtype=float)
    values = np.asarray(trace.values, dtype=float)
    return {"step": chosen.tolist(),
            "point": {name: _finite(c[chosen]) for name, c in zip(trace.names, columns)},
            "value": _finite(values[chosen]), "gradient_norm": _finite(norms[chosen]),
            "n_overshoots": len(flips), "n_points": n}


def _chosen(n: int, flips: np.ndarray, most: int) -> np.ndarray:
    """Indices: 0, n − 1, both ends of the overshoots, then evenly spaced ones, at most ``most``."""
    if 2 * len(flips) + 2 > most:
        flips = flips[_spread(len(flips), max((most - 2) // 4, 0))]
    marked = np.unique(np.concatenate([[0, n - 1], flips, flips + 1]))
    wanted = most - len(marked)
    while True:  # evenly spaced points may land on marked ones: ask for more until full
        even = np.round(np.linspace(0, n - 1, max(min(wanted, n), 0))).astype(int)
        chosen = np.union1d(marked, even)
        if len(chosen) >= most or wanted >= n:
            return _trimmed(chosen, marked, most)
        wanted += most - len(chosen)


def _trimmed(chosen: np.ndarray, marked: np.ndarray, most: int) -> np.ndarray:
    """``chosen`` cut to ``most`` by dropping unmarked points evenly."""
    if len(chosen) <= most:
        return chosen
    spare = np.setdiff1d(chosen, marked)
    keep = spare[_spread(len(spare), most - len(marked))]
    return np.union1d(marked, keep)


def _spread(count: int, keep: int) -> np.ndarray:
    """``keep`` indices of ``range(count)``, evenly spread, first and last included."""
    if keep <= 0:
        return np.arange(0)
    return np.unique(np.round(np.linspace(0, count - 1, keep)).astype(int))


def _finite(values: np.ndarray) -> list[Any]:
    cells = values.astype(object)
    cells[~np.isfinite(values)] = None
    return cells.tolist()
