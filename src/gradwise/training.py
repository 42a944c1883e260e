"""The neuron's training loop: epochs of descent steps on C(w, b), each gradient from the kernel.

One loop serves the estimator (:mod:`gradwise.neuron`) and the CLI (``gradwise train``), in
memory or streaming a file. Each epoch ``k = 0, 1, …`` it evaluates the full-data cost
C(θ_k) and gradient ∇C(θ_k) (θ = (w₁, …, w_d, b)), records them, checks the stopping rules,
and then steps:

* full batch (``batch_size=None``): one step θ ← θ + Δ with Δ from the optimizer
  (plain ``gd``: Δ = −η·∇C, the notes' rule), using the gradient just recorded;
* mini-batch (``batch_size=k``; 1 is stochastic): one step per batch of k rows, each batch's
  gradient ∇w = Xᵀδ/k, ∂C/∂b = mean(δ) from the same kernel on that slice.

So n epochs give n + 1 recorded points, as a descent run of n steps does. Stopping, in the
descent's vocabulary: ``non_finite`` (a cost or gradient is nan/inf), ``diverged`` (past
``DIVERGENCE_LIMIT``, or C and |∇C| rose for ``DIVERGENCE_PATIENCE`` epochs running above the
start), ``converged`` (|∇C| <= tol for ``n_iter_no_change`` epochs running), else
``max_steps`` after ``max_epochs`` epochs. Optimizers are the descent's own (init, update) pairs.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from gradwise.derivation import ACTIVATIONS, CostName, derive
from gradwise.descent.optimizers import Optimizer, make
from gradwise.descent.trace import DIVERGENCE_LIMIT, DIVERGENCE_PATIENCE, Finding, Status, Trace
from gradwise.errors import InputError
from gradwise.expressions import parse
from gradwise.kernel import cost_and_gradient
from gradwise.saturation import neuron_findings
from gradwise.scaling import Scaling

Rows = Iterable[tuple[np.ndarray, np.ndarray]]
Progress = Callable[[int, float], None]


@dataclass(frozen=True)
class Source:
    """Where the rows come from, two ways: big chunks for the full passes, batches for steps.

    Attributes:
        chunks: ``chunks()`` yields every row once, in (X, y) pieces as large as fit in memory.
        batches: ``batches(rng)`` yields one epoch's mini-batches (reshuffled by ``rng``).
    """

    chunks: Callable[[], Rows]
    batches: Callable[[np.random.Generator], Rows]


@dataclass(frozen=True)
class Settings:
    """How to train: the hyper-parameters of :class:`~gradwise.neuron.NeuronRegressor`.

    Example:
        >>> Settings(activation="sigmoid", learning_rate=0.5).checked().method
        'gd'
    """

    activation: Any = "identity"
    cost: CostName = "squared_error"
    learning_rate: float = 0.1
    max_epochs: int = 1000
    batch_size: int | None = None
    shuffle: bool = True
    tol: float | None = 1e-4
    n_iter_no_change: int = 5
    method: str | Optimizer = "gd"
    seed: int | None = 0
    fit_intercept: bool = True

    def checked(self) -> Settings:
        """These settings, or an InputError naming the first bad one and what it expects."""
        _positive_number("learning_rate", self.learning_rate)
        _count("max_epochs", self.max_epochs, low=0)
        if self.batch_size is not None:
            _count("batch_size", self.batch_size, low=1)
        if self.tol is not None:
            _positive_number("tol", self.tol, zero=True)
        _count("n_iter_no_change", self.n_iter_no_change, low=1)
        derive(self.activation, self.cost)  # InputError for an unknown activation or cost
        make(self.method)
        return self


@dataclass(frozen=True)
class Fit:
    """The outcome of :func:`train`, in the coordinates training used.

    Attributes:
        weights: w after the last epoch, shape (d,).
        bias: b after the last epoch.
        history: C at the start and after each epoch (n epochs: n + 1 values).
        gradient_norms: |∇C| at the same points.
        status: ``converged``, ``max_steps``, ``diverged`` or ``non_finite``.
        findings: what the diagnostics noticed (codes of ``descent.diagnostics.CODES``).
        trace: the descent :class:`~gradwise.descent.trace.Trace` of those points.
        n_steps: the updates taken (one per epoch at full batch, one per batch otherwise).
    """

    weights: np.ndarray
    bias: float
    history: tuple[float, ...]
    gradient_norms: tuple[float, ...]
    status: Status
    findings: tuple[Finding, ...]
    trace: Trace
    n_steps: int

    @property
    def n_epochs(self) -> int:
        """Epochs run: one fewer than the recorded points."""
        return len(self.history) - 1


def train(source: Source, sample: tuple[np.ndarray, np.ndarray], start: np.ndarray,
          settings: Settings, progress: Progress | None = None) -> Fit:
    """Run the epochs from ``start`` = (w₁, …, w_d, b) on the rows of ``source``.

    Args:
        source: the rows (X float64 (n, d), y (n,)): each full pass accumulates the chunks'
            costs and gradients, weighted by their rows; mini-batch steps take its batches.
        sample: up to a few thousand rows, for the saturation check of the findings.
        start: θ₀, shape (d + 1,).
        settings: the hyper-parameters, checked here.
        progress: called as ``progress(epoch, cost)`` after each recorded point.

    Returns:
        The :class:`Fit`. Divergence and nan are statuses there, never exceptions.

    Example:
        >>> X, y = np.array([[1.0]]), np.array([1.0])
        >>> fit = train(array_source(X, y, None, True), (X, y), np.array([3.0, 0.0]),
        ...             Settings(max_epochs=2, fit_intercept=False))
        >>> [round(w, 6) for w in fit.trace.coordinates[0]], [round(c, 6) for c in fit.history]
        ([3.0, 2.6, 2.28], [4.0, 2.56, 1.6384])
    """
    settings = settings.checked()
    rng = np.random.default_rng(settings.seed)
    optimizer = make(settings.method)
    loop = _Loop(settings, optimizer, np.array(start, dtype=np.float64))
    for epoch in range(settings.max_epochs + 1):
        cost, gradient = _full_pass(source.chunks(), loop.theta, settings)
        loop.record(cost, gradient)
        if progress is not None:
            progress(epoch, cost)
        if loop.status is not None or epoch == settings.max_epochs:
            break
        if settings.batch_size is None:
            loop.step(gradient)
        else:
            loop.mini_batch_epoch(source.batches(rng))
    return loop.result(sample)


class _Loop:
    """θ, the optimizer's state, the recorded columns and the stopping rules of one run."""

    def __init__(self, settings: Settings, optimizer: Optimizer, theta: np.ndarray) -> None:
        self.settings, self.optimizer, self.theta = settings, optimizer, theta
        self.state = optimizer.init(tuple(theta.tolist()))
        self.points: list[np.ndarray] = []
        self.costs: list[float] = []
        self.gradients: list[np.ndarray] = []
        self.status: Status | None = None
        self.n_steps = self.rises = self.calm = 0

    def record(self, cost: float, gradient: np.ndarray) -> None:
        norm = float(np.sqrt(gradient @ gradient))
        previous = (self.costs[-1], _norm(self.gradients[-1])) if self.costs else None
        self.points.append(self.theta.copy())
        self.costs.append(cost)
        self.gradients.append(gradient)
        if self.status is None:
            self.status = self._verdict(cost, norm, previous)

    def _verdict(self, cost: float, norm: float, previous: tuple | None) -> Status | None:
        if not (math.isfinite(cost) and math.isfinite(norm)):
            return "non_finite"
        if abs(cost) > DIVERGENCE_LIMIT or norm > DIVERGENCE_LIMIT:
            return "diverged"
        rising = previous is not None and cost > previous[0] and norm > previous[1]
        self.rises = self.rises + 1 if rising else 0
        if self.rises >= DIVERGENCE_PATIENCE and cost > self.costs[0]:
            return "diverged"
        tol = self.settings.tol
        self.calm = self.calm + 1 if tol is not None and norm <= tol else 0
        return "converged" if self.calm >= self.settings.n_iter_no_change else None

    def step(self, gradient: np.ndarray) -> None:
        delta, self.state = self.optimizer.update(tuple(gradient.tolist()), self.state,
                                                  self.settings.learning_rate)
        self.theta = self.theta + np.asarray(delta, dtype=np.float64)
        self.n_steps += 1

    def mini_batch_epoch(self, batches: Iterable[tuple[np.ndarray, np.ndarray]]) -> None:
        for X, y in batches:
            cost, gradient = _pass(X, y, self.theta, self.settings)
            if not (math.isfinite(cost) and np.isfinite(gradient).all()):
                self.status = "non_finite"  # keep the last finite θ; the record says why
                return
            if abs(cost) > DIVERGENCE_LIMIT or _norm(gradient) > DIVERGENCE_LIMIT:
                self.status = "diverged"
                return
            self.step(gradient)

    def result(self, sample: tuple[np.ndarray, np.ndarray]) -> Fit:
        status: Status = self.status or "max_steps"
        d = len(self.theta) - 1
        names = ("w", "b") if d == 1 else (*(f"w{j + 1}" for j in range(d)), "b")
        trace = Trace(names, tuple(map(tuple, np.array(self.points).T.tolist())),
                      tuple(self.costs), tuple(map(tuple, np.array(self.gradients).T.tolist())),
                      (self.settings.learning_rate,) * (len(self.costs) - 1), status,
                      tol=float(self.settings.tol or 0.0))
        findings = neuron_findings(trace, sample, self.settings,
                                   full_batch=self.settings.batch_size is None)
        return Fit(self.theta[:-1].copy(), float(self.theta[-1]), tuple(self.costs),
                   tuple(_norm(g) for g in self.gradients), status, findings, trace,
                   self.n_steps)


def _pass(X: np.ndarray, y: np.ndarray, theta: np.ndarray,
          settings: Settings) -> tuple[float, np.ndarray]:
    """C and ∇C = (∇w, ∂C/∂b) over these rows, from the one kernel."""
    cost, grad_w, grad_b = cost_and_gradient(X, y, theta[:-1], float(theta[-1]),
                                             settings.activation, cost=settings.cost)
    # without an intercept b is a constant, not a variable: its component is 0, so it stays put
    return float(cost), np.append(grad_w, grad_b if settings.fit_intercept else 0.0)


def _full_pass(chunks: Iterable[tuple[np.ndarray, np.ndarray]], theta: np.ndarray,
               settings: Settings) -> tuple[float, np.ndarray]:
    """C and ∇C over every row, accumulated chunk by chunk, each weighted by its row count."""
    total_cost, total_gradient, rows = 0.0, np.zeros(len(theta)), 0
    for X, y in chunks:
        cost, gradient = _pass(X, y, theta, settings)
        total_cost += cost * len(y)
        total_gradient += gradient * len(y)
        rows += len(y)
    return total_cost / rows, total_gradient / rows


def _norm(gradient: np.ndarray) -> float:
    return float(np.sqrt(gradient @ gradient))


def array_source(X: np.ndarray, y: np.ndarray, batch_size: int | None,
                 shuffle: bool) -> Source:
    """Arrays in memory: one chunk, and mini-batches reshuffled each epoch.

    Example:
        >>> source = array_source(np.zeros((5, 1)), np.arange(5.0), 2, shuffle=False)
        >>> [y.tolist() for X, y in source.batches(np.random.default_rng(0))]
        [[0.0, 1.0], [2.0, 3.0], [4.0]]
    """
    return Source(lambda: [(X, y)], lambda rng: _mini_batches(X, y, batch_size or len(y),
                                                              shuffle, rng))


def file_source(chunks: Callable[[], Rows], scaling: Scaling, batch_size: int | None,
                shuffle: bool) -> Source:
    """A file read afresh for every pass, chunk by chunk; mini-batches shuffled within a chunk.

    ``chunks()`` yields the raw (X, y) chunks in file order, e.g. from
    :func:`gradwise.data.iter_batches`; each is standardised by ``scaling`` as it arrives.
    """

    def scaled() -> Rows:
        return ((scaling.apply(X), y) for X, y in chunks())

    def batches(rng: np.random.Generator) -> Rows:
        for X, y in scaled():
            yield from _mini_batches(X, y, batch_size or len(y), shuffle, rng)

    return Source(scaled, batches)


def _mini_batches(X: np.ndarray, y: np.ndarray, size: int, shuffle: bool,
                  rng: np.random.Generator) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    order = rng.permutation(len(y)) if shuffle else None
    for lo in range(0, len(y), size):
        if order is None:
            yield X[lo : lo + size], y[lo : lo + size]
        else:
            rows = order[lo : lo + size]  # take copies batch x d values (3x faster than X[rows])
            yield np.take(X, rows, axis=0), np.take(y, rows)


def default_start(d: int, seed: int | None) -> np.ndarray:
    """θ₀ = (w, 0) with w ~ N(0, 1/d) (LeCun's): on standardised features z starts ~ N(0, 1),
    so a sigmoid or tanh starts unsaturated and about half of a ReLU's inputs are active."""
    return np.append(np.random.default_rng(seed).normal(0, d**-0.5, d), 0.0)


def resolve_activation(activation: Any) -> Any:
    """A name (``sigmoid``) as it is; other text parsed by the safe parser into φ(z).

    Example:
        >>> resolve_activation("sigmoid"), resolve_activation("z/(1 + abs(z))")
        ('sigmoid', z/(Abs(z) + 1))
    """
    if not isinstance(activation, str) or activation in ACTIVATIONS:
        return activation
    if activation.isidentifier():
        return activation  # an unknown name: derive() says so and suggests the nearest
    return parse(activation).expr  # the only door from user text to SymPy


def _positive_number(name: str, value: Any, zero: bool = False) -> None:
    ok = isinstance(value, int | float | np.number) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or value < 0 or (value == 0 and not zero):
        expected = "a number >= 0" if zero else "a positive number"
        raise InputError(f"{name} must be {expected}; received {value!r}")


def _count(name: str, value: Any, low: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < low:
        raise InputError(f"{name} must be an integer >= {low}; received {value!r}")
