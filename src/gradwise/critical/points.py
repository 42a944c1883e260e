"""What a search for critical points finds: :class:`CriticalPoint` and :class:`CriticalPoints`.

The search itself is :func:`gradwise.critical.search.critical_points`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy

from gradwise.critical.classify import Kind
from gradwise.language.expressions import Expression

__all__ = ["CriticalPoint", "CriticalPoints", "Box", "DEFAULT_BOX"]

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
