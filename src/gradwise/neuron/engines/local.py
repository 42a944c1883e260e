"""The single-machine engines: chunks of an array in memory, or of files read as they are used.

:class:`FileEngine` trains from data larger than memory: every pass reads a Parquet file, a
directory of Parquet files (in sorted name order) or a CSV (plain or gzip) from the start,
``chunk_rows`` rows at a time, through :func:`gradwise.neuron.data.iter_batches` (pyarrow, with the
same checks and errors as :func:`gradwise.neuron.data.load`). Chunks run on across file
boundaries, so chunk k is rows [k·R, (k + 1)·R) of the concatenated files, exactly as
:class:`MemoryEngine` cuts an array. Memory is bounded by a chunk plus what pyarrow buffers
(for Parquet, one row group of the used columns).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from itertools import islice
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pyarrow.parquet as pq

from gradwise.errors import DataError, InputError
from gradwise.neuron import _tables, data
from gradwise.neuron.chunks import FullPass, Job, Sums, Walk, run_chunk
from gradwise.neuron.data import Dataset

Chunks = Iterator[tuple[np.ndarray, np.ndarray]]
Tick = Callable[[int], None]
T = TypeVar("T")


class _ChunkedEngine:
    """Runs the per-chunk work of :mod:`gradwise.neuron.chunks` over ``chunks()``, in order.

    Attributes:
        name: the engine's name.
        rows: N, once known (a CSV's after the first pass).
        features: d.
        names: the feature columns, when the data came from a file.
        chunk_rows: R.
    """

    name: str
    rows: int | None
    features: int
    names: list[str] | None
    chunk_rows: int

    def chunks(self) -> Chunks:
        raise NotImplementedError

    def full_pass(self, theta: np.ndarray, job: Job, tick: Tick) -> Sums:
        """The sums of c and ∇c at θ, chunk by chunk in order."""
        return self.fold(FullPass(theta, job), tick)

    def fold(self, work: Callable[[np.ndarray, np.ndarray], T], tick: Tick) -> T:
        """``work(X, y)`` of every chunk, added up in chunk order."""
        total: Any = None
        rows = 0
        for X, y in self.chunks():
            part = work(X, y)
            total = part if total is None else total + part
            rows += len(y)
            tick(len(y))
        self.rows = rows
        return total  # type: ignore[no-any-return]

    def epoch(self, walk: Walk, job: Job, epoch: int, tick: Tick) -> Walk:
        """One mini-batch epoch from ``walk``, chunk after chunk."""
        for chunk, (X, y) in enumerate(self.chunks()):
            walk = run_chunk(X, y, walk, job, epoch, chunk)
            tick(len(y))
            if walk.status is not None:
                break
        return walk

    def sample(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``rows`` first rows, raw (the saturation check measures on them)."""
        taken = list(islice(self.chunks(), max(1, -(-rows // self.chunk_rows))))
        X = np.concatenate([X for X, _ in taken])[:rows]
        return X, np.concatenate([y for _, y in taken])[:rows]

    def close(self) -> None:
        """Nothing to release: every pass opens and closes its own readers."""


class MemoryEngine(_ChunkedEngine):
    """X and y in RAM, used as views of ``chunk_rows`` rows.

    Args:
        data: ``(X, y)``, X of shape (N, d), y of shape (N,); a path, loaded whole; or a
            loaded :class:`~gradwise.neuron.data.Dataset` (its columns keep their names).
        target: the target column when ``data`` is a path.
        features: the feature columns when ``data`` is a path.
        chunk_rows: R.
        name: the engine's name in results: ``memory``, or ``stream`` for arrays given to
            the stream engine (they are already in memory: the same chunks).
    """

    def __init__(self, data: Any, target: str | None, features: Sequence[str] | None,
                 chunk_rows: int, name: str = "memory") -> None:
        self.name, self.names = name, None
        if isinstance(data, (str, Path)):
            X, y, self.names = _load(data, target, features)
        elif isinstance(data, Dataset):
            X, y, self.names = data.X, data.y, list(data.feature_names)
        else:
            X, y = _arrays(data)
        self.X, self.y, self.chunk_rows = X, y, chunk_rows
        self.rows, self.features = X.shape

    def chunks(self) -> Chunks:
        for lo in range(0, self.X.shape[0], self.chunk_rows):
            yield self.X[lo : lo + self.chunk_rows], self.y[lo : lo + self.chunk_rows]


class FileEngine(_ChunkedEngine):
    """A file or directory of files, read one chunk at a time on every pass.

    Args:
        path: a Parquet file, a directory of Parquet files, or a CSV (``.csv``, ``.csv.gz``).
        target: the column to predict.
        features: the feature columns in order (default: every column but the target).
        chunk_rows: R.

    Raises:
        DataError: no such file, an empty directory, a missing column.
    """

    name = "stream"

    def __init__(self, path: Path, target: str | None, features: Sequence[str] | None,
                 chunk_rows: int) -> None:
        self.files = files(path)
        self.target = _target(target, path)
        self.names = columns(self.files[0], self.target, features)
        self.chunk_rows = chunk_rows
        self.features = len(self.names)
        self.rows = parquet_rows(self.files)

    def chunks(self) -> Chunks:
        parts = (part for path in self.files
                 for part in data.iter_batches(path, self.target, self.names, self.chunk_rows))
        return exact_chunks(parts, self.chunk_rows)


def files(path: Path) -> list[Path]:
    """``[path]`` for a file; a directory's Parquet files in sorted name order."""
    if path.is_dir():
        found = sorted(p for p in path.iterdir()
                       if p.is_file() and p.suffix.lower() in _tables.PARQUET_SUFFIXES)
        if not found:
            raise DataError(f"{path}: the directory holds no .parquet files; expected a Parquet "
                            "dataset. Fix: give a file, or a directory of .parquet files")
        return found
    _tables.require_file(path)
    return [path]


def columns(path: Path, target: str, features: Sequence[str] | None) -> list[str]:
    """The feature columns in order, checked against the file's header or schema."""
    table = _tables.open_table(path)
    return data._select(path, table.names, target, features)[:-1]


def parquet_rows(paths: list[Path]) -> int | None:
    """Total rows from the Parquet footers, or ``None`` for a CSV (known after one pass)."""
    if any(p.suffix.lower() not in _tables.PARQUET_SUFFIXES for p in paths):
        return None
    return sum(pq.ParquetFile(p).metadata.num_rows for p in paths)


def exact_chunks(parts: Chunks, rows: int) -> Chunks:
    """Re-cut a stream of (X, y) pieces into chunks of exactly ``rows`` rows (the last fewer)."""
    held: list[tuple[np.ndarray, np.ndarray]] = []
    count = 0
    for X, y in parts:
        held.append((X, y))
        count += len(y)
        while count >= rows:
            X_all, y_all = _joined(held)
            yield X_all[:rows], y_all[:rows]
            held, count = [(X_all[rows:], y_all[rows:])], count - rows
    if count:
        yield _joined(held)


def _joined(held: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    held = [(X, y) for X, y in held if len(y)]
    if len(held) == 1:
        return held[0]  # the common case: no copy
    return np.concatenate([X for X, _ in held]), np.concatenate([y for _, y in held])


def _target(target: str | None, path: Path) -> str:
    if not isinstance(target, str):
        raise InputError(f"reading {path} needs target=, the column to predict; received "
                         f"{target!r}")
    return target


def _load(path: str | Path, target: str | None,
          features: Sequence[str] | None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    paths = files(Path(path))
    target = _target(target, Path(path))
    used = columns(paths[0], target, features)
    loaded = [data.load(p, target, used) for p in paths]
    if len(loaded) == 1:
        return loaded[0].X, loaded[0].y, used
    return (np.concatenate([d.X for d in loaded]), np.concatenate([d.y for d in loaded]),
            used)


def _arrays(pair: Any) -> tuple[np.ndarray, np.ndarray]:
    if not (isinstance(pair, tuple) and len(pair) == 2):
        raise InputError(f"data must be (X, y) or the path of a file; received "
                         f"{type(pair).__name__}. Fix: train((X, y), ...)")
    X, y = np.asarray(pair[0], dtype=np.float64), np.asarray(pair[1], dtype=np.float64)
    if X.ndim != 2 or y.shape != (X.shape[0],) or X.shape[0] == 0:
        raise InputError(f"X must have shape (N, d) with N >= 1 and y shape (N,); received X "
                         f"{X.shape} and y {y.shape}. Fix: y = np.ravel(y)")
    return np.ascontiguousarray(X), y
