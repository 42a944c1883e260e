"""critical_points and its kin, and how a call spends its budget.

One call: SymPy solves ∇f = 0 in a worker process (``_solve_worker``) where that can help
(polynomial or separable systems, or no box), while this process certifies every zero of ∇f
in the box with interval arithmetic (``certify``) until ``ZEROS`` of the budget; the leftovers
become notes and points (``leftovers``); both answers merge (``merge``) and every point is
classified (``listing``) before ``CLASSIFY`` of the budget. Nothing runs past the budget.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy

from gradwise.calculus.gradients import as_expression, gradient, hessian
from gradwise.critical._solve_worker import start_job
from gradwise.critical.boxes import halton
from gradwise.critical.certify import Zeros, centres, find_zeros, meeting, touching
from gradwise.critical.forms import search_system
from gradwise.critical.leftovers import Leftovers, leftovers
from gradwise.critical.listing import Candidate, classify, classify_all
from gradwise.critical.merge import merge
from gradwise.critical.points import DEFAULT_BOX, Box, CriticalPoint, CriticalPoints
from gradwise.critical.regions import POINT_LIKE
from gradwise.critical.symbolic import solve_gradient
from gradwise.critical.text import MAX_POINTS, check_range
from gradwise.errors import InputError, problem
from gradwise.language.expressions import Expression
from gradwise.numeric.tapes import System, Unsupported

__all__ = ["critical_points", "classify_point", "nearest_critical_point", "parse_box",
           "investigate", "Plan", "Work", "check_budget"]

FORMS = 0.25      # of the search's share: SymPy's rewriting of ∇f and H ends here
FORMS_BUDGET = 1.0  # seconds of budget below which ∇f and H are searched as they are
ZEROS = 0.55      # of the budget: the search ends here (0.35 when extrema follow)
NEWTON = 0.1      # of which the last part is for Newton's method, where the proof ran out
SOLVE = 0.8       # SymPy's deadline
EXACT_NICETY = 0.2  # its deadline when the certified search already proved the box
CLASSIFY = 0.85   # classification and merging end here: the rest is for what follows
INFLATE = 2.0**-20  # the search box is this share wider, so zeros on its faces are inside
NOT_ASKED = False   # the answer when SymPy was not asked to solve ∇f = 0


@dataclass(frozen=True)
class Plan:
    """When each part of a call must end: shares of ``budget`` from ``started``."""

    started: float
    budget: float
    zeros: float = ZEROS
    solve: bool = True  # whether SymPy may try to solve ∇f = 0 exactly
    newton: float = NEWTON

    def at(self, share: float) -> float:
        return self.started + share * self.budget


@dataclass
class Work:
    """What one call computed, for ``extrema`` to build on."""

    f: Expression
    system: System | None
    searched: np.ndarray
    scale: float
    zeros: Zeros | None
    rest: Leftovers
    result: CriticalPoints | None = None
    found: np.ndarray | None = None  # uncertified points, when there is no interval system


def critical_points(f: Expression | str, within: Mapping[str, Any] | str | None = None, *,
                    budget: float = 5.0, starts: int | None = None) -> CriticalPoints:
    """Every point where ∇f = 0, classified, within ``budget`` seconds, and how sure that is.

    Args:
        f: the function, as text or ``gradwise.parse(...)``.
        within: a box such as ``"x=-5:5, y=-pi:pi"`` or ``{"x": (-5, 5), "y": (-3, 3)}``:
            only points inside it are listed, and the certified search covers it
            (x ∈ [−10, 10] for every variable when no box is given).
        budget: seconds for the whole call.
        starts: unused (kept for compatibility: the search no longer needs starting points).

    Returns:
        The points with exact and float coordinates, value, kind and Hessian eigenvalues;
        ``complete`` (proven), ``certified`` (by interval arithmetic) and, where the proof
        is not complete, exactly what remains (``undecided``, ``flat``, the note).

    Raises:
        InputError: the budget is not a positive number, the box is malformed, or f has
            parameters without values.

    Example:
        >>> result = critical_points("x^3 + x y - 3y^2")
        >>> [(p.coordinates, p.kind) for p in result], result.complete
        ([('(−1/18, −1/108)', 'maximum'), ('(0, 0)', 'saddle')], True)
    """
    started = time.monotonic()
    check_budget(budget)
    expression = _with_variables(f)
    box = parse_box(within, expression) if within is not None else None
    result = investigate(expression, box, Plan(started, float(budget))).result
    assert result is not None
    return result


def check_budget(budget: Any) -> None:
    """A budget is a positive, finite number of seconds (not a bool), else an InputError."""
    import numbers

    real = isinstance(budget, numbers.Real) and type(budget) is not bool
    if not (real and 0 < budget < float("inf")):
        raise InputError(problem("budget must be a positive number of seconds",
                                 received=budget, fix="give for example budget=5"))


def _with_variables(f: Expression | str) -> Expression:
    expression = as_expression(f)
    if not expression.variables:
        raise InputError(f"{expression.text!r} has no variables, so it has no critical points")
    if expression.parameters:
        names = ", ".join(p.name for p in expression.parameters)
        raise InputError(problem(f"the critical points of {expression.text!r} depend on its "
                                 f"parameters {names}, which have no values",
                                 fix=f"fix them first, e.g. parse(text, constants="
                                 f"'{expression.parameters[0].name}=1'), or make them "
                                 "variables with wrt="))
    return expression


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


# -- one call ------------------------------------------------------------------------------------

def investigate(f: Expression, box: Box | None, plan: Plan,
                then: Callable[[Work], None] | None = None) -> Work:
    """Certify, solve, merge and classify: the whole of ``critical_points``.

    ``then(work)`` runs after the certified search, while SymPy may still be solving in its
    worker (``extrema`` bounds f there).
    """
    components, matrix, polynomial, system_or_why = _prepared(f.expr, f.variables)
    # a polynomial system in a box: SymPy only if the certificate does not settle it
    later = plan.solve and polynomial and box is not None
    job, answer = _solver(components, matrix, f.variables, box) if plan.solve and not later \
        else (None, NOT_ASKED)
    searched = _bounds(f, box)
    if isinstance(system_or_why, str):
        work = _uncertified(f, box, plan, components, matrix, job, answer, searched,
                            system_or_why)
        if then is not None:
            then(work)
        return work
    system = system_or_why
    scale = _scale(system, searched)
    # without a box nothing is proven complete anyway: Newton's method gets a larger share
    newton = plan.newton if box is not None else 2.5 * plan.newton
    # ∇f and H in the forms interval arithmetic encloses most tightly, for the proof only:
    # SymPy's rewriting costs up to ~0.1 s once per function, so not on the smallest
    # budgets; its deadline, a quarter of the search's time counted from the rewriting's own
    # start (loading the compiled kernels first must not cut it short in one process and
    # not in another), is a safety valve ordinary functions never reach: answers must not
    # depend on the machine's speed
    until = plan.zeros - newton  # the search's share of the budget
    tight = search_system(system, tuple(map(tuple, searched.tolist())),
                          time.monotonic() + FORMS * until * plan.budget) \
        if plan.budget >= FORMS_BUDGET else system
    zeros = find_zeros(tight, _inflate(searched), plan.at(until), scale)
    rest = leftovers(f, components, matrix, system, zeros, searched, plan.at(plan.zeros))
    # where the proof ran out, Newton's method may still find points; not where only flat
    # or irregular boxes are left (every zero elsewhere is proven, and none is listed there)
    if not zeros.finished or len(zeros.undecided):
        found = _newton_points(f, components, system, zeros, searched, plan.at(plan.zeros),
                               plan.at(plan.zeros + plan.newton / 2))
        # a flat region is one note, never points: floats cannot tell its points apart
        rest.found += [c for c in found if not _within(c.point, zeros.flat)]
    work = Work(f, system, searched, scale, zeros, rest)
    if then is not None:
        then(work)
    certified = zeros.finished and rest.settled
    if later and not certified:
        job, answer = _solver(components, matrix, f.variables, box)
    if job is not None:  # started only where SymPy can give exact points or families
        many = len(zeros.roots) > MAX_POINTS  # too many to list: SymPy's formula says them
        answer = job.result(_exact_deadline(plan, certified and box is not None and not many,
                                            polynomial))
    merged = merge(f, components, answer, zeros, box, searched, certified, plan.at(CLASSIFY))
    extra = rest.degenerate + rest.found if merged.listing else []
    candidates = _distinct(merged.candidates + extra, rest.kinks, searched)
    points = classify_all(f, matrix, system, candidates, plan.at(CLASSIFY))
    listed = merged.listing or not len(merged.roots)
    kinds = _tally(points) if listed else _tally_roots(system, merged.roots)
    count = merged.count if not listed or merged.count is None else len(points)
    if not merged.listing and merged.count is not None:
        count = merged.count  # too many to list, and the search proved none in time
    note = _full_note(merged.note, rest, zeros, f, points, merged.complete)
    if certified:
        note = "; ".join(p for p in (note, _stray(candidates, searched)) if p)
    work.result = CriticalPoints(
        f, tuple(sorted(points, key=lambda p: p.point)), merged.complete,
        note, box, _discriminant(matrix), time.monotonic() - plan.started,
        out_of_time=job is not None and answer is None, certified=certified,
        count=count, kinds=kinds,
        undecided=rest.undecided, flat=rest.flat, nondifferentiable=tuple(rest.kinks),
        searched=tuple((float(lo), float(hi)) for lo, hi in searched))
    return work


@functools.lru_cache(maxsize=64)
def _prepared(expr: sympy.Expr, variables: tuple[sympy.Symbol, ...]):
    """What a search needs of f, derived once per function (the web and a notebook ask
    again and again): ∇f's components, H, whether ∇f is polynomial, and f, ∇f and H as
    tapes (or why they cannot be)."""
    components = tuple(sympy.diff(expr, v) for v in variables)
    matrix = sympy.ImmutableMatrix(_hessian(components, variables))
    polynomial = all(c.is_polynomial(*variables) for c in components)
    try:
        system: System | str = System(expr, components, matrix, variables)
    except Unsupported as why:
        system = str(why)
    return components, matrix, polynomial, system


def _hessian(components, variables) -> sympy.Matrix:
    """H from ∇f's components (``calculus.hessian`` would differentiate f twice again)."""
    n = len(variables)
    cells = {(i, j): sympy.diff(components[i], variables[j]) for i in range(n)
             for j in range(i, n)}
    return sympy.Matrix(n, n, lambda i, j: cells[min(i, j), max(i, j)])


def _distinct(candidates: list[Candidate], kinks, searched: np.ndarray) -> list[Candidate]:
    """Candidates without repeats, and without the kinks (∇f is not defined there)."""
    tol = 4 * POINT_LIKE * (searched[:, 1] - searched[:, 0])
    kept = [c for c in candidates if c.certified]  # proven zeros are distinct: disjoint boxes
    taken = [np.array(k.point) for k in kinks] + [c.point for c in kept]
    for c in sorted((c for c in candidates if not c.certified), key=lambda c: c.exact is None):
        near = tol if c.radius is None else np.maximum(tol, 2 * c.radius)
        if taken and np.any(np.all(np.abs(np.array(taken) - c.point) <= near, axis=1)):
            continue
        taken.append(c.point)
        kept.append(c)
    return kept


def _newton_points(f, components, system: System, zeros: Zeros, searched,
                   deadline: float, exact_until: float) -> list[Candidate]:
    """Multi-start Newton (``boxes``) for zeros the certified search did not reach in time.

    A point counts only when Krawczyk's test proves it the one zero of ∇f in a tiny box
    around it (so nothing is invented; a degenerate or non-isolated zero is left out), and
    that box meets no proven root's. Exact coordinates are looked for until ``exact_until``.
    """
    from gradwise.critical.boxes import NumericFunction, halton, newton
    from gradwise.critical.certify import krawczyk, refine
    from gradwise.critical.listing import identify_many

    fn = NumericFunction(lambda X: system.value.floats(X)[:, 0], system.gradient.floats,
                         system.hessian_at)
    # start where zeros may be: the smallest undecided boxes (the deepest the search went),
    # and some evenly spread points
    left = zeros.undecided[np.argsort(np.prod(zeros.undecided[..., 1] - zeros.undecided[..., 0],
                                              axis=1))[:600]]
    spread = searched[:, 0] + halton(400, len(searched)) * (searched[:, 1] - searched[:, 0])
    # 40 steps: Newton's method converges quadratically to the zeros Krawczyk's test can
    # prove (H regular there); one still moving after 40 is wandering, or creeping towards a
    # degenerate zero that no tiny box would prove
    found, converged = newton(fn, np.vstack([left.mean(axis=2), spread]), searched, deadline,
                              iterations=40)
    found = found[converged & np.all((found >= searched[:, 0]) & (found <= searched[:, 1]), 1)]
    found = found[~meeting(np.stack([found, found], axis=-1), zeros.roots, 1e-9)]  # known
    if not len(found):
        return []
    radius = 1e-7 * (1 + np.abs(found))
    with np.errstate(all="ignore"):
        status, boxes = krawczyk(system, np.stack([found - radius, found + radius], axis=-1))
    new = _apart(refine(system, boxes[status == 1], rounds=8), zeros.roots)
    shown = centres(new)
    candidates = []
    for box, point, exact in zip(new, shown, identify_many(components, f.variables, shown,
                                                           exact_until)):
        point = point if exact is None else np.array([float(c) for c in exact])
        candidates.append(Candidate(point, exact, box))
    return candidates


def _apart(boxes: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """The boxes that meet none of ``roots`` nor an earlier one of themselves: each holds a
    zero not counted yet. All at once: one box at a time against 20,000 roots took seconds
    past the budget (``cos(1000x) cos(1000y)`` in [−1, 1]²)."""
    boxes = boxes[~meeting(boxes, roots)]  # a thousand at most: all pairs of them at once
    crossing = np.triu(touching(boxes, boxes), 1)  # [i, j]: i < j, and the two meet
    kept = np.ones(len(boxes), dtype=bool)
    for j in np.flatnonzero(crossing.any(axis=0)):  # of boxes that meet, the first stays
        kept[j] = not (crossing[:j, j] & kept[:j]).any()
    return boxes[kept]


def _within(point: np.ndarray, boxes: np.ndarray) -> bool:
    return bool(len(boxes)) and bool(np.any(np.all((boxes[..., 0] <= point)
                                                   & (point <= boxes[..., 1]), axis=1)))


def _stray(candidates: list[Candidate], searched: np.ndarray) -> str:
    """Exact points inside the box where the certified search proved no zero: say so."""
    from gradwise.critical.merge import inside

    stray = [c for c in candidates if not c.certified and c.radius is None
             and inside(c.point[None], searched)[0]]
    return (f"{len(stray)} exact point(s) lie where the interval search proved no zero (on "
            "the box's faces, or where ∇f is not defined)") if stray else ""


def _exact_deadline(plan: Plan, proven: bool, polynomial: bool) -> float:
    """How long to wait for SymPy. Once the box is proven (and its points few enough to
    list: else a periodic family's formula is the answer), exact coordinates are a nicety:
    simple ones are recovered from the proven points anyway (``listing.identify``), so a
    Gröbner basis gets no extra wait; a periodic family's formula, a little."""
    if not proven:
        return plan.at(SOLVE)
    return time.monotonic() + 0.05 if polynomial else plan.at(EXACT_NICETY)


def _solver(components, matrix, variables, box):
    """(a job in the worker, or an answer at once, or neither) for ∇f = 0 exactly."""
    if not any(e.free_symbols for e in matrix):
        return None, solve_gradient(components, variables)  # linear: at once
    # SymPy's general solve only guesses, often for minutes: with a box, the certificate wins
    if _solvable(tuple(components), tuple(variables)) or box is None:
        return start_job(components, variables, general=box is None), None
    return None, NOT_ASKED


@functools.lru_cache(maxsize=64)
def _solvable(components: tuple, variables: tuple) -> bool:
    """Whether ∇f = 0 is a system SymPy solves well: polynomial (or rational), or separable
    without x + a·sin(x) = 0 kinds of equation."""
    polynomial = all(c.is_polynomial(*variables) or sympy.fraction(sympy.together(c))[0]
                     .is_polynomial(*variables) for c in components)
    return polynomial or all(c.free_symbols <= {v} and not _transcendental_equation(c, v)
                             for c, v in zip(components, variables))


def _transcendental_equation(c: sympy.Expr, v: sympy.Symbol) -> bool:
    """x + a·sin(x) = 0 and its kin: a power of v beside a function of v has no closed form."""
    terms = sympy.Add.make_args(sympy.expand(c))
    algebraic = any(t.has(v) and t.is_polynomial(v) for t in terms)
    return algebraic and any(t.has(v) and not t.is_polynomial(v) for t in terms)


def _bounds(f: Expression, box: Box | None) -> np.ndarray:
    if box is None:
        return np.array([DEFAULT_BOX] * len(f.variables), dtype=float)
    return np.array([[float(lo), float(hi)] for lo, hi in box.values()])


def _inflate(box: np.ndarray) -> np.ndarray:
    width = box[:, 1] - box[:, 0]
    return box + np.stack([-INFLATE * width, INFLATE * width], axis=1)


def _scale(system: System, box: np.ndarray) -> float:
    """The size of f over the box, for the flat test: the median |f| at 257 evenly spread
    points; where that is 0 (an exponential that underflows over most of the box, as
    Easom's), the bound of |f| over the whole box from interval arithmetic."""
    points = box[:, 0] + halton(256, len(box)) * (box[:, 1] - box[:, 0])
    values = np.abs(system.value.floats(np.vstack([points, box.mean(axis=1)])))
    finite = values[np.isfinite(values)]
    middle = float(np.median(finite)) if len(finite) else 0.0
    if middle > 0:
        return middle
    lo, hi, _ = system.value_enclosure(box[None, :, 0], box[None, :, 1])
    bound = max(abs(float(lo[0])), abs(float(hi[0])))
    return bound if np.isfinite(bound) else float(finite.max()) if len(finite) else 0.0


def _full_note(note: str, rest: Leftovers, zeros: Zeros, f: Expression, points,
               proven: bool = False) -> str:
    from gradwise.critical.text import hull_text, leftovers_text

    extra = leftovers_text(rest, zeros.finished, f.names, proven, zeros.crowded)
    if rest.flat is not None and points:
        extra += "; " + hull_text([p.point for p in points], f.names)
    return "; ".join(part for part in (note, extra) if part)


def _tally(points) -> dict[str, int]:
    counts: dict[str, int] = {}
    for p in points:
        counts[p.kind] = counts.get(p.kind, 0) + 1
    return counts


def _tally_roots(system: System, roots: np.ndarray) -> dict[str, int]:
    from gradwise.critical.definite import hessian_signs

    kinds = hessian_signs(system, roots).kinds
    return {k: kinds.count(k) for k in dict.fromkeys(kinds)}


@functools.lru_cache(maxsize=64)
def _discriminant(matrix: sympy.Matrix) -> sympy.Expr | None:
    """D = f_xx·f_yy − f_xy², expanded where that is cheap (Goldstein–Price's takes seconds)."""
    from gradwise.critical.classify import discriminant

    if matrix.shape != (2, 2):
        return None
    if sum(sympy.count_ops(e) for e in matrix) > 60:
        return matrix[0, 0] * matrix[1, 1] - matrix[0, 1] ** 2
    return discriminant(matrix)


def _uncertified(f, box, plan, components, matrix, job, answer, searched, why) -> Work:
    """No interval evaluation for some part of f: multi-start Newton, uncertified."""
    from gradwise.critical.boxes import NumericFunction, numeric_function, search_box
    from gradwise.critical.listing import identify

    fn: NumericFunction = numeric_function(f, components, matrix)
    found = list(search_box(fn, searched, plan.at(plan.zeros)))
    if job is not None:
        answer = job.result(plan.at(SOLVE))
    nothing = Zeros(np.empty((0, len(f.variables), 2)))
    merged = merge(f, components, answer, nothing, box, searched, False)
    extra = [Candidate(x, identify(components, f.variables, x)) for x in found
             if not any(np.allclose(x, c.point, rtol=1e-6, atol=1e-9) for c in merged.candidates)]
    points = classify_all(f, matrix, None, merged.candidates + extra, plan.at(CLASSIFY))
    where = "in the box" if box is not None else "in " + ", ".join(
        f"{n} ∈ [{lo:g}, {hi:g}]" for n, (lo, hi) in zip(f.names, searched))
    note = "; ".join(p for p in (merged.note, f"not certified ({why}); found numerically "
                                 f"{where} by Newton's method")
                     if p)
    result = CriticalPoints(f, tuple(sorted(points, key=lambda p: p.point)),
                            merged.complete and not extra, note, box, _discriminant(matrix),
                            time.monotonic() - plan.started, out_of_time=job is not None and
                            answer is None, kinds=_tally(points),
                            searched=tuple((float(a), float(b)) for a, b in searched))
    return Work(f, None, searched, 0.0, None, Leftovers(), result,
                np.array([p.point for p in points]).reshape(len(points), len(f.variables)))


# -- one point -------------------------------------------------------------------------------------

def classify_point(f: Expression | str, point: Mapping[str, Any] | Any,
                   tol: float = 1e-6) -> CriticalPoint:
    """Classify a point already known to be critical (e.g. where a descent stopped).

    Args:
        f: the function.
        point: ``{"x": 1, "y": 2}`` or coordinates in variable order; exact numbers
            (ints, fractions, SymPy) are classified exactly.
        tol: the largest |∇f| accepted as zero.

    Returns:
        The :class:`CriticalPoint`, with its kind and the test that decided it.

    Raises:
        InputError: |∇f| at the point exceeds ``tol`` (use ``nearest_critical_point``).

    Example:
        >>> classify_point("x^4 + y^4", [0, 0]).kind
        'minimum'
        >>> classify_point("x^2 - y^2", [0, 0]).reason
        'D = −4 < 0'
    """
    expression = as_expression(f)
    values = _coordinates(expression, point)
    size = float(sympy.sqrt(sum(c**2 for c in gradient(expression).at(values).exact)).evalf(17))
    if size > tol:
        raise InputError(f"{_point_text(values)} is not a critical point of {expression.text!r}: "
                         f"|∇f| = {size:.3g} > tol = {tol:g}. Fix: use nearest_critical_point to "
                         "find the one near it")
    exact = all(isinstance(v, sympy.Rational) for v in values)
    candidate = Candidate(np.array([float(v) for v in values]), tuple(values) if exact else None)
    return classify(expression, hessian(expression).matrix, candidate, None)


def nearest_critical_point(f: Expression | str, point: Mapping[str, Any] | Any,
                           radius: float = 1.0) -> CriticalPoint | None:
    """The critical point nearest ``point`` within ``radius`` (in each coordinate), or None.

    Made for a descent that stopped: ``nearest_critical_point(f, result.point)`` names the
    point it reached and its kind. It is the same answer as ``critical_points`` gives for a
    box around the point: the same certified search, the same classification.

    Args:
        f: the function.
        point: ``{"x": 1, "y": 2}`` or coordinates in variable order.
        radius: half the side of the box searched around ``point``, in each coordinate.

    Returns:
        The nearest :class:`CriticalPoint` (or kink) in the box, or None where it holds none.

    Raises:
        InputError: ``radius`` is not positive, or the point misses a variable.

    Example:
        >>> p = nearest_critical_point("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [2.9, 2.1])
        >>> p.coordinates, p.kind, p.certified
        ('(3, 2)', 'minimum', True)
        >>> nearest_critical_point("x^2", [5]) is None
        True
    """
    expression = _with_variables(f)
    start = np.array([float(v) for v in _coordinates(expression, point)])
    if not radius > 0:
        raise InputError(f"radius must be positive; received {radius!r}")
    # at least a few thousand floats wide: around −1e308, c ± 0.01 is c (a box of no width)
    reach = np.maximum(radius, 2.0**-40 * np.abs(start))
    box = {n: (sympy.Float(c - r, 17), sympy.Float(c + r, 17))
           for n, c, r in zip(expression.names, start, reach)}
    try:
        for name, (low, high) in box.items():
            check_range(name, low, high)
    except InputError:
        return None  # past ±1e300 no search takes a box: its steps overflow floats
    found = investigate(expression, box, Plan(time.monotonic(), 2.0, solve=False)).result
    assert found is not None
    points = list(found.points) + list(found.nondifferentiable)
    if not points:
        return None
    return min(points, key=lambda p: float(np.max(np.abs(np.array(p.point) - start))))


def _coordinates(f: Expression, point: Mapping[str, Any] | Any) -> list[sympy.Expr]:
    from gradwise.calculus.gradients import resolve_point

    if not isinstance(point, Mapping | str):
        point = [float(p) if isinstance(p, np.floating) else p for p in point]
    values = resolve_point(f, point)
    return [values[v] for v in f.variables]


def _point_text(values) -> str:
    return "(" + ", ".join(str(v) for v in values) + ")"
