"""The work done on one chunk of rows, the same in every engine (and on every Dask worker).

A chunk is a run of consecutive rows: chunk k holds rows [k·R, (k + 1)·R) of the data, in
file order, for the engine's ``chunk_rows`` R (the last chunk may be shorter). Every engine
cuts the data this way, so the three ways of training perform the same arithmetic:

* full batch: each chunk gives its sums (n, Σc, Σ∂c/∂w, Σ∂c/∂b) = n × the kernel's means;
  the sums add up over chunks and one step uses C = Σc / N, ∇C = Σ∇c / N;
* mini-batch: the rows of chunk k in epoch e are shuffled by ``default_rng([seed, e, k])``
  and cut into batches of ``batch_size`` (the chunk's last batch may be shorter). Batches
  never cross a chunk boundary, and chunks are visited in order, so the sequence of updates
  depends only on the data, the seed, ``chunk_rows`` and ``batch_size``;
* standardisation: each chunk gives its moments (n, mean, M2), merged by Chan et al.'s
  parallel rule, and the features are used as (x − mean) / std.

Everything here is a pure function of its arguments and picklable, so Dask can rerun it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gradwise.kernel import cost_and_gradient


@dataclass(frozen=True)
class Job:
    """What a chunk needs to know besides its rows.

    Attributes:
        activation: φ, a name or a SymPy expression of z.
        backend: the kernel's back end (``auto``, ``numba`` or ``numpy``).
        mean: feature means to subtract, shape (d,), or ``None``.
        scale: feature standard deviations to divide by, shape (d,), or ``None``.
        optimizer: an (init, update) pair (``gradwise.descent``'s protocol); mini-batch only.
        rate: η_k as a function of the step number k; mini-batch only.
        batch_size: rows per mini-batch; mini-batch only.
        seed: the seed of the row order; mini-batch only.
    """

    activation: Any = "sigmoid"
    backend: str = "auto"
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    optimizer: Any = None
    rate: Any = None
    batch_size: int = 0
    seed: int = 0

    def features(self, X: np.ndarray) -> np.ndarray:
        """X itself, or (X − mean) / scale when standardising (a chunk-sized copy)."""
        if self.mean is None or self.scale is None:
            return X
        return (X - self.mean) / self.scale


@dataclass(frozen=True)
class Sums:
    """Sums over rows of the per-row cost c and its gradient: n, Σc, Σ∂c/∂w (d,), Σ∂c/∂b."""

    rows: int
    cost: float
    grad_weights: np.ndarray
    grad_bias: float

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.rows + other.rows, self.cost + other.cost,
                    self.grad_weights + other.grad_weights, self.grad_bias + other.grad_bias)


@dataclass(frozen=True)
class Moments:
    """Row count, mean (d,) and M2 = Σ(x − mean)² (d,) of the features."""

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

    def scale(self) -> np.ndarray:
        """Population standard deviations; a constant column gets 1 so it stays finite."""
        std = np.sqrt(self.m2 / self.rows)
        return np.where(std > 0, std, 1.0)


@dataclass(frozen=True)
class Walk:
    """The state of mini-batch descent, carried from chunk to chunk.

    Attributes:
        weights: w, shape (d,).
        bias: b.
        state: the optimizer's state.
        step: updates made so far (k in η_k).
        cost: Σ over this epoch's batches of batch cost × batch rows.
        rows: rows seen this epoch.
        diverged: whether a cost or parameter stopped being finite.
    """

    weights: np.ndarray
    bias: float
    state: Any
    step: int = 0
    cost: float = 0.0
    rows: int = 0
    diverged: bool = False


def moments(X: np.ndarray) -> Moments:
    """The moments of one chunk."""
    mean = X.mean(axis=0)
    return Moments(X.shape[0], mean, ((X - mean) ** 2).sum(axis=0))


def chunk_sums(X: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float, job: Job) -> Sums:
    """The full-batch sums of one chunk: its row count times the kernel's means."""
    n = X.shape[0]
    cost, grad_w, grad_b = cost_and_gradient(job.features(X), y, weights, bias, job.activation,
                                             backend=job.backend)  # type: ignore[arg-type]
    return Sums(n, float(cost) * n, grad_w.astype(np.float64) * n, float(grad_b) * n)


def run_chunk(X: np.ndarray, y: np.ndarray, walk: Walk, job: Job, epoch: int, chunk: int) -> Walk:
    """Run the mini-batch updates of chunk ``chunk`` in epoch ``epoch``, starting from ``walk``.

    Each batch makes one update w ← w + Δ, with Δ from ``job.optimizer.update`` of the batch's
    mean gradient (Δ = −η_k ∇C for plain gradient descent).
    """
    if walk.diverged:
        return walk
    X = job.features(X)
    order = np.random.default_rng([job.seed, epoch, chunk]).permutation(X.shape[0])
    for lo in range(0, X.shape[0], job.batch_size):
        rows = order[lo : lo + job.batch_size]
        walk = _batch_step(X[rows], y[rows], walk, job)
        if walk.diverged:
            break
    return walk


def _batch_step(X: np.ndarray, y: np.ndarray, walk: Walk, job: Job) -> Walk:
    cost, grad_w, grad_b = cost_and_gradient(X, y, walk.weights, walk.bias, job.activation,
                                             backend=job.backend)  # type: ignore[arg-type]
    return update(walk, Sums(len(y), float(cost) * len(y), grad_w * len(y), float(grad_b) * len(y)),
                  job)


def update(walk: Walk, sums: Sums, job: Job) -> Walk:
    """One step from the sums over a batch: ∇C = Σ∇c / n, w ← w + Δ with Δ from the optimizer.

    For plain gradient descent Δ = −η_k ∇C, the notes' w ← w − η ∂C/∂w. The cost and rows
    are added to the walk's running totals for the epoch.
    """
    n = sums.rows
    gradient = (*(sums.grad_weights / n).tolist(), sums.grad_bias / n)
    delta, state = job.optimizer.update(gradient, walk.state, job.rate(walk.step))
    weights = walk.weights + np.asarray(delta[:-1], dtype=np.float64)
    bias = walk.bias + float(delta[-1])
    finite = bool(np.isfinite(sums.cost) and np.isfinite(weights).all() and np.isfinite(bias))
    return replace(walk, weights=weights, bias=bias, state=state, step=walk.step + 1,
                   cost=walk.cost + sums.cost, rows=walk.rows + n, diverged=not finite)
