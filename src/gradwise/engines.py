"""Training the neuron ŷ = φ(w·x + b) by gradient descent, in memory, out of core or on Dask.

One loop, three engines. The loop (here, on the calling process) owns the parameters and
the optimizer; an engine only answers three questions about the data, chunk by chunk
(:mod:`gradwise._chunks` says how chunks are cut and used):

* ``moments()``: the features' row count, means and M2, for standardisation;
* ``sums(w, b)``: Σc and Σ∇c over all rows, for one full-batch step;
* ``epoch(walk)``: one mini-batch epoch, chunk after chunk, from a :class:`Walk`.

``engine="memory"`` holds X in RAM (:mod:`gradwise.stream`); ``"stream"`` reads a Parquet
file, a directory of Parquet files, or a CSV, one chunk at a time, so memory is bounded by
the chunk size (:mod:`gradwise.stream`); ``"dask"`` keeps the chunks on Dask workers and
tree-reduces their sums (:mod:`gradwise.distributed`). The same data, seed and settings
give the same result in all three: bit for bit between memory and stream, to float
round-off with Dask (its tree adds the chunk sums in another order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np

from gradwise._chunks import Job, Moments, Sums, Walk, update
from gradwise.errors import InputError

EngineName = Literal["memory", "stream", "dask"]
ENGINES = ("memory", "stream", "dask")
Tick = Callable[[int], None]


class Engine(Protocol):
    """What the loop asks of the data; see the module docstring."""

    rows: int | None  # N, when known (before the first pass, or after it)
    features: int  # d

    def moments(self, tick: Tick) -> Moments: ...

    def sums(self, weights: np.ndarray, bias: float, job: Job, tick: Tick) -> Sums: ...

    def epoch(self, walk: Walk, job: Job, epoch: int, tick: Tick) -> Walk: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Fit:
    """A trained neuron and how training went.

    Attributes:
        weights: w, shape (d,), for standardised features when ``mean`` is set.
        bias: b.
        history: cost per epoch: full batch, C at the weights the epoch's step started
            from; mini-batch, the row-weighted mean of the epoch's batch costs.
        epochs: epochs run.
        steps: updates made.
        status: ``"max_epochs"``, or ``"diverged"`` when a cost or parameter became inf/nan.
        rows: N, the rows trained on.
        engine: the engine's name.
        mean: feature means used for standardisation, shape (d,), or ``None``.
        scale: feature standard deviations used for standardisation, shape (d,), or ``None``.
    """

    weights: np.ndarray
    bias: float
    history: tuple[float, ...]
    epochs: int
    steps: int
    status: Literal["max_epochs", "diverged"]
    rows: int
    engine: str
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None


def train(
    data: Any,
    target: str | None = None,
    features: list[str] | None = None,
    *,
    engine: EngineName = "memory",
    activation: Any = "sigmoid",
    learning_rate: float | Callable[[int], float] = 0.1,
    optimizer: Any = None,
    max_epochs: int = 100,
    batch_size: int | None = None,
    seed: int = 0,
    chunk_rows: int = 65536,
    standardize: bool = False,
    start: tuple[Any, float] | None = None,
    backend: str = "auto",
    progress: bool = False,
    callback: Callable[[int, float], None] | None = None,
    scheduler: str | None = None,
    client: Any = None,
) -> Fit:
    """Fit w and b to minimise C = mean((y − φ(X·w + b))²) by gradient descent.

    Args:
        data: ``(X, y)`` arrays (X shape (N, d), y shape (N,)), or the path of a Parquet file,
            a directory of Parquet files, or a CSV file. Dask also takes Dask arrays.
        target: the column to predict when ``data`` is a path.
        features: the feature columns in order when ``data`` is a path (default: all others).
        engine: ``"memory"``, ``"stream"`` (a path, read one chunk at a time) or ``"dask"``.
        activation: φ: ``identity``, ``sigmoid``, ``tanh``, ``relu``, ``softplus``, or a
            SymPy expression of z.
        learning_rate: η, or η_k as a function of the step k (a ``gradwise.descent``
            schedule works).
        optimizer: an object with ``init(point)`` and ``update(gradient, state, η)``
            (``gradwise.descent``'s optimizers), point = (w₁, …, w_d, b); ``None`` is plain
            gradient descent, w ← w − η ∂C/∂w.
        max_epochs: passes over the data.
        batch_size: rows per mini-batch; ``None`` is full batch (one step per epoch).
        seed: the seed of the mini-batch row order.
        chunk_rows: R, the rows per chunk; chunks are read, shuffled within and reduced whole.
        standardize: train on (x − mean) / std, from one first pass over the data.
        start: initial ``(weights, bias)``; zeros by default.
        backend: the kernel's back end, ``auto``, ``numba`` or ``numpy``.
        progress: draw a progress bar on stderr.
        callback: ``callback(epoch, cost)`` after each epoch.
        scheduler: Dask only: a scheduler address; ``None`` starts a LocalCluster.
        client: Dask only: a ``distributed.Client`` to use (it is not closed).

    Returns:
        The :class:`Fit`.

    Raises:
        InputError: an invalid setting. DataError: an unreadable or invalid file.

    Example:
        >>> X = np.array([[1.0], [2.0]]); y = np.array([1.0, 0.0])
        >>> fit = train((X, y), activation="identity", learning_rate=0.1, max_epochs=2)
        >>> fit.weights.round(6).tolist(), round(fit.bias, 6), [round(c, 6) for c in fit.history]
        ([0.12], 0.15, [0.5, 0.365])
    """
    _check_settings(engine, max_epochs, batch_size, seed, chunk_rows)
    job = Job(activation=activation, backend=backend, optimizer=_optimizer(optimizer),
              rate=_rate(learning_rate), batch_size=batch_size or 0, seed=seed)
    source = _open(engine, data, target, features, chunk_rows, scheduler, client)
    try:
        return _descend(source, engine, job, max_epochs, standardize, start, progress, callback)
    finally:
        source.close()


def _open(engine: str, data: Any, target: str | None, features: list[str] | None,
          chunk_rows: int, scheduler: str | None, client: Any) -> Engine:
    if engine == "dask":
        from gradwise import distributed  # lazily: dask is an optional extra

        return distributed.open_engine(data, target, features, chunk_rows, scheduler, client)
    if scheduler is not None or client is not None:
        raise InputError(f"scheduler and client are for engine='dask'; received engine={engine!r}")
    from gradwise import stream

    if engine == "stream":
        return stream.FileEngine(_path(data, engine), target, features, chunk_rows)
    return stream.MemoryEngine(data, target, features, chunk_rows)


def _descend(source: Engine, engine: str, job: Job, max_epochs: int, standardize: bool,
             start: tuple[Any, float] | None, progress: bool,
             callback: Callable[[int, float], None] | None) -> Fit:
    with _progress_bar(progress, source.rows, max_epochs + standardize) as tick:
        moments = source.moments(tick) if standardize else None
        if moments is not None:
            job = replace(job, mean=moments.mean, scale=moments.scale())
        walk = _first_walk(source, job, start, tick)
        history: list[float] = []
        for epoch in range(max_epochs):
            walk = _epoch(source, replace(walk, cost=0.0, rows=0), job, epoch, tick)
            history.append(walk.cost / walk.rows if walk.rows else math.nan)
            if callback is not None:
                callback(epoch, history[-1])
            if walk.diverged:
                break
    return Fit(weights=walk.weights, bias=walk.bias, history=tuple(history), epochs=len(history),
               steps=walk.step, status="diverged" if walk.diverged else "max_epochs",
               rows=source.rows or walk.rows, engine=engine, mean=job.mean, scale=job.scale)


def _epoch(source: Engine, walk: Walk, job: Job, epoch: int, tick: Tick) -> Walk:
    if job.batch_size:
        return source.epoch(walk, job, epoch, tick)
    return update(walk, source.sums(walk.weights, walk.bias, job, tick), job)


def _first_walk(source: Engine, job: Job, start: tuple[Any, float] | None, tick: Tick) -> Walk:
    d = source.features
    weights, bias = (np.zeros(d), 0.0) if start is None else start
    weights = np.asarray(weights, dtype=np.float64)
    if weights.shape != (d,) or not np.isfinite(weights).all() or not math.isfinite(bias):
        raise InputError(f"start must be (weights, bias) with {d} finite weights, one per "
                         f"feature, and a finite bias; received {start!r}")
    return Walk(weights, float(bias), job.optimizer.init((*weights.tolist(), float(bias))))


@dataclass(frozen=True)
class _GradientDescent:
    """Plain gradient descent, Δ = −η∇C, in ``gradwise.descent``'s (init, update) shape.

    Used only when no optimizer is given; pass ``gradwise.descent.optimizers.make(name)``
    for the others.
    """

    name: str = "gd"

    def init(self, point: tuple[float, ...]) -> None:
        return None

    def update(self, gradient: tuple[float, ...], state: None,
               learning_rate: float) -> tuple[tuple[float, ...], None]:
        return tuple(-(learning_rate * g) for g in gradient), state


def _optimizer(optimizer: Any) -> Any:
    if optimizer is None:
        return _GradientDescent()
    if not (callable(getattr(optimizer, "init", None))
            and callable(getattr(optimizer, "update", None))):
        raise InputError("optimizer must have init(point) and update(gradient, state, "
                         f"learning_rate), as gradwise.descent's optimizers do; received "
                         f"{optimizer!r}")
    return optimizer


def _rate(learning_rate: Any) -> Callable[[int], float]:
    if callable(learning_rate):
        return learning_rate  # type: ignore[no-any-return]
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, (int, float)) or not (
            0 < learning_rate < math.inf):
        raise InputError(f"learning_rate must be a positive finite number (or a function of "
                         f"the step); received {learning_rate!r}")
    return _Constant(float(learning_rate))


@dataclass(frozen=True)
class _Constant:
    """η_k = η (a picklable callable, so Dask workers can run it)."""

    learning_rate: float

    def __call__(self, step: int) -> float:
        return self.learning_rate


def _check_settings(engine: str, max_epochs: Any, batch_size: Any, seed: Any,
                    chunk_rows: Any) -> None:
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(map(repr, ENGINES))}; "
                         f"received {engine!r}")
    for name, value, least in (("max_epochs", max_epochs, 1), ("seed", seed, 0),
                               ("chunk_rows", chunk_rows, 1)):
        if not _whole(value, least):
            raise InputError(f"{name} must be a whole number >= {least}; received {value!r}")
    if batch_size is not None and not _whole(batch_size, 1):
        raise InputError(f"batch_size must be a whole number >= 1, or None for full batch; "
                         f"received {batch_size!r}")


def _whole(value: Any, least: int) -> bool:
    whole = isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    return whole and bool(value >= least)


def _path(data: Any, engine: str) -> Path:
    if not isinstance(data, (str, Path)):
        raise InputError(f"engine={engine!r} reads a file: data must be the path of a Parquet "
                         f"file, a directory of Parquet files, or a CSV; received "
                         f"{type(data).__name__}. Fix: engine='memory' for arrays")
    return Path(data)


@contextmanager
def _progress_bar(show: bool, rows: int | None, passes: int) -> Iterator[Tick]:
    """A rich bar on stderr advanced by rows read (total unknown for CSV); a no-op if hidden."""
    if not show:
        yield lambda rows: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("training", total=None if rows is None else rows * passes)
        yield lambda done: bar.advance(task, done)
