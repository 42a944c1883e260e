"""Numeric search for critical points in a box: multi-start Newton on ∇f = 0.

Starts are a Halton sequence (deterministic, evenly spread), all iterated at once
with NumPy: x ← x − H(x)⁺ ∇f(x), the step clipped to half the box. A point counts
when |∇f| is tiny *and* the last step was tiny (flat tails such as e^(−x²) far out
have tiny gradients but are not converged), it lies in the box, and no found point
is nearer than the deduplication radius.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import sympy

from gradwise.language.expressions import Expression
from gradwise.numeric.kernels import batch_function

__all__ = ["NumericFunction", "numeric_function", "search_box", "newton"]

_PRIMES = (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53)


@dataclass(frozen=True)
class NumericFunction:
    """f, ∇f and H as NumPy functions of a batch of points of shape (N, n)."""

    value: Callable[[np.ndarray], np.ndarray]
    gradient: Callable[[np.ndarray], np.ndarray]
    hessian: Callable[[np.ndarray], np.ndarray]


def numeric_function(f: Expression, components: Sequence[sympy.Expr],
                     matrix: sympy.Matrix) -> NumericFunction:
    """Compile f, its gradient and Hessian (built by gradwise, never user text) for NumPy."""
    n = len(f.variables)
    value, gradient = batch_function([f.expr], f.variables), batch_function(components, f.variables)
    hessian = batch_function(list(matrix), f.variables)
    return NumericFunction(lambda X: value(X)[:, 0], gradient,
                           lambda X: hessian(X).reshape(len(X), n, n))


@functools.lru_cache(maxsize=32)
def halton(count: int, dimension: int) -> np.ndarray:
    """The first ``count`` points of the Halton sequence in [0, 1)^dimension (read-only:
    kept, since every search asks for the same few)."""
    points = np.empty((count, dimension))
    for d in range(dimension):
        base = _PRIMES[d % len(_PRIMES)]
        f, r, k = 1.0, np.zeros(count), np.arange(1, count + 1)
        while k.any():  # the radical inverse of k in base, one digit of all at a time
            f /= base
            r += f * (k % base)
            k //= base
        points[:, d] = r
    points.flags.writeable = False
    return points


def newton(fn: NumericFunction, X: np.ndarray, box: np.ndarray, deadline: float,
           iterations: int = 100) -> tuple[np.ndarray, np.ndarray]:
    """Newton's method on ∇f = 0 from each row of X (N, n); returns (points, converged)."""
    width = box[:, 1] - box[:, 0]
    X = np.array(X, dtype=float)
    moving = np.ones(len(X), dtype=bool)
    last = np.full(len(X), np.inf)  # size of each point's last step, in box widths
    with np.errstate(all="ignore"):
        for _ in range(iterations):
            if not moving.any() or time.monotonic() > deadline:
                break
            index = np.flatnonzero(moving)
            step = _newton_step(fn, X[index], width)
            bad = ~np.isfinite(step).all(axis=1)
            X[index[~bad]] -= step[~bad]
            outside = np.any((X[index] < box[:, 0] - width) | (X[index] > box[:, 1] + width),
                             axis=1)
            last[index] = np.where(bad | outside, np.inf, np.max(np.abs(step) / width, axis=1))
            moving[index[bad | outside | (last[index] < 1e-15)]] = False
    return X, last < 1e-9


def _newton_step(fn: NumericFunction, X: np.ndarray, width: np.ndarray) -> np.ndarray:
    G, H = fn.gradient(X), fn.hessian(X)
    step = np.full_like(G, np.nan)
    finite = np.isfinite(G).all(axis=1) & np.isfinite(H).all(axis=(1, 2))
    # the pseudo-inverse keeps singular Hessians (x⁴ at 0) moving instead of failing
    step[finite] = np.einsum("kij,kj->ki", np.linalg.pinv(H[finite]), G[finite])
    too_far = np.max(np.abs(step) / (0.5 * width), axis=1)
    return step / np.maximum(1.0, np.nan_to_num(too_far, nan=1.0))[:, None]


def search_box(fn: NumericFunction, box: np.ndarray, deadline: float,
               starts: int | None = None) -> np.ndarray:
    """Distinct verified critical points in ``box`` (shape (n, 2): low, high per variable).

    Example:
        >>> import gradwise, time
        >>> f = gradwise.parse("x^2 - 2x")
        >>> g, h = gradwise.gradient(f), gradwise.hessian(f)
        >>> fn = numeric_function(f, g.components, h.matrix)
        >>> search_box(fn, np.array([[-5.0, 5.0]]), time.monotonic() + 5).round(9).tolist()
        [[1.0]]
    """
    n = len(box)
    width = box[:, 1] - box[:, 0]
    X0 = box[:, 0] + halton(starts or min(2000, 200 * n), n) * width
    X, converged = newton(fn, X0, box, deadline)
    with np.errstate(all="ignore"):
        scale = max(1.0, float(np.nanmedian(np.linalg.norm(fn.gradient(X0), axis=1))))
        residual = np.linalg.norm(fn.gradient(X), axis=1)
    slack = 1e-9 * width
    inside = np.all((box[:, 0] - slack <= X) & (box[:, 1] + slack >= X), axis=1)
    good = converged & inside & (residual <= 1e-8 * scale)
    order = np.argsort(residual[good], kind="stable")
    return distinct(np.clip(X[good][order], box[:, 0], box[:, 1]), width)


def distinct(points: np.ndarray, width: np.ndarray, radius: float = 1e-6) -> np.ndarray:
    """Drop points within ``radius`` box widths of one kept before them (first wins)."""
    kept: list[np.ndarray] = []
    for p in points:
        if not kept or np.min(np.max(np.abs(np.array(kept) - p) / width, axis=1)) > radius:
            kept.append(p)
    return np.array(kept).reshape(len(kept), points.shape[1])
