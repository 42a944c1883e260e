"""Regenerate docs/gallery/*.png: the lecture notes' pictures and a few standard test functions.

Run from the repository root, with the plot and sklearn extras installed
(``pip install -e '.[plot,sklearn]'``, or the test extra)::

    .venv/bin/python docs/make_gallery.py

Each picture is a gradwise call, listed below in the order the README shows them.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("MPLBACKEND", "Agg")

import gradwise  # noqa: E402
from gradwise.cli.plot import save  # noqa: E402
from gradwise.plotting import (  # noqa: E402
    plot_descent,
    plot_function,
    plot_learning_rates,
    plot_progress,
    plot_surface,
)

GALLERY = Path(__file__).resolve().parent / "gallery"

COST = "C(w) = (1 - w)^2"
ROSENBROCK = "f(x, y) = 100(y - x^2)^2 + (1 - x)^2"
HIMMELBLAU = "f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2"


def slope() -> Any:
    """The notes: f(x) = x², ∇f = 2x î; at x = 5 the slope of the tangent is 10."""
    return plot_function("x^2", "x=-1:7", at="x=5")


def bowl() -> Any:
    """The notes: f(x, y) = x² + y², ∇f(2, 2) = 4î + 4ĵ, pointing uphill."""
    return plot_function("x^2 + y^2", "x=-3:3, y=-3:3", at="x=2, y=2",
                         critical=gradwise.critical_points("x^2 + y^2"))


def descent() -> Any:
    """The notes' case (iii): w = 3, η = 0.1: 3 → 2.6 → 2.28 → ... → 1."""
    return plot_descent(gradwise.minimize(COST, {"w": 3}, learning_rate="0.1", max_steps=40),
                        "w=-0.5:3.5", tangents=6)


def ascent() -> Any:
    """The notes' case (i): Δw = +η ∂C/∂w climbs away from the minimum (3 → 3.4 → ...)."""
    return plot_descent(gradwise.maximize(COST, {"w": 3}, learning_rate="0.1", max_steps=5),
                        "w=-1:7", tangents=6)


def overshoot() -> Any:
    """The notes' case (ii): Δw = −∂C/∂w with η = 1 jumps from 3 to −1, past the minimum."""
    return plot_descent(gradwise.minimize(COST, {"w": 3}, learning_rate=1, max_steps=6),
                        "w=-2:4", tangents=2)


def learning_rates() -> Any:
    """η = 0.1, 0.5, 0.9, 1.0, 1.1 on C(w) = (1 − w)² from w = 3: stable below 2/λ = 1."""
    runs = [gradwise.minimize(COST, {"w": 3}, learning_rate=eta, max_steps=100)
            for eta in (0.1, 0.5, 0.9, 1.0, 1.1)]
    return plot_learning_rates(runs)


def neuron_cost() -> Any:
    """The notes' neuron: C(w, b) = (1 − σ(w + b))² with x = 1, y = 1; ∇C at w = 3, b = 0."""
    g = gradwise.gradient("C(w, b) = (y - sigmoid(w x + b))^2", wrt="w,b")
    return plot_function(g, "w=-4:4, b=-4:4", at="x=1, y=1, w=3, b=0", arrows="direction")


def neuron_training() -> Any:
    """A sigmoid neuron learning one feature: cost per epoch, the fit, the path on C(w, b)."""
    import numpy as np

    from gradwise.neuron.estimators import NeuronClassifier
    from gradwise.plotting import plot_training

    rng = np.random.default_rng(7)
    X = rng.normal(2.0, 2.0, (120, 1))
    y = (X[:, 0] + rng.normal(0.0, 1.0, 120) > 2.5).astype(int)
    neuron = NeuronClassifier(learning_rate=1.0, max_epochs=150, tol=None).fit(X, y)
    return plot_training(neuron, X, y)


def rosenbrock() -> Any:
    """Rosenbrock's valley: momentum from (−1.2, 1) to the minimum at (1, 1)."""
    run = gradwise.minimize(ROSENBROCK, {"x": -1.2, "y": 1}, learning_rate=0.001,
                            method="momentum", max_steps=3000)
    return plot_descent(run, "x=-2:2, y=-1:3", critical=gradwise.critical_points(ROSENBROCK))


def rosenbrock_progress() -> Any:
    """The same run's f and |∇f| per step, on log scales."""
    return plot_progress(gradwise.minimize(ROSENBROCK, {"x": -1.2, "y": 1},
                                           learning_rate=0.001, method="momentum",
                                           max_steps=3000))


def himmelblau() -> Any:
    """Himmelblau's function: four minima, a maximum and four saddles, marked by kind."""
    points = gradwise.critical_points(HIMMELBLAU, within="x=-5:5, y=-5:5")
    return plot_function(points, arrows="direction")


def saddle() -> Any:
    """x² − y²: descent from near the saddle slides off along y, on the surface."""
    run = gradwise.minimize("x^2 - y^2", {"x": 1.5, "y": 0.05}, learning_rate=0.1,
                            max_steps=25)
    return plot_surface(run.function, "x=-2:2, y=-2:2", result=run,
                        critical=gradwise.critical_points("x^2 - y^2"))


def graph_neuron() -> Any:
    """The README's command: the neuron's graph at the notes' point, all four names variables."""
    from gradwise.plotting.graph import plot_graph

    return plot_graph(gradwise.graph("(y - sigmoid(w x + b))^2", at="x=1, y=1, b=0, w=3"))


def graph_identity() -> Any:
    """The notes' neuron with φ(z) = z at w = 3: C = 4, ∂C/∂w = ∂C/∂b = 4, path of w."""
    from gradwise.plotting.graph import plot_graph

    g = gradwise.graph("C(w, b) = (y - (w x + b))^2", at="x=1, y=1, b=0, w=3")
    return plot_graph(g, highlight="w")


def graph_sigmoid() -> Any:
    """The same neuron with σ: σ'(3) ≈ 0.045 on the edge into ŷ, where the gradient vanishes."""
    from gradwise.plotting.graph import plot_graph

    g = gradwise.graph("C(w, b) = (y - sigmoid(w x + b))^2", at="x=1, y=1, b=0, w=3",
                       names={"z": "w x + b", "ŷ": "sigmoid(z)"})
    return plot_graph(g, highlight="w")


PICTURES: dict[str, Callable[[], Any]] = {
    "slope": slope, "bowl": bowl, "descent": descent, "ascent": ascent,
    "overshoot": overshoot, "learning-rates": learning_rates, "neuron-cost": neuron_cost,
    "neuron-training": neuron_training,
    "rosenbrock": rosenbrock, "rosenbrock-progress": rosenbrock_progress,
    "himmelblau": himmelblau, "saddle": saddle,
    "graph-neuron": graph_neuron, "graph-identity": graph_identity,
    "graph-sigmoid": graph_sigmoid,
}


def main(names: list[str], folder: Path = GALLERY) -> None:
    """Draw the named pictures (all by default) into FOLDER/NAME.png (docs/gallery/ unless
    the tests ask for another folder, to compare with the committed pictures)."""
    folder.mkdir(exist_ok=True)
    for name in names or PICTURES:
        save(PICTURES[name](), folder / f"{name}.png")
        print(folder / f"{name}.png")


if __name__ == "__main__":
    main(sys.argv[1:])
