"""The Dask engine: chunks live on workers; the training loop runs on the client.

The data become two Dask arrays, X (N, d) and y (N,), cut into chunks of ``chunk_rows``
rows (rechunked if they come otherwise, so chunk k holds the same rows as in the other
engines), and each chunk is computed once and kept on a worker. Then:

* a full pass at θ maps :func:`gradwise.neuron.chunks.chunk_sums` over the chunks (the fused
  kernel on each worker, on its own rows) and adds the sums in a tree of fan-in
  :data:`SPLIT_EVERY`; only d + 3 numbers per chunk cross the network (the standardisation
  pass and the CLI's metrics fold their own small sums the same way);
* a mini-batch epoch is a chain of tasks, one per chunk, each running
  :func:`gradwise.neuron.chunks.run_chunk` where its chunk lives and passing the small
  :class:`~gradwise.neuron.chunks.Walk` (θ, optimizer state, step) to the next.

The loop itself (:func:`gradwise.neuron.training.train`: recording, stopping rules, full-batch
steps) runs on the client, as it does for the other engines.

Every chunk keeps its lineage (read from Parquet, or cut from an array), so when a worker
is lost Dask recomputes its chunks elsewhere and reruns the lost tasks; the tasks are pure,
so the result does not change. Dask is an optional extra: ``pip install 'gradwise[dask]'``.
"""

from __future__ import annotations

import functools
import operator
import os
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from gradwise.errors import InputError
from gradwise.neuron import _tables, data
from gradwise.neuron.chunks import FullPass, Job, Sums, Walk, run_chunk
from gradwise.neuron.engines import local as stream

SPLIT_EVERY = 8  # tree fan-in: log₈(chunks) rounds of small additions

INSTALL_HINT = "Fix: pip install 'gradwise[dask]'"


def open_engine(data: Any, target: str | None, features: list[str] | None, chunk_rows: int,
                scheduler: str | None, client: Any) -> DaskEngine:
    """The engine for ``data`` on ``client``, a client of ``scheduler``, or a new LocalCluster.

    Args:
        data: a Parquet file or directory of Parquet files, or ``(X, y)`` as NumPy or Dask
            arrays.
        target: the target column, for a path.
        features: the feature columns in order, for a path (default: all but the target).
        chunk_rows: R, the rows per chunk.
        scheduler: a scheduler address such as ``tcp://10.0.0.5:8786``.
        client: an existing ``distributed.Client`` (kept open afterwards).
    """
    da, distributed = _dask()
    X, y, names = _arrays(da, data, target, features)
    owned: list[Any] = []
    if client is None:
        client = _connect(distributed, scheduler, owned)
    try:
        return DaskEngine(client, X, y, chunk_rows, owned, names)
    except BaseException:
        _close(owned)
        raise


class DaskEngine:
    """Chunks of X and y held on Dask workers; see the module docstring.

    Args:
        client: the ``distributed.Client``.
        X: Dask array (N, d).
        y: Dask array (N,).
        chunk_rows: R.
        owned: clients and clusters to close with the engine.
    """

    name = "dask"
    rows: int | None
    features: int

    def __init__(self, client: Any, X: Any, y: Any, chunk_rows: int, owned: list[Any],
                 names: list[str] | None = None) -> None:
        self.client, self.owned, self.names = client, owned, names
        self.rows, self.features = int(X.shape[0]), int(X.shape[1])
        X = X.astype(np.float64).rechunk({0: chunk_rows, 1: -1})
        y = y.astype(np.float64).rechunk(chunk_rows)
        self.xs = client.compute(list(X.to_delayed()[:, 0]))
        self.ys = client.compute(list(y.to_delayed()))

    def full_pass(self, theta: np.ndarray, job: Job, tick: Any) -> Sums:
        """The sums of c and ∇c at θ: each chunk's on its worker, added up in a tree."""
        return self.fold(FullPass(theta, job), tick)  # type: ignore[no-any-return]

    def fold(self, work: Any, tick: Any) -> Any:
        """``work(X, y)`` of every chunk, on the chunk's worker, added up in a tree."""
        total = self._tree(self.client.map(work, self.xs, self.ys, pure=False))
        tick(self.rows)
        return total

    def epoch(self, walk: Walk, job: Job, epoch: int, tick: Any) -> Walk:
        """One mini-batch epoch: a chain of tasks, one per chunk, handing on the Walk."""
        state: Any = walk
        for chunk, (X, y) in enumerate(zip(self.xs, self.ys, strict=True)):
            state = self.client.submit(run_chunk, X, y, state, job, epoch, chunk, pure=False)
        walk = state.result()
        tick(self.rows)
        return walk

    def sample(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``rows`` first rows of the first chunk, raw, fetched to the client."""
        first = self.client.submit(_head, self.xs[0], self.ys[0], rows, pure=False)
        return first.result()  # type: ignore[no-any-return]

    def close(self) -> None:
        """Release the chunks, and close the client and cluster if this engine made them."""
        self.xs, self.ys = [], []
        _close(self.owned)

    def _tree(self, parts: list[Any]) -> Any:
        while len(parts) > 1:
            parts = [self.client.submit(_total, *parts[i : i + SPLIT_EVERY], pure=False)
                     for i in range(0, len(parts), SPLIT_EVERY)]
        return parts[0].result()


def _total(*parts: Any) -> Any:
    return functools.reduce(operator.add, parts)


def _head(X: np.ndarray, y: np.ndarray, rows: int) -> tuple[np.ndarray, np.ndarray]:
    return X[:rows].copy(), y[:rows].copy()


def local_cluster(workers: int | None = None, processes: bool = True) -> Any:
    """A LocalCluster of one-thread workers, one per core, each kernel call on one thread.

    With one thread per worker process, parallelism comes from the workers, as on a real
    cluster; numba's own threads are set to one so they do not oversubscribe the cores.
    """
    _, distributed = _dask()
    workers = workers or os.cpu_count() or 1
    return distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=processes,
                                    dashboard_address=":0",
                                    env={"NUMBA_NUM_THREADS": "1"} if processes else None)


def _connect(distributed: Any, scheduler: str | None, owned: list[Any]) -> Any:
    if scheduler is None:
        owned.append(local_cluster())
        owned.insert(0, distributed.Client(owned[0]))
        return owned[0]
    if not isinstance(scheduler, str):
        raise InputError(f"scheduler must be an address such as 'tcp://10.0.0.5:8786'; "
                         f"received {scheduler!r}")
    try:
        owned.append(distributed.Client(scheduler, timeout="10s"))
    except OSError as error:
        raise InputError(f"cannot reach the Dask scheduler at {scheduler!r} ({error}). Fix: "
                         "check the address, or leave out --scheduler for a LocalCluster") from None
    return owned[0]


def _close(owned: list[Any]) -> None:
    for thing in owned:  # the client first, then its cluster
        thing.close()
    owned.clear()


def _arrays(da: Any, data: Any, target: str | None,
            features: list[str] | None) -> tuple[Any, Any, list[str] | None]:
    if isinstance(data, (str, Path)):
        return _parquet(da, Path(data), target, features)
    if not (isinstance(data, tuple) and len(data) == 2):
        raise InputError(f"engine='dask' takes the path of a Parquet file or directory, or "
                         f"(X, y) arrays; received {type(data).__name__}")
    X, y = (v if isinstance(v, da.Array) else da.from_array(np.asarray(v)) for v in data)
    if X.ndim != 2 or y.ndim != 1 or X.shape[0] != y.shape[0] or X.shape[0] == 0:
        raise InputError(f"X must have shape (N, d) with N >= 1 and y shape (N,); received X "
                         f"{X.shape} and y {y.shape}. Fix: y = y.ravel()")
    return X, y, None


def _parquet(da: Any, path: Path, target: str | None,
             features: list[str] | None) -> tuple[Any, Any, list[str]]:
    """X and y as Dask arrays with one piece per Parquet row group, in file order."""
    import dask

    files = stream.files(path)
    if any(f.suffix.lower() not in _tables.PARQUET_SUFFIXES for f in files):
        raise InputError(f"engine='dask' reads Parquet; {path} is not a Parquet file. Fix: "
                         "convert it (pyarrow.csv.read_csv + pyarrow.parquet.write_table), "
                         "or use engine='stream'")
    target = stream._target(target, path)
    used = [*stream.columns(files[0], target, features), target]
    Xs, ys = [], []
    for file in files:
        _tables.ParquetTable(file, target)._require_numeric(used)
        first = 0
        for group, rows in enumerate(_row_groups(file)):
            piece = dask.delayed(read_row_group, pure=True)(file, group, used, first)
            Xs.append(da.from_delayed(piece[0], shape=(rows, len(used) - 1), dtype=np.float64))
            ys.append(da.from_delayed(piece[1], shape=(rows,), dtype=np.float64))
            first += rows
    return da.concatenate(Xs), da.concatenate(ys), used[:-1]


def _row_groups(path: Path) -> list[int]:
    meta = pq.ParquetFile(path).metadata
    return [meta.row_group(i).num_rows for i in range(meta.num_row_groups)]


def read_row_group(path: Path, group: int, used: list[str],
                   first_row: int) -> tuple[np.ndarray, np.ndarray]:
    """One row group's (X, y), checked as :func:`gradwise.neuron.data.load` checks a whole file."""
    source = _tables.ParquetTable(path, used[-1])  # the target is the last column used
    table = pq.ParquetFile(path).read_row_group(group, columns=used)
    data._check(source, table, first_row=first_row)
    return data._arrays(table, used)


def _dask() -> tuple[Any, Any]:
    try:
        import dask.array as da
        import distributed
    except ImportError as error:
        raise InputError(f"engine='dask' needs dask and distributed ({error}). "
                         f"{INSTALL_HINT}") from None
    return da, distributed
