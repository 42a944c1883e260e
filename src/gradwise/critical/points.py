"""Critical points: where ∇f = 0, found exactly where possible and numerically where not.

``critical_points`` sends ∇f = 0 to SymPy in a worker process that is killed when
the time budget runs out (``_solve_worker``), and meanwhile searches a box
numerically (``_box_search``); it merges both, keeps exact coordinates where they
are readable, and classifies every point (``second_derivative``). Every call
returns within its budget, with ``complete`` saying whether the list is all of them.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from gradwise.calculus.gradients import as_expression, gradient, hessian
from gradwise.critical.classify import Kind
from gradwise.errors import InputError
from gradwise.language.expressions import Expression

__all__ = ["CriticalPoint", "CriticalPoints", "critical_points", "classify_point",
           "nearest_critical_point", "parse_box"]

Box = dict[str, tuple[sympy.Expr, sympy.Expr]]
DEFAULT_BOX = (-10, 10)
"""Where the numeric search looks when no box is given."""


@dataclass(frozen=True)
class CriticalPoint:
    """One point where ∇f = 0, classified.

    Attributes:
        names: the variables' names, in order.
        point: the coordinates as floats.
        exact: the exact coordinates, or None where no readable closed form is known.
        value: f at the point.
        kind: minimum, maximum, saddle, degenerate (test inconclusive, not settled) or,
            in one variable, inflection.
        eigenvalues: the Hessian's eigenvalues there, ascending.
        reason: the second-derivative test in the notes' terms, e.g. ``D = −1 < 0``.
        settled_by: how an inconclusive test was settled, or None.
        exact_value: f at the point, exact, when the point is exact.
    """

    names: tuple[str, ...]
    point: tuple[float, ...]
    exact: tuple[sympy.Expr, ...] | None
    value: float
    kind: Kind
    eigenvalues: tuple[float, ...]
    reason: str
    settled_by: str | None = None
    exact_value: sympy.Expr | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: point, exact, value, kind, eigenvalues (plus the reasons)."""
        exact = None if self.exact is None else \
            {n: str(e) for n, e in zip(self.names, self.exact, strict=True)}
        return {"point": dict(zip(self.names, self.point, strict=True)), "exact": exact,
                "value": self.value,
                "kind": self.kind, "eigenvalues": list(self.eigenvalues), "test": self.reason,
                "settled_by": self.settled_by}

    @property
    def coordinates(self) -> str:
        """``(−1/18, −1/108)`` when exact, else ``(3.58443, −1.84813)``."""
        from gradwise.language.notation import show
        from gradwise.language.numbers import float_text

        if self.exact is not None:
            return "(" + ", ".join(show(e) for e in self.exact) + ")"
        return "(" + ", ".join(float_text(p) for p in self.point) + ")"

    def __str__(self) -> str:
        from gradwise.critical.text import point_text

        return point_text(self)


@dataclass(frozen=True)
class CriticalPoints:
    """All critical points found, and whether that is all of them.

    Attributes:
        function: f.
        points: the critical points, sorted by coordinates.
        complete: True when ``points`` is every critical point (in ``within``, if given).
        note: how they were found, or why the list may be incomplete.
        within: the box searched, as exact bounds per variable, or None.
        discriminant: D = f_xx·f_yy − f_xy² for two variables, else None.
        seconds: the wall time the call took.
        out_of_time: True when the exact solve was stopped at the budget (the list may then
            hold only what the numeric search found).
    """

    function: Expression
    points: tuple[CriticalPoint, ...]
    complete: bool
    note: str
    within: Box | None = None
    discriminant: sympy.Expr | None = None
    seconds: float = 0.0
    out_of_time: bool = False

    def __iter__(self) -> Iterator[CriticalPoint]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def of_kind(self, kind: Kind) -> tuple[CriticalPoint, ...]:
        """The points of one kind, e.g. ``result.of_kind("minimum")``."""
        return tuple(p for p in self.points if p.kind == kind)

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of ``gradwise critical --json``."""
        return {"function": self.function.text, "variables": list(self.function.names),
                "points": [p.as_dict() for p in self.points], "complete": self.complete,
                "note": self.note, "seconds": round(self.seconds, 3),
                "out_of_time": self.out_of_time,
                "within": None if self.within is None else
                {n: [float(lo), float(hi)] for n, (lo, hi) in self.within.items()}}

    def __str__(self) -> str:
        from gradwise.critical.text import critical_text

        return critical_text(self)

    def _repr_latex_(self) -> str:
        from gradwise.notebook import critical_latex

        return critical_latex(self)

    def plot(self, **options: Any) -> Any:
        """The points marked by kind on f's curve or contours (``plot_function``); returns Axes."""
        from gradwise.plotting import plot_function

        return plot_function(self, **options)


def critical_points(f: Expression | str, within: Mapping[str, Any] | str | None = None, *,
                    budget: float = 5.0, starts: int | None = None) -> CriticalPoints:
    """Every point where ∇f = 0, classified, within ``budget`` seconds.

    Args:
        f: the function, as text or ``gradwise.parse(...)``.
        within: a box such as ``"x=-5:5, y=-pi:pi"`` or ``{"x": (-5, 5), "y": (-3, 3)}``:
            only points inside it are listed, and the numeric search looks there
            (in [−10, 10] per variable when no box is given).
        budget: seconds for the whole call; SymPy is stopped when it runs out.
        starts: starting points for the numeric search (default 200 per variable).

    Returns:
        The points, each with exact and float coordinates, value, kind and Hessian
        eigenvalues, and whether the list is complete, with a note.

    Raises:
        InputError: the budget is not positive, or the box is malformed.

    Example:
        >>> result = critical_points("x^3 + x y - 3y^2")
        >>> [(p.coordinates, p.kind) for p in result], result.complete
        ([('(−1/18, −1/108)', 'maximum'), ('(0, 0)', 'saddle')], True)
    """
    from gradwise.critical.search import search

    started = time.monotonic()
    if not isinstance(budget, int | float) or not budget > 0 or budget != budget:
        raise InputError(f"budget must be a positive number of seconds; received {budget!r}; "
                         "for example budget=5")
    expression = as_expression(f)
    if not expression.variables:
        raise InputError(f"{expression.text!r} has no variables, so it has no critical points")
    box = parse_box(within, expression) if within is not None else None
    return search(expression, box, started, budget, starts)


def classify_point(f: Expression | str, point: Mapping[str, Any] | Any,
                   tol: float = 1e-6) -> CriticalPoint:
    """Classify a point already known to be critical (e.g. where a descent stopped).

    Args:
        f: the function.
        point: ``{"x": 1, "y": 2}`` or coordinates in variable order; exact numbers
            (ints, fractions, SymPy) are classified exactly.
        tol: the largest |∇f| accepted as zero.

    Raises:
        InputError: |∇f| at the point exceeds ``tol`` (use ``nearest_critical_point``).

    Example:
        >>> classify_point("x^4 + y^4", [0, 0]).kind
        'minimum'
    """
    from gradwise.critical.search import classify

    expression = as_expression(f)
    values = _coordinates(expression, point)
    size = float(sympy.sqrt(sum(c**2 for c in gradient(expression).at(values).exact)).evalf(17))
    if size > tol:
        raise InputError(f"{_point_text(values)} is not a critical point of {expression.text!r}: "
                         f"|∇f| = {size:.3g} > tol = {tol:g}. Fix: use nearest_critical_point "
                         "to find the one near it")
    exact = all(isinstance(v, sympy.Rational) for v in values)
    return classify(expression, hessian(expression).matrix, values, exact)


def nearest_critical_point(f: Expression | str, point: Mapping[str, Any] | Any,
                           radius: float = 1.0) -> CriticalPoint | None:
    """The critical point that Newton's method reaches from ``point``, classified, or None.

    Made for a descent that stopped: ``nearest_critical_point(f, result.point)``
    names the point it reached and its kind. Only a point within ``radius`` (in each
    coordinate) of ``point`` counts; None when there is none.

    Example:
        >>> p = nearest_critical_point("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [2.9, 2.1])
        >>> p.coordinates, p.kind
        ('(3, 2)', 'minimum')
    """
    from gradwise.critical.search import polish

    expression = as_expression(f)
    values = [float(v) for v in _coordinates(expression, point)]
    if not radius > 0:
        raise InputError(f"radius must be positive; received {radius!r}")
    return polish(expression, np.array(values), radius)


def parse_box(within: Mapping[str, Any] | str, f: Expression) -> Box:
    """``"x=-5:5, y=-pi:pi"`` or ``{"x": (-5, 5)}`` as exact bounds for every variable."""
    from gradwise.critical.text import read_box

    box = read_box(within)
    unknown = [n for n in box if n not in f.names]
    if unknown:
        raise InputError(f"the box names {unknown[0]!r}, which is not a variable of "
                         f"{f.text!r}; its variables are {', '.join(f.names)}")
    missing = [n for n in f.names if n not in box]
    if missing:
        raise InputError(f"the box gives no range for {missing[0]!r}. Fix: add "
                         f"{missing[0]}=low:high")
    return {n: box[n] for n in f.names}


def _coordinates(f: Expression, point: Mapping[str, Any] | Any) -> list[sympy.Expr]:
    from gradwise.calculus.gradients import resolve_point

    if not isinstance(point, Mapping | str):
        point = [float(p) if isinstance(p, np.floating) else p for p in point]
    values = resolve_point(f, point)
    return [values[v] for v in f.variables]


def _point_text(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"

