"""What the certified search left over: flat regions, kinks, undecided boxes, in words.

The search (``certify``) returns, besides its proven zeros, boxes it could not decide. Here
they become what a reader needs: a **flat region** (one note: how much of the box, where,
and how small |f| is there), **non-differentiable points** (a tiny cluster of boxes where
∇f jumps, e.g. the kink of |x|: its kind decided by sampling f around it), candidate
**degenerate critical points** (a tiny cluster where H is singular: kept only if ∇f
vanishes there in a scale-aware sense at 50 digits, see :class:`Verifier`), and whatever
remains **undecided** (count, volume, where).

Example:
    >>> boxes = np.array([[[0, 1], [0, 1]], [[1, 2], [0, 1]], [[5, 6], [5, 6]]], float)
    >>> [len(c) for c in clusters(boxes)]
    [2, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Region", "region", "clusters", "Verifier", "kink_kind", "POINT_LIKE"]

POINT_LIKE = 2.0**-20  # a cluster narrower than this share of the box is one point
MAX_CLUSTERED = 2000   # beyond this many boxes, they are summarised as one region


@dataclass(frozen=True)
class Region:
    """Boxes set aside by the search, summarised.

    Attributes:
        count: how many boxes.
        volume: their total volume (area in two variables, length in one).
        share: their volume as a share of the box searched.
        bounds: (n, 2): the smallest box holding them all.
        largest: an upper bound of |f| over them, or None when not computed.
    """

    count: int
    volume: float
    share: float
    bounds: np.ndarray
    largest: float | None = None

    def as_dict(self, names: Sequence[str]) -> dict[str, Any]:
        return {"count": self.count, "volume": self.volume, "share": self.share,
                "within": {n: [float(lo), float(hi)] for n, (lo, hi) in
                           zip(names, self.bounds)}}


def region(boxes: np.ndarray, box: np.ndarray, largest: float | None = None) -> Region | None:
    """The summary of ``boxes`` (K, n, 2) within the searched ``box`` (n, 2); None if K = 0."""
    if not len(boxes):
        return None
    volume = float(np.sum(np.prod(boxes[..., 1] - boxes[..., 0], axis=1)))
    whole = float(np.prod(box[:, 1] - box[:, 0]))
    bounds = np.stack([boxes[..., 0].min(axis=0), boxes[..., 1].max(axis=0)], axis=1)
    share = min(1.0, volume / whole) if whole > 0 else 1.0  # a box of no volume: all of it
    return Region(len(boxes), volume, share, bounds, largest)


def clusters(boxes: np.ndarray) -> list[np.ndarray]:
    """Groups of boxes that touch or overlap (connected components), as index arrays."""
    count = len(boxes)
    if count == 0:
        return []
    if count > MAX_CLUSTERED:
        return [np.arange(count)]
    slack = 1e-12 * (1 + np.abs(boxes).max())
    touch = np.all((boxes[:, None, :, 0] <= boxes[None, :, :, 1] + slack)
                   & (boxes[None, :, :, 0] <= boxes[:, None, :, 1] + slack), axis=2)
    # breadth-first from each unlabelled box: each box joins a frontier once, so a chain of
    # boxes along a curve costs O(count²), not O(count³) as label propagation did (17 s
    # for 2,000 boxes, past any budget)
    label = np.full(count, -1)
    groups: list[np.ndarray] = []
    for start in range(count):
        if label[start] >= 0:
            continue
        label[start] = len(groups)
        frontier, members = np.array([start]), [np.array([start])]
        while len(frontier):
            frontier = np.flatnonzero(touch[frontier].any(axis=0) & (label < 0))
            label[frontier] = len(groups)
            members.append(frontier)
        groups.append(np.sort(np.concatenate(members)))
    return groups


class Verifier:
    """Whether ∇f vanishes at a point up to where the point is known, at 50 digits.

    Scale-aware: |∂f/∂xᵢ(p)| ≤ 2 Σⱼ |Hᵢⱼ(p)|·rⱼ + 10⁻⁴⁰·(1 + Σⱼ |Hᵢⱼ(p)|·|pⱼ|), i.e. a
    Newton step from p stays within the box (radius r) the point is known to lie in. An
    exponential that merely underflows in floats (e^(−9000)) is not zero at 50 digits, and
    fails. The tapes of the certified search are evaluated with mpmath
    (``gradwise.numeric.tapes_precise``).
    """

    def __init__(self, system: Any) -> None:
        self.system = system

    def __call__(self, point: np.ndarray, radius: np.ndarray) -> bool:
        from gradwise.numeric.tapes_precise import evaluate

        n = self.system.n
        try:
            g = evaluate(self.system.gradient, [float(c) for c in point])
            upper = evaluate(self.system.hessian, [float(c) for c in point])
        except (ZeroDivisionError, ValueError, OverflowError):
            return False
        H = [[upper[self.system.upper.index((min(i, j), max(i, j)))] for j in range(n)]
             for i in range(n)]
        return all(self._small(g[i], H[i], point, radius) for i in range(n))

    @staticmethod
    def _small(g, row, point, radius) -> bool:
        import mpmath

        sizes = [abs(h) for h in row]
        allowed = 2 * sum(h * float(r) for h, r in zip(sizes, radius))
        allowed += mpmath.mpf(10) ** -40 * (1 + sum(h * abs(float(c))
                                                    for h, c in zip(sizes, point)))
        return bool(abs(g) <= allowed)


def kink_kind(value, point: np.ndarray, width: np.ndarray) -> tuple[str, str]:
    """The kind of a point where f is not differentiable, by sampling f around it.

    Args:
        value: f at many points, (k, n) → (k,).
        point: the point.
        width: the box's widths (sets the radii).
    """
    n = len(point)
    directions = np.array([[1.0], [-1.0]]) if n == 1 else _circle(n)
    base = value(point[None])[0]
    signs: set[int] = set()
    for scale in (1e-3, 1e-4, 1e-5):
        with np.errstate(all="ignore"):
            change = value(point + scale * width * directions) - base
        zero = 1e-12 * (1 + abs(base))
        change = np.where(np.isnan(change), 0.0, change)
        signs = set(np.sign(np.where(np.abs(change) <= zero, 0.0, change)).astype(int).tolist())
    how = (f"f(a + h) − f(a) sampled in {len(directions)} directions for |h| down to 10⁻⁵ of "
           "the box (not a proof)")
    if {1, -1} <= signs:
        return ("inflection" if n == 1 else "saddle"), how + ": it takes both signs"
    if signs <= {0, 1} and 1 in signs:
        return "minimum", how + (": it is positive" if 0 not in signs else ": it is ≥ 0")
    if signs <= {0, -1} and -1 in signs:
        return "maximum", how + (": it is negative" if 0 not in signs else ": it is ≤ 0")
    return "degenerate", how + ": it is 0, so f is flat here"


def _circle(n: int, count: int = 64) -> np.ndarray:
    if n == 2:
        t = np.linspace(0, 2 * np.pi, count, endpoint=False)
        return np.stack([np.cos(t), np.sin(t)], axis=1)
    points = np.random.default_rng(0).standard_normal((4 * count, n))
    return points / np.linalg.norm(points, axis=1, keepdims=True)
