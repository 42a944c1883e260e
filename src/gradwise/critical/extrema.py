"""Global minimum and maximum of f over a box, certified by interval branch and bound.

The extremes of a continuous f on a closed box are at critical points inside it, at kinks,
or on its boundary (faces, edges, corners). Rather than trust a list of those, which may be
long, capped or cut short by the budget, the whole box is bounded by interval arithmetic
(``bounds``), seeded with every certified critical point and every corner: the answer is
certified when no point of the box has f < f* − ε (f > f* + ε for the maximum), with
ε = ``tol`` × the size of f on the box; otherwise the interval known to hold the true value.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from gradwise.critical.bounds import Bound, bound_by_faces, global_bound
from gradwise.critical.listing import identify
from gradwise.critical.points import CriticalPoints, finite_or_none
from gradwise.critical.search import (
    Plan,
    Work,
    _with_variables,
    check_budget,
    critical_points,
    investigate,
    parse_box,
)
from gradwise.language.expressions import Expression
from gradwise.language.numbers import (
    LONGEST,
    MINUS,
    abbreviated,
    float_text,
    minus,
    number_length,
)

__all__ = ["Extremum", "Extrema", "extrema", "points_and_extrema"]

ZEROS = 0.35   # of the budget: the certified search for critical points ends here
BOUNDS = 0.75  # the branch and bound for the minimum and the maximum ends here


@dataclass(frozen=True)
class Extremum:
    """Where f is smallest or largest over the box, where that is, and how sure.

    Attributes:
        names: the variables.
        point: where.
        value: f there.
        where: "interior critical point (minimum)", "boundary y = -2", "corner x = 5, y = 5"...
        certified: no point of the box does better by more than ``tolerance``.
        bound: (low, high): the true extreme value lies in this interval.
        tolerance: ε.
    """

    names: tuple[str, ...]
    point: tuple[float, ...]
    value: float
    where: str
    certified: bool = False
    bound: tuple[float, float] | None = None
    tolerance: float | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (infinities, as where f is unbounded near a pole, are null)."""
        return {"point": dict(zip(self.names, map(finite_or_none, self.point), strict=True)),
                "value": finite_or_none(self.value), "where": self.where,
                "certified": self.certified,
                "bound": None if self.bound is None else [finite_or_none(b) for b in self.bound],
                "tolerance": self.tolerance}

    def __str__(self) -> str:
        coordinates = ", ".join(f"{p:.6g}" for p in self.point)
        return minus(f"f({coordinates}) = {self.value:.6g}, {self.where}")


@dataclass(frozen=True)
class Extrema:
    """The global minimum and maximum over a box, with the interior critical points.

    Attributes:
        minimum: the global minimum, an :class:`Extremum` (``certified``, ``bound``).
        maximum: the global maximum, likewise.
        critical: the critical points in the box (:class:`CriticalPoints`).
        note: how the extrema were found and proven.

    Example:
        >>> e = extrema("x^2 - 2x", "x=0:3")
        >>> str(e.minimum), str(e.maximum)
        ('f(1) = −1, interior critical point (minimum)', 'f(3) = 3, end x = 3')
        >>> e.minimum.certified, e.critical.complete
        (True, True)
    """

    minimum: Extremum
    maximum: Extremum
    critical: CriticalPoints
    note: str
    undefined: tuple[float, ...] | None = None

    @property
    def undefined_text(self) -> str:
        """Where f is not real in the box, in words (empty when sampling found no such point)."""
        if self.undefined is None:
            return ""
        at = ", ".join(f"{n} = {c:.6g}" for n, c in zip(self.minimum.names, self.undefined))
        return minus(f"f is not a real number on part of the box (at {at}, for one): the "
                     "extrema are over the points where it is")

    def __str__(self) -> str:
        undefined = f"{self.undefined_text}\n" if self.undefined is not None else ""
        return (f"{undefined}"
                f"global minimum over the box: {self.minimum}\n  {_proof(self.minimum, '<')}\n"
                f"global maximum over the box: {self.maximum}\n  {_proof(self.maximum, '>')}\n"
                f"({self.note})")


def extrema(f: Expression | str, within: Mapping[str, Any] | str, *, budget: float = 5.0,
            starts: int | None = None, tol: float = 1e-9) -> Extrema:
    """The global minimum and maximum of f over the box ``within``, certified.

    Args:
        f: the function.
        within: the box, e.g. ``"x=-5:5, y=-5:5"``.
        budget: seconds for the whole call.
        starts: unused (kept for compatibility).
        tol: ε relative to the size of f on the box (its largest |f| at the points tried).

    Returns:
        The :class:`Extrema`: ``minimum`` and ``maximum`` (each with ``certified``, ``bound``
        and ``tolerance``) and the ``critical`` points in the box.

    Raises:
        ParseError: ``f`` or the box is text that is not valid.
        InputError: the box is empty, infinite or NaN, names a variable f does not have or
            misses one, or the budget is not a positive number of seconds.

    Example:
        >>> e = extrema("x^2 + y^2", "x=-1:2, y=-1:1")
        >>> str(e.minimum), e.minimum.certified
        ('f(0, 0) = 0, interior critical point (minimum)', True)
        >>> str(e.maximum)
        'f(2, −1) = 5, corner x = 2, y = −1'
    """
    started = time.monotonic()
    check_budget(budget)
    expression = _with_variables(f)
    box = parse_box(within, expression)
    found: dict[str, Any] = {}

    def then(w: Work) -> None:
        found.update(_bounds(w, started + BOUNDS * budget, tol))
        found["undefined"] = _undefined_at(w)

    work = investigate(expression, box, Plan(started, float(budget), ZEROS), then=then)
    assert work.result is not None
    low = _no_worse(_extremum(work, found["minimum"], "minimum"), work.result, 1)
    high = _no_worse(_extremum(work, found["maximum"], "maximum"), work.result, -1)
    note = ("how: interval arithmetic, with the proven critical points and kinks inside the box "
            "and branch and bound on its faces, or, where the search left boxes open, branch "
            "and bound over the whole box")
    undefined = found["undefined"]
    return Extrema(low, high, work.result, note,
                   None if undefined is None else tuple(float(c) + 0.0 for c in undefined))


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


def _bounds(work: Work, deadline: float, tol: float) -> dict[str, Bound]:
    """The certified minimum and maximum (half the time left each)."""
    candidates = _candidates(work)
    if work.system is None:
        return {k: _unbounded(work, candidates, s) for k, s in (("minimum", 1), ("maximum", -1))}
    values = work.system.value.floats(candidates)[:, 0] if len(candidates) else np.empty(0)
    finite = np.abs(values[np.isfinite(values)])
    size = max(work.scale, float(finite.max()) if len(finite) else 0.0)
    middle = time.monotonic() + (deadline - time.monotonic()) / 2
    box, zeros = work.searched, work.zeros
    low, high = _relative_tolerances(work, size, tol)
    if zeros is not None and zeros.finished and not len(zeros.undecided) \
            and _regular(work.system, box):
        # every interior candidate is known: in a proven root's box, or a flat box (Easom's
        # far field, where f varies by less than 2⁻⁵² of its size), or an irregular one; only
        # the faces need branch and bound. Not where f may be undefined or jump inside the
        # box: the edge of its domain (0 for √x in [−1, 1]) is then a face of its own, where
        # ∇f need not vanish
        n = len(box)
        rough = np.concatenate([zeros.irregular.reshape(-1, n, 2),
                                _clipped(zeros.flat.reshape(-1, n, 2), box)])
        interior = np.concatenate([zeros.roots.reshape(-1, n, 2), rough])
        return {"minimum": bound_by_faces(work.system, box, interior, candidates, middle,
                                          low, 1, rough),
                "maximum": bound_by_faces(work.system, box, interior, candidates, deadline,
                                          high, -1, rough)}
    return {"minimum": global_bound(work.system, box, candidates, middle, low, 1),
            "maximum": global_bound(work.system, box, candidates, deadline, high, -1)}


def _clipped(boxes: np.ndarray, box: np.ndarray) -> np.ndarray:
    """The parts of ``boxes`` inside ``box`` (the search ran on a box a hair wider)."""
    out = np.stack([np.maximum(boxes[..., 0], box[:, 0]), np.minimum(boxes[..., 1], box[:, 1])],
                   axis=-1)
    return out[np.all(out[..., 0] <= out[..., 1], axis=1)]


def _regular(system, box: np.ndarray) -> bool:
    """Whether interval arithmetic shows f defined and continuous on the whole box."""
    with np.errstate(all="ignore"):
        _, _, flags = system.value_enclosure(box[None, :, 0], box[None, :, 1])
    return not bool(flags.irregular[0])


def _undefined_at(work: Work) -> np.ndarray | None:
    """A point of the box where f is not a real number (√x at x = −1), if sampling finds one:
    the corners, the candidates and 512 Halton points."""
    from gradwise.critical.bounds import corners
    from gradwise.critical.boxes import halton

    box = work.searched
    if work.system is None or _regular(work.system, box):
        return None
    sample = box[:, 0] + halton(512, len(box)) * (box[:, 1] - box[:, 0])
    points = np.vstack([corners(box), _candidates(work), sample])
    with np.errstate(all="ignore"):
        values = work.system.value.floats(points)[:, 0]
    where = np.flatnonzero(np.isnan(values))
    return points[where[0]] if len(where) else None


def _relative_tolerances(work: Work, size: float, tol: float) -> tuple[float, float]:
    """ε for the minimum and the maximum: ``tol`` × the size of f, or of the extreme value
    at the box's corners where that is larger (exp(x y)/10 reaches 2.7e42 at a corner of
    [−10, 10]², where an ε of 1e−9 is below the floats' own spacing)."""
    from gradwise.critical.bounds import corners

    assert work.system is not None
    ends = work.system.value.floats(corners(work.searched))[:, 0]
    ends = ends[np.isfinite(ends)]
    if not len(ends):
        return tol * size, tol * size
    return tol * max(size, abs(float(ends.min()))), tol * max(size, abs(float(ends.max())))


def _candidates(work: Work) -> np.ndarray:
    n = len(work.searched)
    parts = [np.array([k.point for k in work.rest.kinks]).reshape(-1, n)]
    if work.zeros is not None and len(work.zeros.roots):
        parts.append(work.zeros.points)
    if work.found is not None:
        parts.append(work.found)
    points = np.concatenate(parts)
    box = work.searched
    return points[np.all((points >= box[:, 0]) & (points <= box[:, 1]), axis=1)]


def _unbounded(work: Work, candidates: np.ndarray, sense: int) -> Bound:
    """Without interval arithmetic: the best candidate, uncertified."""
    from gradwise.critical.bounds import corners


    points = np.vstack([candidates, corners(work.searched)])
    values = np.array([float(work.f.expr.xreplace(dict(zip(work.f.variables, p))).evalf(17))
                       for p in points])
    k = int(np.argmin(sense * values))
    bound = (-np.inf, values[k]) if sense > 0 else (values[k], np.inf)
    return Bound(points[k], float(values[k]), bound, False, 0.0)


def _extremum(work: Work, bound: Bound, kind: str) -> Extremum:
    """The point of the bound, or an equally good listed point nearer the box's centre."""
    f = work.f
    point, where = _nicest(work, bound, kind)
    value = float(work.system.value.floats(point[None])[0, 0]) if work.system else bound.value
    if abs(value) <= 1e-6 * bound.tolerance:
        value = 0.0  # rounding noise, e.g. Bohachevsky's −5.6e−17 at its minimum (0, 0)
    return Extremum(f.names, tuple(float(c) + 0.0 for c in point), value, where,  # no −0
                    bound.certified, bound.bound, bound.tolerance)


def _no_worse(e: Extremum, listed: CriticalPoints, sense: int) -> Extremum:
    """The extremum, or a listed point that does better by more than ε: the global minimum
    is never above a point the same answer lists (SymPy's exact points are listed after the
    bounds were computed)."""
    from dataclasses import replace

    margin = e.tolerance or 0.0
    points = [p for p in (*listed.points, *listed.nondifferentiable)
              if np.isfinite(p.value) and sense * p.value < sense * e.value - margin]
    if not points:
        return e
    best = min(points, key=lambda p: sense * p.value)
    low, high = e.bound if e.bound is not None else (-np.inf, np.inf)
    # the bounds missed this point, so they prove nothing: only that the true value is no
    # worse than it
    bound = (min(low, best.value), min(high, best.value)) if sense > 0 else \
        (max(low, best.value), max(high, best.value))
    return replace(e, point=tuple(float(c) + 0.0 for c in best.point), value=best.value,
                   where=f"listed critical point ({best.kind})", bound=bound,
                   certified=False)


def _nicest(work: Work, bound: Bound, kind: str) -> tuple[np.ndarray, str]:
    """Among the critical points and kinks as good as the bound's point (within ε), the one
    nearest the box's centre (cos x + cos y: the origin), with where it is; among those
    equally near (the camel's two minima ±(0.09, −0.71)), the first in coordinate order,
    whatever order the search found them in."""
    result, centre = work.result, work.searched.mean(axis=1)
    assert result is not None
    points, labels = _labelled(work)
    if work.system is not None and len(points):
        values = work.system.value.floats(points)[:, 0]
        with np.errstate(all="ignore"):
            tied = np.flatnonzero(np.abs(values - bound.value) <= max(bound.tolerance, 1e-300))
        if len(tied):
            near = np.max(np.abs(points[tied] - centre), axis=1)
            tied = tied[near <= near.min() * (1 + 1e-9) + 1e-300]
            k = min(tied, key=lambda t: tuple(points[t]))
            exact = identify(work.system.components, work.f.variables, points[k])
            return (points[k] if exact is None else np.array([float(c) for c in exact]),
                    labels(k))
    point = np.asarray(bound.point)
    side = "below" if kind == "minimum" else "above"
    if not np.isfinite(bound.value):
        return point, f"f is unbounded {side} near here"
    if not bound.certified and not np.isfinite(bound.bound[0 if kind == "minimum" else 1]):
        return point, f"the best point found; f may be unbounded {side} near it"
    where = _where(work, point)
    if where == "interior point" and work.system is not None:
        proven = _proven_kind(work.system, point)
        if proven is not None:
            where = f"interior critical point ({proven})"
            exact = identify(work.system.components, work.f.variables, point)
            point = point if exact is None else np.array([float(c) for c in exact])
    return point, where


def _proven_kind(system, point: np.ndarray) -> str | None:
    """The kind of a critical point at ``point``, if Krawczyk proves one there."""
    from gradwise.critical.certify import krawczyk
    from gradwise.critical.definite import hessian_signs

    radius = 1e-7 * (1 + np.abs(point))
    with np.errstate(all="ignore"):
        status, boxes = krawczyk(system, np.stack([point - radius, point + radius], -1)[None])
    return hessian_signs(system, boxes).kinds[0] if status[0] == 1 else None


def _labelled(work: Work):
    """The proven critical points and the kinks in the box, and a label for each."""
    n = len(work.searched)
    kinks = [k for k in work.rest.kinks]
    roots = work.zeros.roots if work.zeros is not None else np.empty((0, n, 2))
    found = [c.box for c in work.rest.found if c.box is not None]
    roots = np.concatenate([roots, np.array(found).reshape(-1, n, 2)])
    inside = np.all((roots.mean(axis=2) >= work.searched[:, 0])
                    & (roots.mean(axis=2) <= work.searched[:, 1]), axis=1)
    roots = roots[inside]
    points = np.vstack([roots.mean(axis=2), np.array([k.point for k in kinks]).reshape(-1, n)])

    def label(k: int) -> str:
        if k >= len(roots):
            return f"interior point where f has a kink ({kinks[k - len(roots)].kind})"
        from gradwise.critical.definite import hessian_signs

        assert work.system is not None
        return f"interior critical point ({hessian_signs(work.system, roots[k:k + 1]).kinds[0]})"

    return points, label


def _where(work: Work, point: np.ndarray) -> str:
    """'interior point', 'boundary y = -2', 'corner x = 5, y = 5' (or 'end' in one variable)."""
    f, box = work.f, work.searched
    exact = work.result.within if work.result is not None else None
    slack = 1e-12 * (box[:, 1] - box[:, 0])
    fixed = {}
    for i, (v, x) in enumerate(zip(f.variables, point)):
        for side in (0, 1):
            if abs(x - box[i, side]) <= slack[i]:
                fixed[v] = exact[v.name][side] if exact else _tidy(box[i, side])
    if not fixed:
        return "interior point"
    text = ", ".join(f"{v.name} = {_bound(b)}" for v, b in fixed.items())
    if len(fixed) < len(f.variables):
        return f"boundary {text}"
    return f"{'end' if len(f.variables) == 1 else 'corner'} {text}"


def _bound(value: Any) -> str:
    """A bound as SymPy writes it, abbreviated past 100 digits (10^299 as 1e+299)."""
    if isinstance(value, sympy.Rational) and number_length(value) > LONGEST:
        return abbreviated(value).replace(MINUS, "-")
    return sympy.sstr(value)


def _tidy(bound: float) -> Any:
    return int(bound) if float(bound).is_integer() else bound


def _proof(e: Extremum, sign: str) -> str:
    if e.bound is None:
        return "not certified"
    low, high = e.bound
    if e.certified:
        edge = low if sign == "<" else high
        return (f"certified: no point of the box has f {sign} {float_text(edge, 10)} "
                f"(ε = {float_text(e.tolerance or 0.0, 2)})")
    return (f"not certified (the budget ran out): the true value lies in "
            f"[{float_text(low, 10)}, {float_text(high, 10)}]")
