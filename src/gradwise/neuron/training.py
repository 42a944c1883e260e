"""The neuron's one training loop: epochs of descent steps on C(w, b), on any engine.

One loop serves the estimators (:mod:`gradwise.neuron`), the CLI (``gradwise train``) and
:func:`gradwise.train`. The data stay behind an :class:`Engine` (rows in memory, a file
streamed chunk by chunk, or chunks on Dask workers: :mod:`gradwise.neuron.engines.local`,
:mod:`gradwise.neuron.engines.dask`), which answers two questions, chunk by chunk in the one way
:mod:`gradwise.neuron.chunks` defines: *a full pass at θ* (the sums of c and ∇c over every row)
and *one mini-batch epoch from this state*. Everything else happens here, on the calling
process. Each epoch ``k = 0, 1, …`` the loop takes a full pass for C(θ_k) and ∇C(θ_k)
(θ = (w₁, …, w_d, b)), records them, checks the stopping rules, and then steps:

* full batch (``batch_size=None``): one step θ ← θ + Δ with Δ from the optimizer
  (plain ``gd``: Δ = −η·∇C, the notes' rule), using the gradient just recorded;
* mini-batch (``batch_size=k``; 1 is stochastic): the engine's epoch, one step per batch of
  k rows, each batch's gradient ∇w = Xᵀδ/k, ∂C/∂b = mean(δ) from the same kernel. Chunk j
  is rows [j·R, (j + 1)·R) for ``chunk_rows`` R, a batch never crosses a chunk, and chunk j
  of epoch e is shuffled by ``default_rng([seed, e, j])``, so every engine makes the same
  updates.

So n epochs give n + 1 recorded points, as a descent run of n steps does. Stopping follows the
descent's rules (:mod:`gradwise.descent.stopping`), in their order: ``non_finite`` (a cost or
gradient is nan/inf), ``converged`` (|∇C| <= tol for ``n_iter_no_change`` epochs running),
``diverged`` (past the limit, or C and |∇C| rose for ten epochs running above the start),
else ``max_steps`` after ``max_epochs`` epochs. Optimizers are the descent's own (init,
update) pairs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from gradwise.descent.optimizers import make
from gradwise.descent.stopping import Monitor, Status
from gradwise.descent.trace import Finding, Trace
from gradwise.errors import InputError
from gradwise.neuron.chunks import Job, Sums, Walk, chunk_moments, norm, step
from gradwise.neuron.saturation import neuron_findings
from gradwise.neuron.scaling import Scaling
from gradwise.neuron.settings import Settings

T = TypeVar("T")
Tick = Callable[[int], None]
Callback = Callable[[int, float], None]

SAMPLE_ROWS = 10_000
"""Rows on which the saturation check (``vanishing_gradient``) is measured."""


class Engine(Protocol):
    """Where the rows are; what the loop asks of them, chunk by chunk (see the module text).

    Attributes:
        name: ``memory``, ``stream``, ``dask`` or ``cuda``.
        rows: N, when known (a CSV's only after the first pass).
        features: d.
        names: the feature columns, when the data came from a file.
    """

    name: str
    rows: int | None
    features: int
    names: list[str] | None

    def full_pass(self, theta: np.ndarray, job: Job, tick: Tick) -> Sums:
        """The :class:`~gradwise.neuron.chunks.Sums` of c and ∇c over every row at θ."""
        ...

    def fold(self, work: Callable[[np.ndarray, np.ndarray], T], tick: Tick) -> T:
        """``work(X, y)`` of every chunk of raw rows, added up (``+``)."""
        ...

    def epoch(self, walk: Walk, job: Job, epoch: int, tick: Tick) -> Walk:
        """:func:`gradwise.neuron.chunks.run_chunk` over the chunks in order, from ``walk``."""
        ...

    def sample(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``rows`` first raw rows."""
        ...

    def close(self) -> None:
        """Release what the engine holds (Dask: its chunks, and a cluster it started)."""
        ...


@dataclass(frozen=True)
class Fit:
    """The outcome of :func:`train`, in the coordinates training used.

    Attributes:
        weights: w after the last epoch, shape (d,), for the standardised features when
            ``scaling`` is not the identity (``scaling.to_raw(weights, bias)`` maps back).
        bias: b after the last epoch.
        history: C at the start and after each epoch (n epochs: n + 1 values).
        gradient_norms: |∇C| at the same points.
        status: ``converged``, ``max_steps``, ``diverged`` or ``non_finite``.
        findings: what the diagnostics noticed (codes of ``descent.diagnostics.CODES``).
        trace: the descent :class:`~gradwise.descent.trace.Trace` of those points.
        n_steps: the updates taken (one per epoch at full batch, one per batch otherwise).
        scaling: the standardisation trained under (the identity map without one).
        rows: N, the rows trained on.
        engine: the engine's name.
    """

    weights: np.ndarray
    bias: float
    history: tuple[float, ...]
    gradient_norms: tuple[float, ...]
    status: Status
    findings: tuple[Finding, ...]
    trace: Trace
    n_steps: int
    scaling: Scaling
    rows: int
    engine: str

    @property
    def n_epochs(self) -> int:
        """Epochs run: one fewer than the recorded points."""
        return len(self.history) - 1


def train(engine: Engine, settings: Settings, *, callback: Callback | None = None,
          tick: Tick | None = None) -> Fit:
    """Run the epochs on the rows behind ``engine``, from ``start``.

    Args:
        engine: the data (:mod:`gradwise.neuron.engines.local` or ``.dask``).
        settings: the hyper-parameters, checked here; with ``standardize`` the loop trains
            on (x − mean)/std (or x/rms without an intercept), from one first pass over the
            data; ``start`` is θ₀ = (w₁, …, w_d, b) in the features' own units, or ``None``
            for w ~ N(0, 1/d) on the training features and b = 0 (:func:`default_start`).
        callback: called as ``callback(epoch, cost)`` after each recorded point.
        tick: called with the number of rows each chunk of work has read (progress bars).

    Returns:
        The :class:`Fit`. Divergence and nan are statuses there, never exceptions.

    Raises:
        InputError: a bad setting or start.

    Example:
        >>> from gradwise.neuron.engines.local import MemoryEngine
        >>> notes = MemoryEngine((np.array([[1.0]]), np.array([1.0])), None, None, 65536)
        >>> fit = train(notes, Settings(max_epochs=2, fit_intercept=False, standardize=False,
        ...                             start=[3.0, 0.0]))
        >>> [round(w, 6) for w in fit.trace.coordinates[0]], [round(c, 6) for c in fit.history]
        ([3.0, 2.6, 2.28], [4.0, 2.56, 1.6384])
    """
    settings = settings.checked()
    tick = tick or _ignore
    d = engine.features
    start = settings.start
    point = None if start is None else _point(start, d)  # checked before any pass
    scaling = Scaling.none(d)
    if settings.standardize:
        scaling = Scaling.of_moments(engine.fold(chunk_moments, tick), settings.fit_intercept)
    theta = default_start(d, settings.seed) if point is None else np.append(
        *scaling.to_scaled(point[:-1], float(point[-1])))
    job = _job(settings, scaling if settings.standardize else None)
    loop = _Loop(settings, job, Walk(theta, job.optimizer.init(tuple(theta.tolist()))))
    for epoch in range(settings.max_epochs + 1):
        sums = engine.full_pass(loop.walk.theta, job, tick)
        cost, gradient = sums.means()
        loop.record(cost, gradient)
        if callback is not None:
            callback(epoch, cost)
        if loop.status is not None or epoch == settings.max_epochs:
            break
        if settings.batch_size is None:
            loop.walk = step(loop.walk, gradient, job)
            if loop.walk.status is not None:  # the step left the floats: stop at θ, recorded
                loop.status = loop.walk.status
                break
        else:
            loop.mini_batch_epoch(engine.epoch(loop.walk, job, epoch, tick))
    X, y = engine.sample(SAMPLE_ROWS)
    return loop.result(scaling, (scaling.apply(X), y), engine.rows or sums.rows, engine.name)


def _job(settings: Settings, scaling: Scaling | None) -> Job:
    seed = settings.seed
    if seed is None:  # no seed: a fresh one, fixed for this run so every chunk agrees
        seed = int(np.random.SeedSequence().entropy)  # type: ignore[arg-type]
    return Job(settings.activation, settings.cost, settings.fit_intercept, scaling,
               make(settings.method), settings.rate(), settings.batch_size or 0,
               settings.shuffle, seed, settings.backend)


def _point(start: Any, d: int) -> np.ndarray:
    """``start`` as d + 1 finite floats, or an InputError saying what was expected."""
    try:
        point = np.asarray(start, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        point = np.array([])
    if point.shape != (d + 1,) or not np.isfinite(point).all():
        raise InputError(f"start must be {d + 1} finite numbers (w1, ..., w{d}, b) for "
                         f"{d} feature(s); received {start!r}")
    return point


def _ignore(rows: int) -> None:
    """No progress to show."""


class _Loop:
    """The walk (θ, optimizer state, steps), the recorded columns and the stopping rules."""

    def __init__(self, settings: Settings, job: Job, walk: Walk) -> None:
        self.settings, self.job, self.walk = settings, job, walk
        self.points: list[np.ndarray] = []
        self.costs: list[float] = []
        self.gradients: list[np.ndarray] = []
        self.rates: list[float] = []
        self.status: Status | None = None
        self.monitor = Monitor(settings.tol, calm=settings.n_iter_no_change)

    def record(self, cost: float, gradient: np.ndarray) -> None:
        self.points.append(self.walk.theta.copy())
        self.costs.append(cost)
        self.gradients.append(gradient)
        self.rates.append(float(self.job.rate(self.walk.step)))
        if self.status is None:
            self.status = self.monitor.verdict(cost, float(gradient @ gradient))

    def mini_batch_epoch(self, walk: Walk) -> None:
        self.walk = walk
        if walk.status is not None:
            self.status = walk.status  # θ is the last finite point; the next record says why

    def result(self, scaling: Scaling, sample: tuple[np.ndarray, np.ndarray], rows: int,
               engine: str) -> Fit:
        status: Status = self.status or "max_steps"
        theta = self.walk.theta
        d = len(theta) - 1
        names = ("w", "b") if d == 1 else (*(f"w{j + 1}" for j in range(d)), "b")
        trace = Trace(names, tuple(map(tuple, np.array(self.points).T.tolist())),
                      tuple(self.costs), tuple(map(tuple, np.array(self.gradients).T.tolist())),
                      tuple(self.rates[:-1]), status, tol=float(self.settings.tol or 0.0))
        findings = neuron_findings(trace, sample, self.settings,
                                   full_batch=self.settings.batch_size is None)
        return Fit(theta[:-1].copy(), float(theta[-1]), tuple(self.costs),
                   tuple(norm(g) for g in self.gradients), status, findings, trace,
                   self.walk.step, scaling, rows, engine)


def default_start(d: int, seed: int | None) -> np.ndarray:
    """θ₀ = (w, 0) with w ~ N(0, 1/d) (LeCun's): on standardised features z starts ~ N(0, 1),
    so a sigmoid or tanh starts unsaturated and about half of a ReLU's inputs are active."""
    return np.append(np.random.default_rng(seed).normal(0, d**-0.5, d), 0.0)
