"""The answer's types: a critical point, and all of them with how far the list can be trusted.

``CriticalPoints`` says whether the list is every critical point (``complete``), whether an
interval certificate proves it (``certified``), and what is left where it is not: undecided
boxes, a flat region, points where f is not differentiable. ``gradwise.critical.search``
computes it; this module only holds and shows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sympy

from gradwise.critical.classify import Kind
from gradwise.critical.regions import Region
from gradwise.language.expressions import Expression

__all__ = ["CriticalPoint", "CriticalPoints", "Box", "DEFAULT_BOX", "finite_or_none"]

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
        certified: whether interval arithmetic proved it the only critical point in a tiny
            box around ``point`` (Krawczyk's test).

    Example:
        >>> from gradwise import critical_points
        >>> top = critical_points("x^3 + x y - 3y^2").points[0]
        >>> top.kind, top.exact, top.reason, top.certified
        ('maximum', (-1/18, -1/108), 'D = 1 > 0, f_xx = −1/3 < 0', True)
        >>> print(top)
        (−1/18, −1/108)  f = 1/11664  maximum  (D = 1 > 0, f_xx = −1/3 < 0)
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
    certified: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The JSON form: point, exact, value, kind, eigenvalues (plus the reasons)."""
        exact = None if self.exact is None else \
            {n: str(e) for n, e in zip(self.names, self.exact, strict=True)}
        return {"point": dict(zip(self.names, self.point, strict=True)), "exact": exact,
                "value": finite_or_none(self.value), "kind": self.kind,
                "eigenvalues": [finite_or_none(v) for v in self.eigenvalues], "test": self.reason,
                "settled_by": self.settled_by, "certified": self.certified}

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
    """All critical points found, and how far the list can be trusted.

    Attributes:
        function: f.
        points: the critical points, sorted by coordinates (none when there are more than
            ``MAX_POINTS`` in the box: then ``count`` and ``kinds`` summarise them).
        complete: True when ``points`` is every critical point (in ``within``, if given),
            proven: by an exact solve or by the interval certificate.
        note: how they were found and proven, or exactly what remains.
        within: the box asked for, as exact bounds per variable, or None.
        discriminant: D = f_xx·f_yy − f_xy² for two variables, else None.
        seconds: the wall time the call took.
        out_of_time: True when the exact solve was stopped at the budget.
        certified: True when interval arithmetic proved that the critical points in the
            box searched (``searched``) are exactly those counted.
        count: how many critical points the box holds, when that is known exactly.
        kinds: how many of each kind, when ``count`` is known.
        undecided: the sub-boxes neither excluded nor proven, or None.
        flat: where f is flat to working precision, or None.
        nondifferentiable: points where f has a kink (|·|, relu), kind decided by sampling;
            the certificate does not cover them.
        searched: the box the numeric search covered (``within``, or [−10, 10]ⁿ), as floats.

    Example:
        >>> from gradwise import critical_points
        >>> found = critical_points("cos(z)", within="z=-7:7")
        >>> found.complete, found.certified, found.count, found.kinds
        (True, True, 5, {'maximum': 3, 'minimum': 2})
        >>> [p.coordinates for p in found.of_kind("minimum")]
        ['(−π)', '(π)']
    """

    function: Expression
    points: tuple[CriticalPoint, ...]
    complete: bool
    note: str
    within: Box | None = None
    discriminant: sympy.Expr | None = None
    seconds: float = 0.0
    out_of_time: bool = False
    certified: bool = False
    count: int | None = None
    kinds: dict[str, int] | None = None
    undecided: Region | None = None
    flat: Region | None = None
    nondifferentiable: tuple[CriticalPoint, ...] = ()
    searched: tuple[tuple[float, float], ...] = ()

    def __iter__(self) -> Iterator[CriticalPoint]:
        return iter(self.points)

    def __len__(self) -> int:
        return len(self.points)

    def of_kind(self, kind: Kind) -> tuple[CriticalPoint, ...]:
        """The points of one kind, e.g. ``result.of_kind("minimum")``."""
        return tuple(p for p in self.points if p.kind == kind)

    def as_dict(self) -> dict[str, Any]:
        """The JSON document of ``gradwise critical --json``."""
        names = self.function.names
        return {"function": self.function.text, "variables": list(names),
                "points": [p.as_dict() for p in self.points], "complete": self.complete,
                "note": self.note, "seconds": round(self.seconds, 3),
                "out_of_time": self.out_of_time,
                "within": None if self.within is None else
                {n: [float(lo), float(hi)] for n, (lo, hi) in self.within.items()},
                "certified": self.certified, "count": self.count, "kinds": self.kinds,
                "undecided_boxes": _undecided(self.undecided, names),
                "flat_region": None if self.flat is None else {
                    **self.flat.as_dict(names),
                    "largest_abs_value": finite_or_none(self.flat.largest or 0.0)},
                "nondifferentiable": [p.as_dict() for p in self.nondifferentiable],
                "searched": {n: list(b) for n, b in zip(names, self.searched)}}

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


def _undecided(region: Region | None, names) -> dict[str, Any]:
    if region is None:
        return {"count": 0, "volume": 0.0, "share": 0.0, "within": None}
    return region.as_dict(names)


def finite_or_none(value: float) -> float | None:
    """JSON has no NaN or infinity: such a value is written as null."""
    return value if value == value and abs(value) != float("inf") else None
