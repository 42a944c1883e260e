"""Every zero of ∇f in a box, with a proof: interval Newton (Krawczyk) and bisection.

Each sub-box X of the box is, in turn,

* **excluded** when the enclosure of some ∂f/∂xᵢ over X does not contain 0, or its
  mean-value form ∂f/∂xᵢ(m) + Σⱼ H(X)ᵢⱼ(Xⱼ − mⱼ) does not;
* **proven to hold exactly one zero** when the Krawczyk operator
  K(X) = m − Y·∇f(m) + (I − Y·H(X))(X − m), with m the centre of X, H(X) an enclosure of
  the Hessian over X and Y ≈ H(m)⁻¹, lies inside X's interior (Krawczyk 1969, Moore 1977);
  K(X) ∩ X = ∅ excludes X, and otherwise X shrinks to K(X) ∩ X;
* set aside as **flat** when f varies over X by less than 2⁻⁵² of its size on the box
  (underflow, plateaus: no float can tell its points apart);
* set aside as **irregular** when ∇f is not continuous or not defined somewhere in X
  (the kinks of |·| and relu, poles), once X is small;
* otherwise bisected along its widest side (relative to the box), twice where K(X) came out
  more than ``SPREAD`` times as wide as X (far too wide a box for the test: the round on its
  halves would be wasted), until it is smaller than ``2⁻³⁶`` of the box: then it stays
  **undecided** (a degenerate zero, where H is singular, cannot be proven unique), as does
  everything left when the deadline comes.

All arithmetic is outward-rounded (``gradwise.numeric.intervals``), so "excluded" and
"exactly one" are proofs, not estimates. A separable ∇f (∂f/∂xᵢ depends on xᵢ alone) is
searched one variable at a time: its zeros are the product of the variables' zeros.

Example:
    >>> import sympy, time
    >>> from gradwise.numeric.tapes import System
    >>> x, y = sympy.symbols("x y", real=True)
    >>> f = x**3 - 3*x + y**2
    >>> g = [sympy.diff(f, v) for v in (x, y)]
    >>> system = System(f, g, sympy.hessian(f, (x, y)), (x, y))
    >>> zeros = find_zeros(system, np.array([[-3.0, 3], [-3, 3]]), time.monotonic() + 10)
    >>> zeros.complete, zeros.points.round(9).tolist()
    (True, [[-1.0, 0.0], [1.0, 0.0]])
"""

from __future__ import annotations

import itertools
import time
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from gradwise.numeric import intervals as iv
from gradwise.numeric.tapes import System, compiled

__all__ = ["Zeros", "find_zeros", "krawczyk", "FLAT", "centres", "meeting", "touching"]

FLAT = 2.0**-52      # f varying by less than this share of its size is flat to working precision
SMALLEST = 2.0**-36  # of the box's width: boxes this small are not split further
CHUNK = 4096         # boxes per evaluation
MAX_BOXES = 200_000  # boxes in play at once; beyond, the rest stays undecided
FEW = 64             # halved boxes in a round below which they are cut finer at once
SPREAD = 8.0         # K(X) this many times as wide as X: X is cut in four, not two
_EMPTY = np.empty((0, 0, 2))


@dataclass(frozen=True)
class Zeros:
    """What the search proved about ∇f = 0 in the box.

    Attributes:
        roots: (R, n, 2) boxes, each proven to hold exactly one zero of ∇f, in coordinate
            order.
        undecided: boxes neither excluded nor proven (budget, or a degenerate zero).
        flat: boxes where f is flat to working precision.
        irregular: small boxes where ∇f is not continuous or not defined somewhere.
        finished: whether the search ended before its deadline (and before ``crowded``).
        examined: how many boxes were looked at.
        crowded: the search stopped with more boxes in play than it keeps
            (``MAX_BOXES``): a kink along a line or surface (|x + y|), where boxes halve
            without end, or far more zeros than any budget proves.
    """

    roots: np.ndarray
    undecided: np.ndarray = field(default_factory=lambda: _EMPTY)
    flat: np.ndarray = field(default_factory=lambda: _EMPTY)
    irregular: np.ndarray = field(default_factory=lambda: _EMPTY)
    finished: bool = True
    examined: int = 0
    crowded: bool = False

    @property
    def points(self) -> np.ndarray:
        """The root boxes' :func:`centres`, (R, n): each within its tiny box of a true zero."""
        return centres(self.roots)

    @property
    def complete(self) -> bool:
        """Every zero in the box is one of ``roots``, proven."""
        return self.finished and not (len(self.undecided) or len(self.flat)
                                      or len(self.irregular))


def centres(boxes: np.ndarray) -> np.ndarray:
    """A point of each box (N, n, 2) to show: its centre, with 0 for a coordinate whose
    range holds 0 (a zero proven in [−1e−30, 5e−30] reads 0, not 2e−30).

    Example:
        >>> centres(np.array([[[1.0, 3.0], [-1e-30, 5e-30]]])).tolist()
        [[2.0, 0.0]]
    """
    middle = boxes.mean(axis=2)
    return np.where((boxes[..., 0] <= 0) & (boxes[..., 1] >= 0), 0.0, middle)


def meeting(a: np.ndarray, b: np.ndarray, pad: float = 0.0) -> np.ndarray:
    """Whether each box of ``a`` (A, n, 2) has a point in common with some box of ``b``
    (B, n, 2), each of ``b``'s widened by ``pad`` on every side: (A,) booleans.

    A sweep along the first axis: ``b`` sorted by its low ends, each box of ``a`` tested only
    against those whose range along that axis can reach it (the few much wider than the
    rest against all), so 1,000 boxes against 100,000 proven roots take milliseconds.

    Example:
        >>> roots = np.array([[[0.0, 1.0], [0.0, 1.0]], [[5.0, 6.0], [5.0, 6.0]]])
        >>> meeting(np.array([[[0.5, 0.5], [2.0, 2.0]], [[6.0, 7.0], [6.0, 7.0]]]), roots).tolist()
        [False, True]
    """
    hit = np.zeros(len(a), dtype=bool)
    if not len(a) or not len(b):
        return hit
    lo, hi = b[..., 0] - pad, b[..., 1] + pad
    reach = hi[:, 0] - lo[:, 0]
    wide = ~(reach <= 16 * np.median(reach))  # NaN counts as wide: it is tested against all
    spread = np.flatnonzero(wide)
    for start in range(0, len(spread), 256):
        chunk = spread[start:start + 256]
        hit |= touching(a, np.stack([lo[chunk], hi[chunk]], axis=-1)).any(axis=1)
    narrow = np.flatnonzero(~wide)
    order = narrow[np.argsort(lo[narrow, 0], kind="stable")]
    starts = lo[order, 0]
    first = np.searchsorted(starts, a[:, 0, 0] - reach[narrow].max(initial=0.0), "left")
    last = np.searchsorted(starts, a[:, 0, 1], "right")
    counts = np.maximum(last - first, 0)
    ends = np.cumsum(counts)
    done = 0
    while done < len(a):  # in batches of about a million pairs
        stop = max(done + 1, int(np.searchsorted(ends, ends[done] - counts[done] + 2**20)))
        rows = np.repeat(np.arange(done, stop), counts[done:stop])
        step = np.arange(len(rows)) - np.repeat(ends[done:stop] - counts[done:stop]
                                                - (ends[done] - counts[done]), counts[done:stop])
        cols = order[first[rows] + step]
        ok = np.all((a[rows, :, 0] <= hi[cols]) & (lo[cols] <= a[rows, :, 1]), axis=1)
        hit[rows[ok]] = True
        done = stop
    return hit


def touching(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(a), len(b)): whether box a[i] and box b[j] have a point in common (every pair:
    for a few hundred boxes; :func:`meeting` for many).

    Example:
        >>> touching(np.array([[[0.0, 1.0]]]), np.array([[[1.0, 2.0]], [[3.0, 4.0]]])).tolist()
        [[True, False]]
    """
    return np.all((a[:, None, :, 0] <= b[None, :, :, 1]) & (b[None, :, :, 0] <= a[:, None, :, 1]),
                  axis=2)


def find_zeros(system: System, box: np.ndarray, deadline: float, scale: float = 0.0) -> Zeros:
    """All zeros of ∇f in ``box`` (shape (n, 2)), each proven, or what is left undecided.

    Args:
        system: f, ∇f and H as tapes.
        box: low and high per variable.
        deadline: on the ``time.monotonic()`` clock.
        scale: the size of f over the box (e.g. max |f| at sample points), for the flat test.
    """
    if system.n > 1 and system.separable():
        zeros = _separable_zeros(system, box, deadline, scale)
        if zeros is not None:
            return zeros
    return _Search(system, box, scale).run(deadline)


class _Search:
    def __init__(self, system: System, box: np.ndarray, scale: float) -> None:
        self.system, self.box = system, np.asarray(box, dtype=float)
        self.width = self.box[:, 1] - self.box[:, 0]
        self.smallest = np.maximum(SMALLEST * self.width,
                                   2.0**-44 * np.abs(self.box).max(axis=1))
        self.flat_tol = FLAT * scale
        self.found: dict[str, list[np.ndarray]] = {k: [] for k in (
            "roots", "undecided", "flat", "irregular")}
        self.examined = 0
        self.aside = 0
        self.counted: dict[str, int] = {}

    def run(self, deadline: float) -> Zeros:
        queue = deque([self.box[None]])
        in_play = 1
        crowded = False
        while queue and time.monotonic() < deadline:
            boxes = _take(queue)
            in_play -= len(boxes)
            self.examined += len(boxes)
            with np.errstate(all="ignore"):  # infinite bounds meet; NaN is never trusted
                parts = self._step(boxes)
            for part in parts:
                if not len(part):
                    continue
                if in_play + len(part) > MAX_BOXES:
                    self.found["undecided"].append(part)
                    continue
                queue.extend(np.array_split(part, -(-len(part) // CHUNK)))
                in_play += len(part)
            # as many boxes set aside as the search keeps in play: it stops (a kink along a
            # surface, |x + y − z|, halves boxes without end: 4.5 GB of them in 30 s)
            crowded = self._aside() > MAX_BOXES
            if crowded:
                break
        for boxes in queue:
            self.found["undecided"].append(boxes)
        roots = refine(self.system, _stack(self.found["roots"], self.box))
        roots = roots[np.lexsort(roots.mean(axis=2).T[::-1])]  # in coordinate order
        return Zeros(roots, _stack(self.found["undecided"], self.box),
                     _stack(self.found["flat"], self.box),
                     _stack(self.found["irregular"], self.box),
                     finished=not queue and not crowded, examined=self.examined,
                     crowded=crowded)

    def _aside(self) -> int:
        """How many boxes are undecided, irregular or flat so far (counted once each)."""
        for kind in ("undecided", "irregular", "flat"):
            parts = self.found[kind]
            seen = self.counted.get(kind, 0)
            self.aside += sum(len(p) for p in parts[seen:])
            self.counted[kind] = len(parts)
        return self.aside

    def _step(self, boxes: np.ndarray) -> list[np.ndarray]:
        """One round on a batch, compiled (``numeric._numba_intervals.zero_step``): each box
        excluded, proven, set aside, or left (contracted or halved) for the next round; in
        NumPy (:meth:`_step_numpy`, the same decisions) until the kernels are compiled."""
        if not len(boxes):
            return []
        if not compiled():
            return self._step_numpy(boxes)
        from gradwise.numeric import _numba_intervals as kernel

        code, lo, hi, spread = kernel.zero_step(
            self.system.gradient._encoded, self.system.both._encoded,
            self.system.both.emitted[self.system.n - 1],
            np.ascontiguousarray(boxes[..., 0]), np.ascontiguousarray(boxes[..., 1]),
            self.width, self.smallest, self.flat_tol)
        out = np.stack([lo, hi], axis=-1)  # (N, 2, n, 2)
        for kind, c in (("roots", kernel.ROOT), ("flat", kernel.FLAT),
                        ("irregular", kernel.IRREGULAR), ("undecided", kernel.UNDECIDED)):
            self.found[kind].append(out[code == c, 0])
        halved = code == kernel.HALVED
        halves = _cut(out[halved, 0], out[halved, 1], spread[halved], self.width)
        return [out[code == kernel.AGAIN, 0], halves]

    def _step_numpy(self, boxes: np.ndarray) -> list[np.ndarray]:
        lo, hi = boxes[..., 0], boxes[..., 1]
        glo, ghi, flags = self.system.gradient_enclosure(lo, hi)
        keep = np.all((glo <= 0) & (ghi >= 0), axis=1) & ~flags.undefined
        boxes, glo, ghi, irregular = boxes[keep], glo[keep], ghi[keep], flags.irregular[keep]
        widths = boxes[..., 1] - boxes[..., 0]
        variation = np.sum(widths * np.maximum(-glo, ghi), axis=1)
        # a tiny box is flat trivially: only boxes above 2⁻²⁰ of the box can be called flat
        flat = ((variation <= self.flat_tol) & ~irregular
                & np.any(widths >= 2.0**-20 * self.width, axis=1))
        self.found["flat"].append(boxes[flat])
        boxes, irregular = boxes[~flat], irregular[~flat]
        return self._set_aside(boxes[irregular], "irregular") + self._newton(boxes[~irregular])

    def _newton(self, boxes: np.ndarray) -> list[np.ndarray]:
        if not len(boxes):
            return []
        status, contracted, spread = _krawczyk_numpy(self.system, boxes)
        self.found["roots"].append(contracted[status == 1])
        rest, before = contracted[status == 0], boxes[status == 0]
        shrunk = _relative(rest, self.width) <= 0.5 * _relative(before, self.width)
        return [rest[shrunk], *self._set_aside(rest[~shrunk], "undecided",
                                               spread[status == 0][~shrunk])]

    def _set_aside(self, boxes: np.ndarray, kind: str,
                   spread: np.ndarray | None = None) -> list[np.ndarray]:
        """Boxes of ``kind`` that are small enough are kept as such; the rest are halved (in
        four where Krawczyk's K(X) was ``SPREAD`` times as wide as X)."""
        small = np.all(boxes[..., 1] - boxes[..., 0] <= self.smallest, axis=1)
        self.found[kind].append(boxes[small])
        if not (~small).any():
            return []
        halves = bisect(boxes[~small], self.width)
        spread = np.zeros(len(boxes)) if spread is None else spread
        k = len(halves) // 2
        return [_cut(halves[:k], halves[k:], spread[~small], self.width)]


def _cut(left: np.ndarray, right: np.ndarray, spread: np.ndarray,
         width: np.ndarray) -> np.ndarray:
    """The halves of the boxes halved in a round, each halved again where Krawczyk's K(X) was
    more than ``SPREAD`` times as wide as X (X is far too wide for the test: the round that
    would test its halves is skipped), and all cut finer while there are fewer than ``FEW``
    (a round costs ~0.1 ms, whatever its size)."""
    far = spread > SPREAD
    halves = np.concatenate([left[~far], right[~far],
                             bisect(np.concatenate([left[far], right[far]]), width)])
    while 0 < len(halves) < FEW:
        halves = bisect(halves, width)
    return halves


def _take(queue: deque) -> np.ndarray:
    """The newest boxes, up to ``CHUNK`` of them: depth first, so zeros are proven early,
    in batches large enough for NumPy to pay."""
    parts = [queue.pop()]
    count = len(parts[0])
    while queue and count + len(queue[-1]) <= CHUNK:
        parts.append(queue.pop())
        count += len(parts[-1])
    return parts[0] if len(parts) == 1 else np.concatenate(parts)


def krawczyk(system: System, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One Krawczyk step on N boxes (N, n, 2), compiled (``numeric._numba_intervals``).

    Returns:
        status per box (1: exactly one zero, proven; −1: no zero; 0: not decided) and
        the boxes intersected with K(X) (unchanged where K could not be formed).
    """
    boxes = np.asarray(boxes, dtype=float)
    if not len(boxes):
        return np.zeros(0, dtype=np.int64), boxes.copy()
    if not compiled():
        return krawczyk_numpy(system, boxes)
    from gradwise.numeric._numba_intervals import krawczyk as step

    status, new_lo, new_hi = step(system.gradient._encoded, system.hessian._encoded,
                                  np.ascontiguousarray(boxes[..., 0]),
                                  np.ascontiguousarray(boxes[..., 1]))
    return status, np.stack([new_lo, new_hi], axis=-1)


def krawczyk_numpy(system: System, boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`krawczyk` in NumPy, all boxes at once: the reference the compiled step is
    tested against."""
    status, contracted, _ = _krawczyk_numpy(system, boxes)
    return status, contracted


def _krawczyk_numpy(system: System, boxes: np.ndarray):
    """:func:`krawczyk_numpy`, and how many times as wide as X K(X) is (0 where not formed)."""
    lo, hi = boxes[..., 0], boxes[..., 1]
    m = np.clip((lo + hi) / 2, lo, hi)
    glo, ghi, gflags = system.gradient_enclosure(m, m)
    Jlo, Jhi, hflags = system.hessian_enclosure(lo, hi)
    usable = (np.isfinite(glo).all(1) & np.isfinite(ghi).all(1) & np.isfinite(Jlo).all((1, 2))
              & np.isfinite(Jhi).all((1, 2)) & ~gflags.irregular & ~hflags.irregular)
    excluded = usable & _mean_value_excludes((glo, ghi), (Jlo, Jhi), (lo, hi), m)
    usable &= ~excluded
    with np.errstate(all="ignore"):
        Y, invertible = _inverse((Jlo + Jhi) / 2, usable)
    usable &= invertible
    K = _operator(Y, m, (glo, ghi), (Jlo, Jhi), (lo, hi))
    inside = np.all((K[0] > lo) & (K[1] < hi), axis=1) & usable
    disjoint = np.any((K[0] > hi) | (K[1] < lo), axis=1) & usable
    new_lo = np.where(usable[:, None], np.maximum(lo, K[0]), lo)
    new_hi = np.where(usable[:, None], np.minimum(hi, K[1]), hi)
    status = np.where(inside, 1, np.where(disjoint | excluded, -1, 0))
    with np.errstate(all="ignore"):
        ratio = np.where(hi > lo, (K[1] - K[0]) / (hi - lo), 0.0)
    spread = np.where(usable, np.max(ratio, axis=1), 0.0)
    return status, np.stack([new_lo, np.maximum(new_lo, new_hi)], axis=-1), spread


def _mean_value_excludes(g, J, X, m) -> np.ndarray:
    """Whether ∇f(X) ⊆ ∇f(m) + H(X)(X − m) (the mean-value form) has a component without 0:
    then X holds no zero. Tighter than ∇f's own enclosure once boxes are small (the wide
    enclosure of a degree-8 polynomial such as Goldstein–Price's), and free: Krawczyk's
    test has ∇f(m) and H(X) already."""
    n = m.shape[1]
    gamma = (n + 4) * 2.0**-52  # bounds the rounding of the (n + 1)-term sums
    gc, gr = _midrad(*g)
    Jc, Jr = _midrad(*J)
    dc, dr = _midrad(*iv.sub(X, (m, m)))
    with np.errstate(all="ignore"):
        c = gc + np.einsum("kij,kj->ki", Jc, dc)
        r = (gr + np.einsum("kij,kj->ki", np.abs(Jc), dr)
             + np.einsum("kij,kj->ki", Jr, np.abs(dc) + dr))
        size = np.abs(gc) + np.einsum("kij,kj->ki", np.abs(Jc), np.abs(dc))
        r = (r + gamma * size) * (1 + gamma)
    low, high = iv.outward(c - r, c + r)
    return np.any((low > 0) | (high < 0), axis=1)


def _inverse(M: np.ndarray, usable: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Y ≈ M⁻¹ where M is usable and well conditioned (the identity elsewhere), and where.

    The condition number comes from the singular values, which scale; LU does not, so a
    matrix of subnormal numbers (H of 10⁻³⁰⁰ x² ...) can be well conditioned and still
    "singular" to ``np.linalg.inv``: those are inverted one by one, and any that fails is
    not used, as in the compiled twin."""
    eye = np.eye(M.shape[1])
    M = np.where(usable[:, None, None], M, eye)
    with np.errstate(all="ignore"):
        ok = usable & (np.linalg.cond(M) < 1e14)
    M[~ok] = eye
    try:
        return np.linalg.inv(M), ok
    except np.linalg.LinAlgError:
        Y = np.empty_like(M)
        for k, matrix in enumerate(M):
            try:
                Y[k] = np.linalg.inv(matrix)
            except np.linalg.LinAlgError:
                Y[k], ok[k] = eye, False
        return Y, ok


def _midrad(lo, hi):
    """An interval as centre ± radius, the radius rounded up so that it still encloses."""
    with np.errstate(all="ignore"):
        c = (lo + hi) / 2
        r = np.maximum(hi - c, c - lo) * (1 + 2.0**-50) + iv.TINY
    return c, r


def _operator(Y, m, g, J, X):
    """K(X) = m − Y·g(m) + (I − Y·J(X))(X − m), in centre–radius form with error bounds."""
    n = m.shape[1]
    gamma = (n + 4) * 2.0**-52  # bounds the rounding of an n-term dot product
    absY = np.abs(Y)
    gc, gr = _midrad(*g)
    Jc, Jr = _midrad(*J)
    d = _midrad(*iv.sub(X, (m, m)))
    with np.errstate(all="ignore"):
        Yg = np.einsum("kij,kj->ki", Y, gc)
        Yg_r = (np.einsum("kij,kj->ki", absY, gr + gamma * np.abs(gc))) * (1 + gamma)
        C = np.eye(n) - np.einsum("kij,kjl->kil", Y, Jc)
        R = (np.einsum("kij,kjl->kil", absY, Jr + gamma * np.abs(Jc)) + gamma * np.abs(C))
        R *= 1 + gamma
        Md = np.einsum("kij,kj->ki", C, d[0])
        Md_r = (np.einsum("kij,kj->ki", np.abs(C), d[1] + gamma * np.abs(d[0]))
                + np.einsum("kij,kj->ki", R, np.abs(d[0]) + d[1])) * (1 + gamma)
        centre = m - Yg + Md
        radius = (Yg_r + Md_r + gamma * (np.abs(m) + np.abs(Yg) + np.abs(Md))) * (1 + gamma)
    return iv.outward(centre - radius, centre + radius)


def refine(system: System, roots: np.ndarray, rounds: int = 40) -> np.ndarray:
    """Shrink proven root boxes with more Krawczyk steps: each stays a box around its zero.

    Compiled, Newton's method in floats goes first (``numeric._numba_intervals.polish``): a
    tiny box around where it ends, proven by Krawczyk's test inside the wide one, holds the
    same zero; the steps below are for the boxes where that fails.
    Where the steps stall (H varies a lot over a wide box, as 1/x³ does), Newton's method
    in floats from the centre finds the zero, and Krawczyk's test on a tiny box around it,
    inside the proven one, takes its place: one zero in the wide box, one in the tiny box
    within it, so the same zero.
    """
    roots = roots.copy()
    active = np.arange(len(roots))
    if compiled() and len(roots):  # Newton in floats, then one test on a tiny box: most end here
        from gradwise.numeric import _numba_intervals as kernel

        both = system.both
        status, tiny_lo, tiny_hi = kernel.polish(
            system.gradient._encoded, both._encoded, both._constants,
            np.ascontiguousarray(roots[..., 0]), np.ascontiguousarray(roots[..., 1]), 8)
        roots = np.stack([tiny_lo, tiny_hi], axis=-1)
        active = np.flatnonzero(status != 1)
    for _ in range(rounds):
        if not len(active):
            break
        with np.errstate(all="ignore"):
            _, smaller = krawczyk(system, roots[active])
        before = np.max(roots[active, :, 1] - roots[active, :, 0], axis=1)
        after = np.max(smaller[..., 1] - smaller[..., 0], axis=1)
        roots[active] = smaller
        # until it stops shrinking, or is down to a few ulps of its centre
        floor = 1e-14 * (1 + np.max(np.abs(smaller), axis=(1, 2)))
        active = active[(after < before) & (after > floor)]
    wide = np.flatnonzero(np.max(roots[..., 1] - roots[..., 0], axis=1)
                          > 1e-9 * (1 + np.max(np.abs(roots), axis=(1, 2))))
    if len(wide):
        roots[wide] = _pinned(system, roots[wide])
    return roots


def _pinned(system: System, boxes: np.ndarray) -> np.ndarray:
    """Tiny proven boxes around the zeros of wide ones, where Newton and Krawczyk agree."""
    x = boxes.mean(axis=2)
    with np.errstate(all="ignore"):
        for _ in range(30):
            H, g = system.hessian_at(x), system.gradient.floats(x)
            usable = np.isfinite(H).all(axis=(1, 2)) & np.isfinite(g).all(axis=1)
            H[~usable], g[~usable] = np.eye(x.shape[1]), 0.0
            step = np.einsum("kij,kj->ki", np.linalg.pinv(H), g)  # pinv: singular H is fine
            x = np.clip(x - step, boxes[..., 0], boxes[..., 1])
        radius = 1e-10 * (1 + np.abs(x))
        tiny = np.stack([np.maximum(x - radius, boxes[..., 0]),
                         np.minimum(x + radius, boxes[..., 1])], axis=-1)
        status, proven = krawczyk(system, tiny)
    ok = (status == 1)[:, None, None] & np.isfinite(proven)
    return np.where(ok, proven, boxes)


def bisect(boxes: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Each box halved across its widest side, relative to ``width``: (2N, n, 2)."""
    k = np.argmax((boxes[..., 1] - boxes[..., 0]) / width, axis=1)
    rows = np.arange(len(boxes))
    # off centre, so that symmetric zeros (0, ±π, ...) do not fall on the cut, where no
    # box would hold them inside its interior
    middle = boxes[rows, k, 0] + iv.SPLIT * (boxes[rows, k, 1] - boxes[rows, k, 0])
    left, right = boxes.copy(), boxes.copy()
    left[rows, k, 1] = middle
    right[rows, k, 0] = middle
    return np.concatenate([left, right])


def _relative(boxes: np.ndarray, width: np.ndarray) -> np.ndarray:
    return np.max((boxes[..., 1] - boxes[..., 0]) / width, axis=1)


def _stack(parts: list[np.ndarray], box: np.ndarray) -> np.ndarray:
    parts = [p for p in parts if len(p)]
    return np.concatenate(parts) if parts else np.empty((0, len(box), 2))


# -- separable gradients: one variable at a time ----------------------------------------------

def _separable_zeros(system: System, box, deadline, scale) -> Zeros | None:
    """The product of each variable's proven zeros; None when a variable is not decided."""
    factors = []
    for i in range(system.n):
        zeros = _Search(system.factor(i), box[i:i + 1], scale).run(deadline)
        if not zeros.complete:
            return None
        factors.append(zeros.roots[:, 0, :])
    count = int(np.prod([len(f) for f in factors]))
    if count > MAX_BOXES:
        return None
    roots = np.array([np.stack(p) for p in itertools.product(*factors)]).reshape(count,
                                                                             system.n, 2)
    empty = np.empty((0, system.n, 2))
    return Zeros(roots, empty, empty, empty, examined=count)
