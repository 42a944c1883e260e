"""The work done on one chunk of rows, the same in every engine (and on every Dask worker).

A chunk is a run of consecutive rows: chunk k holds rows [k·R, (k + 1)·R) of the data, in
file order, for the engine's ``chunk_rows`` R (the last chunk may be shorter). Every engine
cuts the data this way, so the three ways of training perform the same arithmetic:

* a full pass at θ: each chunk gives its :class:`Sums` (n, Σc, Σ∇c) = n × the kernel's
  means; the sums add up over chunks, and C = Σc / N, ∇C = Σ∇c / N;
* mini-batch: the rows of chunk k in epoch e are shuffled by ``default_rng([seed, e, k])``
  (unless ``shuffle`` is off) and cut into batches of ``batch_size`` (the chunk's last batch
  may be shorter). Batches never cross a chunk boundary, and chunks are visited in order, so
  the sequence of updates depends only on the data, the seed, ``chunk_rows`` and
  ``batch_size``;
* standardisation: each chunk gives its :class:`~gradwise.neuron.scaling.Moments`, merged by Chan
  et al.'s parallel rule.

θ = (w₁, …, w_d, b). Everything here is a pure function of its arguments and picklable, so
Dask can rerun it on another worker and get the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from gradwise.descent.stopping import Status, blown
from gradwise.neuron.kernel import cost_and_gradient
from gradwise.neuron.scaling import Moments, Scaling, moments

BatchGradient = Callable[[int, int, np.ndarray], tuple[float, np.ndarray]]


@dataclass(frozen=True)
class Job:
    """What a chunk needs to know besides its rows and θ.

    Attributes:
        activation: φ, a name or a SymPy expression of z.
        cost: ``squared_error`` or ``log_loss``.
        fit_intercept: whether b is learned (else its gradient component is 0).
        scaling: the standardisation applied to each chunk's features, or ``None``.
        optimizer: the descent's (init, update) pair.
        rate: η_k as a function of the step number k.
        batch_size: rows per mini-batch (mini-batch epochs only).
        shuffle: shuffle each chunk's rows before cutting batches.
        seed: the seed of the row order.
        backend: the kernel's back end on the CPU (``auto``, ``numba`` or ``numpy``).
    """

    activation: Any
    cost: Any
    fit_intercept: bool
    scaling: Scaling | None
    optimizer: Any
    rate: Callable[[int], float]
    batch_size: int
    shuffle: bool
    seed: int
    backend: Any = "auto"

    def features(self, X: np.ndarray) -> np.ndarray:
        """X itself, or (X − offset) / scale when standardising (a chunk-sized copy)."""
        return X if self.scaling is None else self.scaling.apply(X)


@dataclass(frozen=True)
class Sums:
    """Sums over rows of the per-row cost c and its gradient: n, Σc, Σ∇c (d + 1,)."""

    rows: int
    cost: float
    gradient: np.ndarray

    def __add__(self, other: Sums) -> Sums:
        return Sums(self.rows + other.rows, self.cost + other.cost,
                    self.gradient + other.gradient)

    def means(self) -> tuple[float, np.ndarray]:
        """(C, ∇C) = (Σc / N, Σ∇c / N)."""
        return self.cost / self.rows, self.gradient / self.rows


@dataclass(frozen=True)
class Walk:
    """The state of descent, carried from chunk to chunk (and back to the loop).

    Attributes:
        theta: θ = (w₁, …, w_d, b), shape (d + 1,).
        state: the optimizer's state.
        step: updates made so far (k in η_k).
        status: ``diverged`` or ``non_finite`` when a batch stopped the walk; θ is then the
            last finite point, before that batch.
    """

    theta: np.ndarray
    state: Any
    step: int = 0
    status: Status | None = None


def cost_gradient(X: np.ndarray, y: np.ndarray, theta: np.ndarray,
                  job: Job) -> tuple[float, np.ndarray]:
    """C and ∇C = (∇w, ∂C/∂b) over these (already standardised) rows, from the one kernel."""
    cost, grad_w, grad_b = cost_and_gradient(X, y, theta[:-1], float(theta[-1]), job.activation,
                                             backend=job.backend, cost=job.cost)
    # without an intercept b is a constant, not a variable: its component is 0, so it stays put
    return float(cost), np.append(grad_w.astype(np.float64), grad_b if job.fit_intercept else 0.0)


def chunk_sums(X: np.ndarray, y: np.ndarray, theta: np.ndarray, job: Job) -> Sums:
    """A chunk's share of a full pass at θ: its row count times the kernel's means."""
    cost, gradient = cost_gradient(job.features(X), y, theta, job)
    n = len(y)
    return Sums(n, cost * n, gradient * n)


@dataclass(frozen=True)
class FullPass:
    """:func:`chunk_sums` at a fixed θ, as a picklable callable of the chunk."""

    theta: np.ndarray
    job: Job

    def __call__(self, X: np.ndarray, y: np.ndarray) -> Sums:
        return chunk_sums(X, y, self.theta, self.job)


def chunk_moments(X: np.ndarray, y: np.ndarray) -> Moments:
    """A chunk's share of the standardisation pass."""
    return moments(X)


def step(walk: Walk, gradient: np.ndarray, job: Job) -> Walk:
    """One update θ ← θ + Δ, Δ from the optimizer (plain gd: Δ = −η_k ∇C, the notes' rule)."""
    delta, state = job.optimizer.update(tuple(gradient.tolist()), walk.state,
                                        job.rate(walk.step))
    with np.errstate(over="ignore", invalid="ignore"):
        theta = walk.theta + np.asarray(delta, dtype=np.float64)
    if not np.isfinite(theta).all():  # η·∇C overflowed (η = 1e308): a result, not an error
        return replace(walk, status="non_finite")  # θ stays at the last finite point
    return replace(walk, theta=theta, state=state, step=walk.step + 1)


def run_chunk(X: np.ndarray, y: np.ndarray, walk: Walk, job: Job, epoch: int, chunk: int) -> Walk:
    """The mini-batch updates of chunk ``chunk`` in epoch ``epoch``, starting from ``walk``.

    A batch whose cost or gradient is not finite stops the walk as ``non_finite``, one past
    ``stopping.LIMIT`` as ``diverged``; θ stays at the last finite point.
    """
    if walk.status is not None:
        return walk
    X = job.features(X)
    order = batch_order(len(y), job, epoch, chunk)

    def batch_gradient(lo: int, hi: int, theta: np.ndarray) -> tuple[float, np.ndarray]:
        if order is None:
            return cost_gradient(X[lo:hi], y[lo:hi], theta, job)
        rows = order[lo:hi]  # np.take: 3x faster than X[rows]
        return cost_gradient(np.take(X, rows, axis=0), np.take(y, rows), theta, job)

    return walk_batches(walk, job, len(y), batch_gradient)


def batch_order(rows: int, job: Job, epoch: int, chunk: int) -> np.ndarray | None:
    """The order in which a chunk's rows are batched: shuffled by ``default_rng([seed,
    epoch, chunk])``, or ``None`` (file order) without ``shuffle``."""
    if not job.shuffle:
        return None
    return np.random.default_rng([job.seed, epoch, chunk]).permutation(rows)


def walk_batches(walk: Walk, job: Job, rows: int, batch_gradient: BatchGradient) -> Walk:
    """One step per batch of a chunk of ``rows`` rows: the batches are the ranges [lo, hi)
    of ``batch_size`` positions in the chunk's :func:`batch_order` (the last may be shorter),
    and ``batch_gradient(lo, hi, θ)`` gives a batch's C and ∇C wherever its rows are."""
    if walk.status is not None:
        return walk
    for lo in range(0, rows, job.batch_size):
        cost, gradient = batch_gradient(lo, min(rows, lo + job.batch_size), walk.theta)
        status = batch_status(cost, gradient)
        if status is not None:
            return replace(walk, status=status)
        walk = step(walk, gradient, job)
        if walk.status is not None:
            return walk
    return walk


def batch_status(cost: float, gradient: np.ndarray) -> Status | None:
    """``non_finite`` or ``diverged`` for a batch that must not be stepped on, else ``None``."""
    return blown(cost, float(gradient @ gradient))


def norm(gradient: np.ndarray) -> float:
    """|∇C|, the Euclidean norm."""
    return float(np.sqrt(gradient @ gradient))
