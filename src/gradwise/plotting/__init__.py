"""Pictures of gradwise objects: each function takes objects and returns matplotlib objects.

Nothing here shows a window or writes a file: call ``figure.savefig(...)`` (or the CLI's
``--plot FILE``). matplotlib and Plotly are optional dependencies, ``pip install
'gradwise[plot]'``; ``import gradwise`` never loads them. The names below load on first use
(PEP 562), so the Plotly pictures (``interactive_figure``, ``interactive_html``) work
without matplotlib.

Example:
    >>> import gradwise
    >>> from gradwise.plotting import plot_descent
    >>> result = gradwise.minimize("(1 - w)^2", {"w": 3}, learning_rate=0.1, max_steps=20)
    >>> ax = plot_descent(result)        # the curve, tangents and steps
    >>> ax.figure.savefig("descent.png")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib.util

from gradwise._lazy import lazy_exports

# public name -> the module of gradwise.plotting that defines it
_EXPORTS = {
    "plot_function": "functions", "plot_surface": "functions",
    "plot_descent": "descent", "plot_result": "descent", "plot_progress": "descent",
    "plot_learning_rates": "descent", "animate_descent": "animate", "frame_steps": "animate",
    "interactive_figure": "interactive", "interactive_html": "interactive",
    "plot_cost": "neuron", "plot_fit": "neuron", "plot_cost_surface": "neuron",
    "plot_training": "neuron", "FittedNeuron": "neuron",
    "COLOURS": "style", "KIND_MARKERS": "style",
}

NEEDS_MATPLOTLIB = frozenset(_EXPORTS.values()) - {"interactive", "style"}
"""The modules that draw with matplotlib; the rest need only NumPy (and Plotly)."""

__all__ = sorted(_EXPORTS)


def _needs(module: str) -> None:
    """A picture drawn with matplotlib says what to install where it is missing."""
    if module.rpartition(".")[2] in NEEDS_MATPLOTLIB and \
            importlib.util.find_spec("matplotlib") is None:
        raise ModuleNotFoundError("gradwise's pictures need matplotlib: pip install "
                                  "'gradwise[plot]'", name="matplotlib")


__getattr__, __dir__ = lazy_exports(
    globals(), {name: f"gradwise.plotting.{module}" for name, module in _EXPORTS.items()},
    check=_needs)
