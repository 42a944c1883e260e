"""``gradwise.train``: the neuron ŷ = φ(w·x + b) trained in memory, out of core, on Dask or
on a GPU.

One loop (:func:`gradwise.neuron.training.train`), four engines. The loop runs on the calling
process and owns θ, the optimizer and the stopping rules; an engine only holds the rows and
answers, chunk by chunk as :mod:`gradwise.neuron.chunks` defines, "the sums of c and ∇c over all
rows at θ" and "one mini-batch epoch from this state":

* ``engine="memory"`` holds X in RAM (:class:`gradwise.neuron.engines.local.MemoryEngine`);
* ``"stream"`` reads a Parquet file, a directory of Parquet files, or a CSV, one chunk at a
  time on every pass, so memory is bounded by the chunk size
  (:class:`gradwise.neuron.engines.local.FileEngine`);
* ``"dask"`` keeps the chunks on Dask workers and tree-reduces their sums
  (:mod:`gradwise.neuron.engines.dask`);
* ``"cuda"`` keeps the rows on a GPU (or streams them through it when they do not fit) and
  runs the kernel there (:mod:`gradwise.neuron.engines.cuda`); never chosen by itself.

The same data, seed and settings give the same result in all four: bit for bit between
memory and stream, to float round-off with Dask and CUDA (they add the sums in another
order). :func:`open_engine` is what the estimators and the CLI use to reach the same engines.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any, Literal

from gradwise.errors import InputError, whole_number
from gradwise.neuron.derivation import CostName
from gradwise.neuron.settings import DEFAULTS, Settings, resolve_activation
from gradwise.neuron.training import Callback, Engine, Fit, Tick
from gradwise.neuron.training import train as train_loop
from gradwise.neuron.words import reworded

EngineName = Literal["memory", "stream", "dask", "cuda"]
ENGINES = ("memory", "stream", "dask", "cuda")
CHUNK_ROWS = 65536
"""R, the rows per chunk, by default: large enough that a chunk's overhead is under 1 %."""


def train(
    data: Any,
    target: str | None = None,
    features: list[str] | None = None,
    *,
    engine: EngineName = "memory",
    activation: Any = DEFAULTS.activation,
    cost: CostName = DEFAULTS.cost,
    learning_rate: float | Callable[[int], float] = DEFAULTS.learning_rate,
    method: Any = DEFAULTS.method,
    max_epochs: int = DEFAULTS.max_epochs,
    batch_size: int | None = DEFAULTS.batch_size,
    shuffle: bool = DEFAULTS.shuffle,
    tol: float | None = DEFAULTS.tol,
    n_iter_no_change: int = DEFAULTS.n_iter_no_change,
    seed: int | None = DEFAULTS.seed,
    chunk_rows: int = CHUNK_ROWS,
    standardize: bool = DEFAULTS.standardize,
    fit_intercept: bool = DEFAULTS.fit_intercept,
    start: Any = DEFAULTS.start,
    backend: str = DEFAULTS.backend,
    progress: bool = False,
    callback: Callback | None = None,
    scheduler: str | None = None,
    client: Any = None,
) -> Fit:
    """Fit w and b to minimise C = mean((y − φ(X·w + b))²) (or the log-loss) by gradient descent.

    Args:
        data: ``(X, y)`` arrays (X shape (N, d), y shape (N,)), or the path of a Parquet file,
            a directory of Parquet files, or a CSV file. Dask also takes Dask arrays; CUDA
            also takes arrays already on the GPU (CuPy, PyTorch, numba), used in place.
        target: the column to predict when ``data`` is a path.
        features: the feature columns in order when ``data`` is a path (default: all others).
        engine: ``"memory"``, ``"stream"`` (a path, read one chunk at a time), ``"dask"`` or
            ``"cuda"`` (``pip install 'gradwise[gpu]'``; an InputError says what is missing
            where no GPU is usable).
        activation: φ: ``identity``, ``sigmoid``, ``tanh``, ``relu``, ``softplus``, or an
            expression in z (text through the safe parser, or SymPy).
        cost: ``squared_error`` (the notes' C, no ½) or ``log_loss``.
        learning_rate: η, or a schedule η_k of the step k (``gradwise.descent.schedules``,
            or any callable of k), as for :func:`gradwise.minimize`.
        method: ``gd``, ``momentum``, ``nesterov``, ``adagrad``, ``rmsprop``, ``adam``, or an
            ``Optimizer`` of ``gradwise.descent.optimizers``; point = (w₁, …, w_d, b).
        max_epochs: the most passes over the data.
        batch_size: rows per mini-batch; ``None`` is full batch (one step per epoch).
        shuffle: shuffle each chunk's rows every epoch (mini-batch only).
        tol: converged when |∇C| <= tol for ``n_iter_no_change`` epochs running; ``None``
            runs every epoch.
        n_iter_no_change: see ``tol``.
        seed: the seed of the mini-batch row order (``None``: a fresh one).
        chunk_rows: R, the rows per chunk: chunk k is rows [k·R, (k + 1)·R), mini-batches
            never cross a chunk, and chunk k of epoch e is shuffled by
            ``default_rng([seed, e, k])``.
        standardize: train on (x − mean) / std, from one first pass over the data.
        fit_intercept: learn b; ``False`` keeps b at its start.
        start: θ₀ = (w₁, …, w_d, b) in the features' own units; ``None`` draws
            w ~ N(0, 1/d) with ``seed`` and b = 0.
        backend: the kernel's back end on the CPU, ``auto``, ``numba`` or ``numpy``
            (``engine="cuda"`` runs its own).
        progress: draw a progress bar (rows read) on stderr.
        callback: ``callback(epoch, cost)`` after each recorded point (epoch 0 is the start).
        scheduler: Dask only: a scheduler address; ``None`` starts a LocalCluster.
        client: Dask only: a ``distributed.Client`` to use (it is not closed).

    Returns:
        The :class:`~gradwise.neuron.training.Fit`: ``weights`` and ``bias`` in training
        coordinates (``fit.scaling.to_raw(fit.weights, fit.bias)`` for the raw features),
        ``history`` (n + 1 costs), ``status``, ``findings``, ``n_steps``, ``rows``.

    Raises:
        InputError: an invalid setting. DataError: an unreadable or invalid file.

    Example:
        >>> import numpy as np
        >>> X = np.array([[1.0], [2.0]]); y = np.array([1.0, 0.0])
        >>> fit = train((X, y), learning_rate=0.1, max_epochs=2, standardize=False,
        ...             start=[0.0, 0.0])
        >>> fit.weights.round(6).tolist(), round(fit.bias, 6), [round(c, 6) for c in fit.history]
        ([0.12], 0.15, [0.5, 0.365, 0.3425])
    """
    settings = Settings(activation=resolve_activation(activation), cost=cost,
                        learning_rate=learning_rate, max_epochs=max_epochs,
                        batch_size=batch_size, shuffle=shuffle, tol=tol,
                        n_iter_no_change=n_iter_no_change, method=method, seed=seed,
                        standardize=standardize, fit_intercept=fit_intercept, start=start,
                        backend=backend).checked()
    with open_engine(engine, data, target, features, chunk_rows, scheduler, client) as source, \
            progress_bar(progress) as tick:
        return train_loop(source, settings, callback=callback, tick=tick)


@dataclass(frozen=True)
class Trained:
    """A training run on data with named columns, as ``gradwise train`` and ``/api/train`` make it.

    Attributes:
        fit: the training loop's :class:`~gradwise.neuron.training.Fit`.
        model: the neuron in the features' own units (what ``--save`` writes).
        scores: mse, mae, r2 (and accuracy where it applies) on the training data; empty for
            a run that diverged or stopped on NaN, whose metrics would be noise.
        data: ``(X, y)`` when the rows were in memory (for pictures of the fit), else None.
    """

    fit: Fit
    model: Any
    scores: dict[str, float]
    data: tuple[Any, Any] | None


def train_model(data: Any, target: str, features: list[str] | None, settings: Settings, *,
                activation: str, engine: str = "memory", chunk_rows: int = CHUNK_ROWS,
                scheduler: str | None = None, callback: Callback | None = None,
                tick: Tick | None = None) -> Trained:
    """Train on a file (or ``(X, y)``), and return the run with its model and scores.

    Args:
        data, target, features, engine, chunk_rows, scheduler: as :func:`train`.
        settings: the hyper-parameters (``start``: one number per feature, then b, in the
            features' own units).
        activation: φ as the user wrote it, for the model document.
        callback, tick: as :func:`gradwise.neuron.training.train`.
    """
    from gradwise.neuron.engines.local import MemoryEngine
    from gradwise.neuron.model import Model, errors

    with open_engine(engine, data, target, features, chunk_rows, scheduler) as source:
        fit = train_loop(source, settings, callback=callback, tick=tick)
        model = Model.from_fit(fit, source.names or [], target, activation, settings)
        # the findings as the notes would say them: C, epochs, w[feature] in the data's units
        fit = replace(fit, findings=reworded(fit.findings, fit.scaling, fit.trace.names,
                                             model.features))
        scores = {}
        if fit.status in ("converged", "max_steps"):
            scores = source.fold(partial(errors, model), lambda rows: None).metrics()
        rows = (source.X, source.y) if isinstance(source, MemoryEngine) else None
    return Trained(fit, model, scores, rows)


@contextmanager
def open_engine(engine: str, data: Any, target: str | None = None,
                features: list[str] | None = None, chunk_rows: int = CHUNK_ROWS,
                scheduler: str | None = None, client: Any = None) -> Iterator[Engine]:
    """The engine named ``engine`` over ``data``, closed on leaving the ``with`` block.

    Args:
        engine: ``"memory"``, ``"stream"``, ``"dask"`` or ``"cuda"``. Arrays are already in
            memory, so ``"stream"`` of ``(X, y)`` cuts them into the same chunks as
            ``"memory"``.
        data, target, features, chunk_rows, scheduler, client: as :func:`train`.

    Raises:
        InputError: an unknown engine, a bad ``chunk_rows``, Dask options for another engine,
            ``"cuda"`` without a usable GPU.
        DataError: an unreadable file.
    """
    _check(engine, chunk_rows)
    source = _open(engine, data, target, features, chunk_rows, scheduler, client)
    try:
        yield source
    finally:
        source.close()


def _open(engine: str, data: Any, target: str | None, features: list[str] | None,
          chunk_rows: int, scheduler: str | None, client: Any) -> Engine:
    if engine == "dask":
        from gradwise.neuron.engines import dask as distributed

        return distributed.open_engine(data, target, features, chunk_rows, scheduler, client)
    if scheduler is not None or client is not None:
        raise InputError(f"scheduler and client are for engine='dask'; received engine={engine!r}"
                         ". Fix: engine='dask', or leave them out")
    if engine == "cuda":
        from gradwise.neuron.engines import cuda

        return cuda.open_engine(data, target, features, chunk_rows)
    from gradwise.neuron.engines import local as stream

    if engine == "stream" and isinstance(data, (str, Path)):
        return stream.FileEngine(Path(data), target, features, chunk_rows)
    return stream.MemoryEngine(data, target, features, chunk_rows, name=engine)


def _check(engine: str, chunk_rows: Any) -> None:
    if engine not in ENGINES:
        raise InputError(f"engine must be one of {', '.join(map(repr, ENGINES))}; "
                         f"received {engine!r}")
    whole_number(chunk_rows, "chunk_rows", 1)


@contextmanager
def progress_bar(show: bool) -> Iterator[Tick]:
    """A rich bar on stderr advanced by the rows read (no total: passes vary); a no-op if hidden."""
    if not show:
        yield lambda rows: None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(console=Console(stderr=True), transient=False) as bar:
        task = bar.add_task("training: rows read", total=None)
        yield lambda done: bar.advance(task, done)
