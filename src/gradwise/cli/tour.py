"""``gradwise tour``: the lecture notes' gradient examples, computed."""

from __future__ import annotations

import click

from gradwise.calculus import gradient
from gradwise.expressions import parse

# (what the notes write, the function, points to evaluate at)
EXAMPLES = [
    ("∇f(x, y) = 2x î + 2y ĵ, and at (2, 2) it is 4î + 4ĵ", "x^2 + y^2", ["x=2, y=2"]),
    ("∇f(x) = 2x î: the slope of the curve", "x^2", ["x=5"]),
    ("∇f(z) = cos(z) î, with cos 180° = −1", "sin(z)", ["z=180°", "z=360°"]),
    ("three variables use î ĵ k̂", "f(z, w, b) = z w + b", []),
    ("the cost C = (1 − w)² has ∇C = 2w − 2", "C(w) = (1 - w)^2", ["w=3", "w=-2"]),
    ("the neuron's cost with y = 1, b = 0, x = 1", "C(w) = (y - sigmoid(w x + b))^2",
     ["w=3, y=1, b=0, x=1"]),
]


@click.command()
def tour() -> None:
    """Walk through the lecture notes' examples, computed exactly."""
    for number, (notes, text, points) in enumerate(EXAMPLES, start=1):
        click.secho(f"\n{number}. The notes: {notes}", bold=True)
        g = gradient(parse(text))
        click.echo(f"   {g.function}")
        click.echo(f"   {g}")
        for point in points:
            click.secho(f"   {g.at(point)}", fg="green")
