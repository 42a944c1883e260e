"""Pictures of gradwise objects: each function takes objects and returns matplotlib objects.

Nothing here shows a window or writes a file: call ``figure.savefig(...)`` (or the CLI's
``--plot FILE``). matplotlib is an optional dependency, ``pip install 'gradwise[plot]'``;
``import gradwise`` never loads it.

Example:
    >>> import gradwise
    >>> from gradwise.plotting import plot_descent
    >>> result = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=20)
    >>> ax = plot_descent(result)        # the curve, tangents and steps
    >>> ax.figure.savefig("descent.png")  # doctest: +SKIP
"""

from __future__ import annotations

try:
    import matplotlib  # noqa: F401
except ModuleNotFoundError as error:  # pragma: no cover - exercised by the hint test
    raise ModuleNotFoundError("gradwise's pictures need matplotlib: pip install "
                              "'gradwise[plot]'", name="matplotlib") from error

from gradwise.plotting.animate import animate_descent, frame_steps
from gradwise.plotting.descent import plot_descent, plot_learning_rates, plot_progress, plot_result
from gradwise.plotting.functions import plot_function, plot_surface
from gradwise.plotting.interactive import interactive_figure, interactive_html
from gradwise.plotting.neuron import (
    FittedNeuron,
    plot_cost,
    plot_cost_surface,
    plot_fit,
    plot_training,
)
from gradwise.plotting.style import COLOURS, KIND_MARKERS

__all__ = ["plot_function", "plot_surface", "plot_descent", "plot_result", "plot_progress",
           "plot_learning_rates", "animate_descent", "frame_steps", "interactive_figure",
           "interactive_html", "plot_cost", "plot_fit", "plot_cost_surface", "plot_training",
           "FittedNeuron", "COLOURS", "KIND_MARKERS"]
