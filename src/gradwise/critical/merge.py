"""The exact answer (SymPy) and the certified one (intervals) put together, with the note.

Exact points keep their exact coordinates and take the proven box of the certified zero
they fall in; certified zeros that SymPy did not give get exact coordinates where simple
ones check exactly (``identify``). What the note says follows from what was proven:
``complete`` when the list is every critical point (in the box), by an exact solve or by
the certificate; otherwise exactly what remains.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import sympy

from gradwise.critical.certify import Zeros, centres
from gradwise.critical.listing import Candidate, identify_many
from gradwise.critical.points import Box
from gradwise.critical.symbolic import Answer
from gradwise.critical.text import MAX_POINTS, describe_curves, grid_members
from gradwise.language.expressions import Expression, exact_number
from gradwise.language.numbers import count_text

__all__ = ["Merged", "merge", "inside"]


@dataclass
class Merged:
    """Candidates to list, and what is known about them."""

    candidates: list[Candidate]
    complete: bool
    note: str
    count: int | None = None
    roots: np.ndarray = field(default_factory=lambda: np.empty((0, 0, 2)))
    listing: bool = True  # False: the points are not listed (not isolated, or too many)


def merge(f: Expression, components, answer, zeros: Zeros, box: Box | None,
          searched: np.ndarray, certified: bool, deadline: float | None = None) -> Merged:
    """Exact and certified answers as one list; ``certified``: the search left nothing open;
    past ``deadline`` the proven points keep their floats (exact coordinates are a nicety)."""
    roots = zeros.roots[inside(zeros.points, searched)] if len(zeros.roots) else zeros.roots
    if isinstance(answer, Answer) and answer.curves:
        return Merged([], False, describe_curves(answer.curves, f), listing=False)
    exact, count, formula = _exact_points(f, answer, box)
    where = "in the box" if box is not None else _default_where(f, searched)
    if len(roots) > MAX_POINTS or (count is not None and count > MAX_POINTS):
        total = len(roots) if certified else count
        return Merged([], False, _too_many(formula, total, len(roots), certified, where),
                      total, roots, listing=False)
    candidates, extra = _match(f, components, exact, roots, deadline)
    exact_complete = isinstance(answer, Answer) and answer.complete and not extra
    complete = (certified and box is not None) or exact_complete
    note = _note(answer, formula, certified, where, box, extra, exact_complete)
    total = len(candidates) if (certified or exact_complete) and box is not None else None
    return Merged(candidates, complete, note, total, roots)


def inside(points: np.ndarray, box: np.ndarray) -> np.ndarray:
    """Which points (k, n) lie in the closed box (n, 2), allowing for rounding at its faces."""
    slack = 1e-12 * (box[:, 1] - box[:, 0]) + 1e-15 * np.abs(box).max(axis=1)
    return np.all((points >= box[:, 0] - slack) & (points <= box[:, 1] + slack), axis=1)


def _exact_points(f, answer, box) -> tuple[list[tuple], int | None, str | None]:
    """SymPy's points in the box (exact), the exact count for periodic families, the formula."""
    if not isinstance(answer, Answer):
        return [], None, None
    if answer.grid is not None:
        members, count, formula = grid_members(answer.grid, f, box)
        return members or [], count, formula
    points = list(answer.points)
    if box is not None:
        points = [p for p in points if _in_box(p, box)]
    return points, (len(points) if answer.complete and box is not None else None), None


def _in_box(point, box: Box) -> bool:
    try:
        return all(bool(lo <= sympy.re(c)) and bool(sympy.re(c) <= hi)
                   for c, (lo, hi) in zip(point, box.values()))
    except TypeError:
        return False


def _match(f, components, exact, roots, deadline=None) -> tuple[list[Candidate], int]:
    """Each proven root with the exact point inside its box, else simple exact coordinates.

    Returns the candidates and how many proven roots SymPy did not give.
    """
    n = len(f.variables)
    floats = np.array([[_float(c) for c in p] for p in exact], dtype=float).reshape(len(exact), n)
    taken = np.zeros(len(exact), dtype=bool)
    candidates, lone = [], []
    for k, box in enumerate(roots):
        hits = np.empty(0, dtype=int)
        if len(exact):
            slack = 1e-9 * (1 + np.abs(box).max(axis=1))
            hits = np.flatnonzero(~taken & np.all((floats >= box[:, 0] - slack[None])
                                                  & (floats <= box[:, 1] + slack[None]), axis=1))
        if len(hits):
            taken[hits[0]] = True
            candidates.append(Candidate(floats[hits[0]], _readable(exact[hits[0]]), box))
        else:
            lone.append(k)
    shown = centres(roots[lone]) if lone else np.empty((0, n))
    simple_ones = identify_many(components, f.variables, shown, deadline)
    for k, point, simple in zip(lone, shown, simple_ones):
        point = point if simple is None else np.array([_float(c) for c in simple])
        candidates.append(Candidate(point, simple, roots[k]))
    unmatched = [p for p, t in zip(exact, taken) if not t]
    candidates += [Candidate(np.array([_float(c) for c in p]), _readable(p)) for p in unmatched]
    return sorted(candidates, key=lambda c: tuple(c.point)), len(lone)


def _readable(point) -> tuple | None:
    """Exact coordinates where they read well; a CRootOf maze is left to the floats."""
    if any(c.has(sympy.CRootOf) or len(str(c)) > 60 for c in point):
        return None
    return tuple(point)


def _note(answer, formula, certified, where, box, extra, exact_complete=False) -> str:
    parts = [formula] if formula else []
    # without a box the question is every critical point: a proof over the searched box
    # does not answer it, so SymPy's failure still counts
    searched_only = certified and box is None and not exact_complete
    if answer is False:
        pass  # not asked: with a box, SymPy's general solve would only guess
    elif answer is None and (not certified or searched_only):
        parts.append("SymPy did not finish within its share of the budget")
    elif isinstance(answer, str):
        parts.append(f"SymPy could not solve ∇f = 0 ({answer})")
    elif isinstance(answer, Answer) and answer.note and not formula:
        parts.append(answer.note)
        if answer.complete and extra:
            parts.append(f"but the interval search proved {extra} more {where}")
    if certified:
        region = "in the searched box" + where[len("in"):] if searched_only else where
        parts.append(f"proven complete {region} by interval arithmetic (Krawczyk's test: each "
                     "point is the only critical point in a tiny box around it, and the rest "
                     "of the box holds none)")
    if searched_only:
        parts.append("outside it not searched, so the list may miss critical points there; "
                     "give within= to search another box")
    if box is None and formula:
        parts.append(f"listed: those {where}; give within= to list them in another box")
    return "; ".join(parts)


def _too_many(formula, count, found, certified, where) -> str:
    head = formula + "; " if formula else ""
    if count is None:
        return f"{head}at least {found:,} {where}, too many to list (at most {MAX_POINTS:,})"
    how = " (proven by interval arithmetic)" if certified else " (exact count)"
    return (f"{head}{count_text(count)} of them {where}{how}, too many to list (at most "
            f"{MAX_POINTS:,})")


def _default_where(f: Expression, searched: np.ndarray) -> str:
    from gradwise.language.numbers import minus

    ranges = ", ".join(f"{n} ∈ [{lo:g}, {hi:g}]" for n, (lo, hi) in zip(f.names, searched))
    return minus(f"in {ranges}")


def _float(value) -> float:
    return float(sympy.re(exact_number(value).evalf(17)))
