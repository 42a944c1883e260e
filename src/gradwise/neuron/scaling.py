"""Feature standardisation, x' = (x − offset) / scale, and the exact map of (w, b) across it.

Gradient descent's stable learning rates depend on the features' scale
(gd on C is stable iff 0 < η < 2/λ_max(H), and H grows with XᵀX/N), and large raw features
push a sigmoid into saturation, where its gradient vanishes. Training on standardised
features makes one η work across data sets. The map is affine, so a neuron on x' is exactly a
neuron on x: w = w'/scale, b = b' − Σ w'·offset/scale, and :class:`Scaling` converts both ways.

The statistics come from :class:`Moments` of chunks of rows, merged pairwise, so every
training engine (one process, a file streamed, Dask workers) computes them the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Moments:
    """Row count, mean (d,) and M2 = Σ(x − mean)² (d,) of some rows of the features.

    Example:
        >>> m = moments(np.array([[1.0], [3.0]])) + moments(np.array([[5.0]]))
        >>> m.rows, m.mean.tolist(), m.m2.tolist()
        (3, [3.0], [8.0])
    """

    rows: int
    mean: np.ndarray
    m2: np.ndarray

    def __add__(self, other: Moments) -> Moments:
        # Chan, Golub & LeVeque: δ = mean_b − mean_a, M2 = M2_a + M2_b + δ²·n_a·n_b / n
        rows = self.rows + other.rows
        delta = other.mean - self.mean
        mean = self.mean + delta * (other.rows / rows)
        m2 = self.m2 + other.m2 + delta**2 * (self.rows * other.rows / rows)
        return Moments(rows, mean, m2)


def moments(X: np.ndarray) -> Moments:
    """The moments of one chunk of rows, X of shape (n, d) with n >= 1."""
    mean = X.mean(axis=0)
    return Moments(X.shape[0], mean, ((X - mean) ** 2).sum(axis=0))


@dataclass(frozen=True)
class Scaling:
    """Per-column offset and scale; a constant column keeps scale 1 (it cannot be divided).

    Example:
        >>> s = Scaling.of_moments(moments(np.array([[1.0, 5.0], [3.0, 5.0]])))
        >>> s.offset.tolist(), s.scale.tolist(), s.apply(np.array([[3.0, 5.0]])).tolist()
        ([2.0, 5.0], [1.0, 1.0], [[1.0, 0.0]])
    """

    offset: np.ndarray
    scale: np.ndarray

    @classmethod
    def none(cls, d: int) -> Scaling:
        """The identity map on d columns."""
        return cls(np.zeros(d), np.ones(d))

    @classmethod
    def of_moments(cls, total: Moments, center: bool = True) -> Scaling:
        """Offset = mean and scale = standard deviation; without ``center``, offset 0 and
        scale the root mean square (a neuron without b must not have its z moved)."""
        std = np.sqrt(total.m2 / total.rows)
        mean = total.mean
        offset = mean if center else np.zeros_like(mean)
        scale = std if center else np.sqrt(std**2 + mean**2)
        return cls(offset, np.where(scale > 1e-12 * (1 + np.abs(mean)), scale, 1.0))

    def apply(self, X: np.ndarray) -> np.ndarray:
        """(X − offset) / scale, a new C-ordered float64 array."""
        return np.ascontiguousarray((X - self.offset) / self.scale, dtype=np.float64)

    def to_raw(self, weights: np.ndarray, bias: float) -> tuple[np.ndarray, float]:
        """(w, b) on the raw features of the neuron with (w', b') on the scaled ones."""
        w = weights / self.scale
        return w, float(bias - w @ self.offset)

    def to_scaled(self, weights: np.ndarray, bias: float) -> tuple[np.ndarray, float]:
        """The inverse of :meth:`to_raw`."""
        return weights * self.scale, float(bias + weights @ self.offset)
