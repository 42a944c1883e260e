"""Feature standardisation, x' = (x − offset) / scale, and the exact map of (w, b) across it.

Gradient descent's stable learning rates depend on the features' scale
(gd on C is stable iff 0 < η < 2/λ_max(H), and H grows with XᵀX/N), and large raw features
push a sigmoid into saturation, where its gradient vanishes. Training on standardised
features makes one η work across data sets. The map is affine, so a neuron on x' is exactly a
neuron on x: w = w'/scale, b = b' − Σ w'·offset/scale, and :class:`Scaling` converts both ways.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Scaling:
    """Per-column offset and scale; a constant column keeps scale 1 (it cannot be divided).

    Example:
        >>> s = Scaling.of(np.array([[1.0, 5.0], [3.0, 5.0]]))
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
    def of(cls, X: np.ndarray, center: bool = True) -> Scaling:
        """Mean and standard deviation of each column (without ``center``: offset 0)."""
        rows = max(1, (1 << 19) // max(X.shape[1], 1))  # blocks: temporaries stay ~4 MB
        return cls.of_chunks((X[lo : lo + rows] for lo in range(0, len(X), rows)), center)

    @classmethod
    def of_chunks(cls, chunks: Iterable[np.ndarray], center: bool = True) -> Scaling:
        """As :meth:`of`, over chunks read one at a time (Chan's pairwise update of M₂)."""
        n, mean, m2 = 0, np.zeros(0), np.zeros(0)
        for X in chunks:
            k, chunk_mean = len(X), X.mean(axis=0)
            chunk_m2 = ((X - chunk_mean) ** 2).sum(axis=0)
            if n == 0:
                n, mean, m2 = k, chunk_mean, chunk_m2
                continue
            shift = chunk_mean - mean
            mean = mean + shift * k / (n + k)
            m2 = m2 + chunk_m2 + shift**2 * n * k / (n + k)
            n += k
        std = np.sqrt(m2 / n)
        offset = mean if center else np.zeros_like(mean)
        scale = std if center else np.sqrt(std**2 + mean**2)  # root mean square
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
