"""Global minimum and maximum of f over a box: interior critical points, faces, corners.

The textbook recipe: the extremes of a continuous f on a closed box are at
critical points inside it or on its boundary; the boundary is faces (one or more
variables held at a bound), searched the same way one dimension down, and corners.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from gradwise.calculus.gradients import as_expression
from gradwise.critical.points import CriticalPoints
from gradwise.critical.search import critical_points, parse_box
from gradwise.language.expressions import Expression
from gradwise.language.numbers import LONGEST, MINUS, abbreviated, minus, number_length

__all__ = ["Extremum", "Extrema", "extrema", "points_and_extrema"]

CRITICAL_SHARE = 0.7  # of the budget, for the interior; the faces get the rest


@dataclass(frozen=True)
class Extremum:
    """Where f is smallest or largest over the box, and whether that is inside or on the edge."""

    names: tuple[str, ...]
    point: tuple[float, ...]
    value: float
    where: str

    def as_dict(self) -> dict[str, Any]:
        return {"point": dict(zip(self.names, self.point, strict=True)), "value": self.value,
                "where": self.where}

    def __str__(self) -> str:
        coordinates = ", ".join(f"{p:.6g}" for p in self.point)
        return minus(f"f({coordinates}) = {self.value:.6g}, {self.where}")


@dataclass(frozen=True)
class Extrema:
    """The global minimum and maximum over a box, with the interior critical points."""

    minimum: Extremum
    maximum: Extremum
    critical: CriticalPoints
    note: str

    def __str__(self) -> str:
        return (f"global minimum over the box: {self.minimum}\n"
                f"global maximum over the box: {self.maximum}\n({self.note})")


def extrema(f: Expression | str, within: Mapping[str, Any] | str, *, budget: float = 5.0,
            starts: int | None = None) -> Extrema:
    """The global minimum and maximum of f over the box ``within``, boundaries noted.

    Args:
        f: the function.
        within: the box, e.g. ``"x=-5:5, y=-5:5"``.
        budget: seconds for the whole call.
        starts: starting points per face for the numeric search.

    Example:
        >>> e = extrema("x^2 + y^2", "x=-1:2, y=-1:1")
        >>> str(e.minimum), str(e.maximum)
        ('f(0, 0) = 0, interior critical point (minimum)', 'f(2, −1) = 5, corner x = 2, y = −1')
    """
    started = time.monotonic()
    expression = as_expression(f)
    critical = critical_points(expression, within, budget=CRITICAL_SHARE * budget, starts=starts)
    box = parse_box(within, expression)
    deadline = started + 0.95 * budget
    candidates = [(p.point, p.value, f"interior critical point ({p.kind})") for p in critical]
    for fixed in _faces(expression, box):
        candidates += _face_candidates(expression, box, fixed, deadline, starts)
    low = min(candidates, key=lambda c: c[1])
    high = max(candidates, key=lambda c: c[1])
    note = ("interior from critical_points; the faces searched numerically"
            if len(box) > 1 else "interior from critical_points; the ends evaluated exactly")
    return Extrema(Extremum(expression.names, *low), Extremum(expression.names, *high),
                   critical, note)


def points_and_extrema(f: Expression | str, within: Mapping[str, Any] | str | None = None,
                       budget: float = 5.0) -> tuple[CriticalPoints, Extrema | None]:
    """The critical points, and over a box also the global extrema (``gradwise critical``).

    Example:
        >>> points, extremes = points_and_extrema("x^2 - 2x", "x=0:3")
        >>> [p.coordinates for p in points], str(extremes.maximum)
        (['(1)'], 'f(3) = 3, end x = 3')
    """
    if within is None:
        return critical_points(f, budget=budget), None
    extremes = extrema(f, within, budget=budget)
    return extremes.critical, extremes


def _faces(f: Expression, box) -> list[dict[sympy.Symbol, sympy.Expr]]:
    """Every face and corner: each variable free or held at its low or high end."""
    choices = [(None, low, high) for low, high in box.values()]
    faces = []
    for pick in itertools.product(*choices):
        fixed = {v: b for v, b in zip(f.variables, pick, strict=True) if b is not None}
        if fixed:
            faces.append(fixed)
    return faces


def _face_candidates(f: Expression, box, fixed, deadline, starts) -> list:
    from gradwise.critical.boxes import numeric_function, search_box

    free = [v for v in f.variables if v not in fixed]
    where = ", ".join(f"{v.name} = {_bound(b)}" for v, b in fixed.items())
    corner = "end" if len(f.variables) == 1 else "corner"
    label = f"{corner} {where}" if not free else f"boundary {where}"
    restricted = f.expr.xreplace(fixed)
    if not free:
        return [(tuple(float(fixed[v]) for v in f.variables), float(restricted.evalf(17)),
                 label)]
    face = Expression(f.text, restricted, tuple(free), symbols=tuple(free))
    components = [sympy.diff(restricted, v) for v in free]
    matrix = sympy.Matrix(len(free), len(free), lambda i, j: sympy.diff(components[i], free[j]))
    fn = numeric_function(face, components, matrix)
    bounds = np.array([[float(b) for b in box[v.name]] for v in free])
    found = search_box(fn, bounds, deadline, starts)
    values = fn.value(found) if len(found) else np.empty(0)
    return [(_full_point(f, fixed, free, x), float(value), label)
            for x, value in zip(found, values, strict=True)]


def _bound(value: sympy.Expr) -> str:
    """A bound as SymPy writes it, abbreviated past 100 digits (10^308 as 1e+308)."""
    if value.is_Rational and number_length(value) > LONGEST:
        return abbreviated(value).replace(MINUS, "-")
    return sympy.sstr(value)


def _full_point(f: Expression, fixed, free, x) -> tuple[float, ...]:
    free_values = dict(zip(free, x, strict=True))
    return tuple(float(fixed[v]) if v in fixed else float(free_values[v]) for v in f.variables)
