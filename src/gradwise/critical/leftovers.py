"""The boxes the certified search could not decide, turned into what a reader can use.

Flat boxes become one region (``regions.Region``) with an upper bound of |f| there. Small
clusters of irregular boxes (∇f jumps or is undefined somewhere in each) become
non-differentiable points, their kind decided by the first-derivative test (one variable)
or by sampling; small clusters of undecided boxes
become degenerate critical points when ∇f vanishes there at 50 digits (``regions.Verifier``).
Everything else stays undecided, counted and located.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from gradwise.critical.certify import Zeros
from gradwise.critical.classify import first_derivative_test, one_sided_limit
from gradwise.critical.listing import Candidate, identify_in, simple_number
from gradwise.critical.points import CriticalPoint
from gradwise.critical.regions import POINT_LIKE, Region, Verifier, clusters, kink_kind, region
from gradwise.language.expressions import Expression
from gradwise.language.notation import show
from gradwise.language.numbers import float_text
from gradwise.numeric.tapes import System

__all__ = ["Leftovers", "leftovers"]


@dataclass
class Leftovers:
    """What the undecided boxes amount to."""

    flat: Region | None = None
    undecided: Region | None = None
    kinks: list[CriticalPoint] = field(default_factory=list)
    degenerate: list[Candidate] = field(default_factory=list)
    found: list[Candidate] = field(default_factory=list)  # by Newton's method, not proven
    notes: list[str] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        """Nothing is left open: no flat region, no undecided box, no unproven point."""
        return self.flat is None and self.undecided is None and not self.degenerate


def leftovers(f: Expression, components, matrix, system: System, zeros: Zeros,
              searched: np.ndarray, deadline: float) -> Leftovers:
    """Flat region, kinks, degenerate points and undecided boxes, from the search's leftovers."""
    found = Leftovers()
    width = searched[:, 1] - searched[:, 0]
    if len(zeros.flat):  # one region, never a list of points: floats cannot tell them apart
        lo, hi, _ = system.value_enclosure(zeros.flat[..., 0], zeros.flat[..., 1])
        largest = float(np.max(np.maximum(np.abs(lo), np.abs(hi))))
        found.flat = region(zeros.flat, searched, largest)
    open_boxes: list[np.ndarray] = []
    for group in clusters(zeros.irregular):
        boxes = zeros.irregular[group]
        if _point_like(boxes, width) and time.monotonic() < deadline:
            _irregular_point(f, system, components, boxes, width, found)
        else:
            open_boxes.append(boxes)
    if any(not _point_like(boxes, width) for boxes in open_boxes):
        found.notes.append("∇f jumps or is undefined along a curve or surface through the box, "
                           "not at isolated points (a kink such as |x + y|'s, or a pole): "
                           "what lies on it is not proven")
    check = Verifier(system)
    undecided = _unexplained(f, components, check, zeros.undecided, width, deadline, found)
    if len(undecided):
        open_boxes.append(undecided)
    if open_boxes:
        found.undecided = region(np.concatenate(open_boxes), searched)
    return found


def _unexplained(f, components, check, boxes, width, deadline, found) -> np.ndarray:
    """The boxes left after tiny clusters around degenerate critical points are taken out."""
    rest = []
    for group in clusters(boxes):
        candidate = _degenerate(f, components, check, boxes[group], width, deadline)
        if candidate is not None:
            found.degenerate.append(candidate)
        else:
            rest.append(boxes[group])
    return np.concatenate(rest) if rest else boxes[:0]


def _point_like(boxes: np.ndarray, width: np.ndarray, share: float = POINT_LIKE) -> bool:
    extent = boxes[..., 1].max(axis=0) - boxes[..., 0].min(axis=0)
    return bool(np.all(extent <= share * width))


def _centre(boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    low, high = boxes[..., 0].min(axis=0), boxes[..., 1].max(axis=0)
    return (low + high) / 2, (high - low) / 2


def _degenerate(f, components, check, boxes, width, deadline) -> Candidate | None:
    """A tiny cluster holding a critical point whose H is singular, or None.

    The point is an exact one inside the cluster where SymPy finds ∇f exactly 0, or else
    its centre, where ∇f must vanish at 50 digits (``Verifier``).
    """
    if not _point_like(boxes, width) or time.monotonic() > deadline:
        return None
    point, radius = _centre(boxes)
    exact = identify_in(components, f.variables, point - radius, point + radius)
    if exact is None and (time.monotonic() > deadline or not check(point, radius)):
        return None
    if exact is not None:
        point = np.array([float(c) for c in exact])
    return Candidate(point, exact, radius=radius)


def _irregular_point(f, system, components, boxes, width, found: Leftovers) -> None:
    """A tiny cluster where ∇f is irregular: a pole or domain edge (a note), a kink (a
    non-differentiable point), or a critical point where only H jumps (x·|x| at 0)."""
    point, radius = _centre(boxes)
    exact = _identify_kink(point)
    if exact is not None:
        point = np.array([float(c) for c in exact])

    def value(X: np.ndarray) -> np.ndarray:
        return system.value.floats(X)[:, 0]

    here = float(value(point[None])[0])
    if not np.isfinite(here):
        where = "(" + ", ".join(float_text(c) for c in point) + ")"
        found.notes.append(f"f is not defined at {where} (a pole, or the edge of its domain)")
        return
    if _gradient_vanishes(system, point, width):
        found.degenerate.append(Candidate(point, exact, radius=radius))
        return
    sides = _one_sided(system, point, radius, width, exact)
    kind, how = sides if sides is not None else kink_kind(value, point, width)
    found.kinks.append(CriticalPoint(
        f.names, tuple(float(c) for c in point), exact, here, kind, (),  # type: ignore[arg-type]
        "f is not differentiable here (∇f jumps), so the second-derivative test does not "
        "apply", how))


def _gradient_vanishes(system: System, point: np.ndarray, width: np.ndarray) -> bool:
    """Whether ∇f tends to 0 at the point from every side (then f is differentiable there)."""
    n = len(point)
    steps = np.vstack([np.eye(n), -np.eye(n)])
    sizes = []
    for h in (1e-5, 1e-7):
        with np.errstate(all="ignore"):
            g = system.gradient.floats(point + h * width * steps)
        sizes.append(float(np.max(np.abs(g))) if np.all(np.isfinite(g)) else np.inf)
    # shrinks with the distance: continuous, 0 (not where ∇f is undefined on a side: the
    # edge of f's domain, where ∞ ≤ 0.05·∞ once made y = 1 a critical point of acos(y)²)
    return bool(sizes[1] <= 0.05 * sizes[0] < np.inf)


def _one_sided(system: System, point: np.ndarray, radius: np.ndarray, width: np.ndarray,
               exact) -> tuple[str, str] | None:
    """In one variable, the first-derivative test: the signs of f′ just left and right of
    the kink (past the cluster's radius), the one-sided derivatives f′(a±) as shown."""
    if len(point) != 1:
        return None
    near = max(8 * float(radius[0]), 1e-9 * float(width[0]))
    steps = np.array([[-10 * near], [10 * near], [-near], [near]])
    with np.errstate(all="ignore"):
        far_l, far_r, left, right = system.gradient.floats(point + steps)[:, 0]
    if np.sign(far_l) != np.sign(left) or np.sign(far_r) != np.sign(right):
        return None  # f′ changes sign again next to the point: sample instead
    at = show(exact[0]) if exact is not None else float_text(point[0])
    limits = (one_sided_limit(far_l, left, 0.1), one_sided_limit(far_r, right, 0.1))
    return first_derivative_test(at, (float(left), float(right)), limits)


def _identify_kink(point: np.ndarray):
    """Simple exact coordinates (fractions, of π) for a kink point, when they round to it."""
    guess = [simple_number(float(c)) for c in point]
    return None if any(g is None for g in guess) else tuple(guess)
