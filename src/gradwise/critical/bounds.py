"""The global minimum (or maximum) of f over a box, with an interval certificate.

Branch and bound on f itself, so the answer never depends on a list of critical points
(which may be long, capped, or cut short by the budget): the best value found so far, U,
is f at a point of the box (candidates: critical points, corners, box centres, polished by
a few Newton steps); a sub-box X is discarded when a lower bound of f over X is at least
U − ε, and otherwise halved. Two lower bounds are used, the better one kept: the natural
interval extension of f, and the mean-value form f(m) + ∇f(X)·(X − m). A sub-box where
some ∂f/∂xᵢ has one sign holds no minimum inside: it is discarded, or reduced to its face
on the box's boundary (the monotonicity test).

When every sub-box is discarded, no point of the box has f < U − ε: the minimum is
certified to lie in [U − ε, U] (tighter: the smallest lower bound met). When the budget
runs out first, the minimum lies between the smallest lower bound of the boxes left and U.

Example:
    >>> import sympy, time
    >>> from gradwise.numeric.tapes import System
    >>> x = sympy.Symbol("x", real=True)
    >>> f = x**4 - 3*x**2 + x
    >>> system = System(f, [sympy.diff(f, x)], sympy.Matrix([[sympy.diff(f, x, 2)]]), (x,))
    >>> low = global_bound(system, np.array([[-2.0, 2.0]]), np.empty((0, 1)),
    ...                    time.monotonic() + 10, 1e-9)
    >>> low.certified, round(float(low.point[0]), 6), round(low.value, 6)
    (True, -1.30084, -3.513905)
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradwise.critical.certify import CHUNK, FEW, MAX_BOXES, bisect
from gradwise.numeric.tapes import System

__all__ = ["Bound", "global_bound", "bound_by_faces", "corners", "faces", "face_centres"]


@dataclass(frozen=True)
class Bound:
    """Where f is least (or greatest) over the box, and how sure that is.

    Attributes:
        point: where f takes ``value``.
        value: f at ``point``.
        bound: (low, high): the true minimum (maximum) over the box lies in this interval.
        certified: whether every sub-box was settled: then no point of the box has
            f < value − tolerance (f > value + tolerance for a maximum).
        tolerance: ε.
    """

    point: np.ndarray
    value: float
    bound: tuple[float, float]
    certified: bool
    tolerance: float


def global_bound(system: System, box: np.ndarray, candidates: np.ndarray, deadline: float,
                 tolerance: float, sense: int = 1, incumbent: Any = None) -> Bound:
    """The global minimum (``sense=1``) or maximum (``sense=-1``) of f over ``box``.

    Args:
        system: f, ∇f and H as tapes.
        box: (n, 2) low and high per variable.
        candidates: (k, n) points of the box worth trying first (critical points, ...).
        deadline: on the ``time.monotonic()`` clock.
        tolerance: ε, in f's units.
        sense: 1 for the minimum, −1 for the maximum.
        incumbent: (point, bound, value) of a better point found elsewhere (``sense``·f
            units): only what beats it needs settling.
    """
    search = _Search(system, np.asarray(box, dtype=float), sense, max(tolerance, 1e-300))
    if incumbent is not None:
        search.point, search.best, search.value = incumbent
    search.offer(np.vstack([candidates.reshape(-1, len(box)), corners(search.box),
                            face_centres(search.box)]))
    return search.run(deadline)


class _Search:
    def __init__(self, system: System, box: np.ndarray, sense: int, tolerance: float):
        self.system, self.box, self.sense, self.eps = system, box, sense, tolerance
        self.width = np.where(box[:, 1] > box[:, 0], box[:, 1] - box[:, 0], 1.0)
        self.best = np.inf          # U: an upper bound of sense·f at self.point
        self.value = np.nan
        self.point = box.mean(axis=1)
        self.floor = np.inf          # the least lower bound of the boxes discarded

    def run(self, deadline: float, start: np.ndarray | None = None) -> Bound:
        """Branch and bound over the box, or over the sub-boxes ``start`` (k, n, 2) of it."""
        # each queued chunk carries a lower bound of sense·f over it (its parents'), so that
        # what is left when the deadline comes needs no more evaluation: the budget holds
        boxes = self.box[None] if start is None else start
        queue: list[tuple[np.ndarray, float]] = [
            (part, -np.inf) for part in np.array_split(boxes, max(1, -(-len(boxes) // CHUNK)))]
        while queue and time.monotonic() < deadline:
            boxes, _ = queue.pop()
            with np.errstate(all="ignore"):
                kept, lower = self._step(boxes)
            floor = float(np.min(lower)) if len(lower) else np.inf
            if len(kept) and sum(len(b) for b, _ in queue) + 2 * len(kept) <= MAX_BOXES:
                halves = bisect(kept, self.width)
                for _ in range(3):  # few wide boxes: cut in up to 16, fewer rounds (~0.2 ms each)
                    wide = np.max((halves[..., 1] - halves[..., 0]) / self.width) >= 2.0**-6
                    if len(halves) >= FEW or not wide:
                        break
                    halves = bisect(halves, self.width)
                queue.extend((part, floor) for part in
                             np.array_split(halves, -(-len(halves) // CHUNK)))
            elif len(kept):
                queue.append((kept, floor))
                break
        left = np.concatenate([b for b, _ in queue]) if queue else \
            np.empty((0, len(self.box), 2))
        if not len(left):
            low = min(self.floor, self.best - self.eps)
        elif len(left) <= CHUNK:  # one evaluation: a tighter bound for little time
            with np.errstate(all="ignore"):
                low = min(self.floor, float(np.min(self._lower(left)[0])))
        else:
            low = min([self.floor] + [floor for _, floor in queue])
        low = min(low, self.best)
        bound = (low, self.best) if self.sense > 0 else (-self.best, -low)
        return Bound(self.point, float(self.value), bound, not len(left), self.eps)

    def _step(self, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The boxes that may still beat the incumbent, and a lower bound over each."""
        lower, G = self._lower(boxes)
        self.offer(boxes.mean(axis=2))
        done = lower >= self.best - self.eps
        if done.any():
            self.floor = min(self.floor, float(np.min(lower[done])))
        boxes, G = boxes[~done], (G[0][~done], G[1][~done])
        return self._monotone(boxes, G, lower[~done])

    def _lower(self, boxes: np.ndarray):
        """A lower bound of sense·f over each box, and the enclosure of sense·∇f."""
        lo, hi = boxes[..., 0], boxes[..., 1]
        m = (lo + hi) / 2
        flo, fhi, defined = self.system.value_enclosure(lo, hi)
        natural = flo if self.sense > 0 else -fhi
        at_m = self._values(m, m)[0]
        glo, ghi, flags = self.system.gradient_enclosure(lo, hi)
        if self.sense < 0:
            glo, ghi = -ghi, -glo
        with np.errstate(all="ignore"):
            reach = np.minimum(glo * (lo - m), ghi * (hi - m))  # the least of g·(x − m)
            reach = np.minimum(reach, np.minimum(glo * (hi - m), ghi * (lo - m)))
            mean_value = at_m + np.sum(np.where(np.isnan(reach), -np.inf, reach), axis=1)
            mean_value = mean_value - np.abs(mean_value) * 2.0**-48 - 1e-300
        mean_value = np.where(flags.irregular | np.isnan(mean_value), -np.inf, mean_value)
        lower = np.maximum(np.where(np.isnan(natural), -np.inf, natural), mean_value)
        lower = np.where(defined.undefined, np.inf, lower)  # no point of f's domain in there
        return lower, (np.where(flags.irregular[:, None], -np.inf, glo),
                       np.where(flags.irregular[:, None], np.inf, ghi))

    def _values(self, lo: np.ndarray, hi: np.ndarray):
        flo, fhi, _ = self.system.value_enclosure(lo, hi)
        return (flo, fhi) if self.sense > 0 else (-fhi, -flo)

    def _monotone(self, boxes: np.ndarray, G,
                  lower: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Where sense·f rises (falls) along xᵢ, only the low (high) face can hold a minimum."""
        glo, ghi = G
        fixed = boxes[..., 1] <= boxes[..., 0]  # a face's own variable: f cannot move along it
        at_low = (boxes[..., 0] <= self.box[:, 0]) | fixed
        at_high = (boxes[..., 1] >= self.box[:, 1]) | fixed
        rising, falling = glo > 0, ghi < 0
        inside = np.any((rising & ~at_low) | (falling & ~at_high), axis=1)
        boxes = boxes[~inside].copy()
        rising, falling = rising[~inside], falling[~inside]
        boxes[..., 1] = np.where(rising, boxes[..., 0], boxes[..., 1])
        boxes[..., 0] = np.where(falling, boxes[..., 1], boxes[..., 0])
        return boxes, lower[~inside]

    def offer(self, points: np.ndarray) -> None:
        """Try points of the box: the best becomes the incumbent, then is polished."""
        if not len(points):
            return
        points = np.clip(points, self.box[:, 0], self.box[:, 1])
        upper = self._upper(points)
        k = int(np.argmin(upper))
        if upper[k] < self.best:
            self._accept(points[k], upper[k])
            self._polish(points[k])

    def _upper(self, points: np.ndarray) -> np.ndarray:
        """A rigorous upper bound of sense·f at each point; ∞ where f is not defined there
        (log(x) at x ≤ 0 is not a value of f), judged by its float value."""
        flo, fhi, _ = self.system.value_enclosure(points, points)
        upper = fhi if self.sense > 0 else -flo
        defined = np.isfinite(self.system.value.floats(points)[:, 0])
        return np.where(np.isnan(upper) | ~defined, np.inf, upper)

    def _accept(self, point: np.ndarray, upper: float) -> None:
        self.value = float(self.system.value.floats(point[None])[0, 0])
        if upper - self.sense * self.value > self.eps / 4:  # the floats' slack is in the way
            from gradwise.numeric.tapes_precise import enclose_at

            tight = enclose_at(self.system.value, point.tolist())
            if tight is not None:
                upper = min(upper, tight[1] if self.sense > 0 else -tight[0])
        self.best, self.point = float(upper), point

    def _polish(self, x: np.ndarray, steps: int = 12) -> None:
        """Projected Newton steps on sense·f from x, kept while the value goes down."""
        for _ in range(steps):
            g = self.sense * self.system.gradient.floats(x[None])[0]
            H = self.sense * self.system.hessian_at(x[None])[0]
            free = ~(((x <= self.box[:, 0]) & (g > 0)) | ((x >= self.box[:, 1]) & (g < 0)))
            step = _newton_step(g, H, free)
            if step is None:
                return
            trial = np.clip(x - step, self.box[:, 0], self.box[:, 1])
            upper = float(self._upper(trial[None])[0])
            if not upper < self.best:
                return
            self._accept(trial, upper)
            x = trial


def _newton_step(g: np.ndarray, H: np.ndarray, free: np.ndarray) -> np.ndarray | None:
    """A Newton step on the free coordinates where H is positive definite there, else none."""
    step = np.zeros_like(g)
    if not free.any() or not np.all(np.isfinite(g)) or not np.all(np.isfinite(H)):
        return None
    sub = H[np.ix_(free, free)]
    try:
        if np.linalg.eigvalsh(sub)[0] <= 0:
            return None
        step[free] = np.linalg.solve(sub, g[free])
    except np.linalg.LinAlgError:
        return None
    return step


def faces(box: np.ndarray) -> np.ndarray:
    """The box's 2n faces as boxes (2n, n, 2), each with no width in its own variable."""
    n = len(box)
    out = np.repeat(box[None], 2 * n, axis=0)
    for k, (i, side) in enumerate(itertools.product(range(n), (0, 1))):
        out[k, i] = box[i, side]
    return out


def face_centres(box: np.ndarray) -> np.ndarray:
    """The centre of each face of the box (2n points): where a round domain's edge often
    touches it (√(1 − x² − y²) is 0 at (1, 0), a point no off-centre cut would reach)."""
    return faces(box).mean(axis=2)


def corners(box: np.ndarray) -> np.ndarray:
    """Every corner of the box (none beyond 12 variables)."""
    if len(box) > 12:  # 4,096 corners is plenty; beyond, the search finds them
        return np.empty((0, len(box)))
    return np.array(list(itertools.product(*box.tolist())), dtype=float)


def bound_by_faces(system: System, box: np.ndarray, interior: np.ndarray,
                   candidates: np.ndarray, deadline: float, tolerance: float,
                   sense: int = 1, rough: np.ndarray | None = None) -> Bound:
    """The global minimum (maximum) when every interior critical point is already known.

    An interior minimiser of a differentiable f is a zero of ∇f; where f is not
    differentiable, it lies in one of the search's irregular boxes. So when the certified
    search left nothing open, ``interior`` (those tiny boxes: proven roots and kinks) holds
    every interior candidate, and only the box's faces need branch and bound, one dimension
    down: for the 441 points of Rastrigin's function, four edges.

    Args:
        interior: (k, n, 2) the proven root boxes and the irregular boxes, in ``box``.
        candidates: (k, n) points of the box to try (the roots' centres, kinks).
        rough: the irregular boxes among ``interior`` (all of them, if not given): their
            centres and ends are tried too (a proven root's box is ~10⁻¹⁴ wide around its
            centre, which ``candidates`` holds already).
    """
    inside = _Search(system, box, sense, max(tolerance, 1e-300))
    # an irregular box's centre may lie outside f's domain (x^(π/4) is real for x ≥ 0 only,
    # and the box around its edge 0 is centred at −5e−12): its ends are tried too
    rough = interior if rough is None else rough
    inside.offer(np.vstack([candidates, rough.mean(axis=2), rough[..., 0], rough[..., 1]]))
    # the faces together, in one branch and bound sharing the incumbent (a face's variable
    # stays fixed: its boxes have no width there); the interior's boxes get the last share
    start = time.monotonic()
    n = len(box)
    on_faces = inside.run(start + (deadline - start) * 2 * n / (2 * n + 1), faces(box))
    faces_low = on_faces.bound[0] if sense > 0 else -on_faces.bound[1]
    # the interior candidates that may still beat the best value: a kink, or the edge of
    # f's domain, is an extreme point without being a zero of ∇f, so its tiny box is
    # searched in turn, not only bounded
    lower = _interior_lower(system, interior, sense)
    open_ = interior[lower < inside.best - tolerance] if len(interior) else interior
    settled = True
    if len(open_):
        inner = inside.run(deadline, open_)
        settled = inner.certified
        inner_low = inner.bound[0] if sense > 0 else -inner.bound[1]
        lower = np.array([inner_low, *lower[lower >= inside.best - tolerance]])
    low = min(float(np.min(lower)) if len(lower) else np.inf, faces_low, inside.best)
    bound = (low, inside.best) if sense > 0 else (-inside.best, -low)
    # low ≥ U − ε as computed (U − (U − ε) may round to a hair above ε)
    certified = on_faces.certified and settled and low >= inside.best - tolerance
    return Bound(np.asarray(inside.point), float(inside.value), bound, certified, tolerance)


def _interior_lower(system: System, interior: np.ndarray, sense: int) -> np.ndarray:
    """A lower bound of sense·f over each interior box (∞ where f is defined nowhere in it)."""
    if not len(interior):
        return np.empty(0)
    with np.errstate(all="ignore"):
        lo, hi, flags = system.value_enclosure(interior[..., 0], interior[..., 1])
    values = lo if sense > 0 else -hi
    return np.where(flags.undefined, np.inf, np.where(np.isnan(values), -np.inf, values))
