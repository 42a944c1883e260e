"""The CUDA engine: the rows on a GPU, the training loop on the host.

The loop (:func:`gradwise.neuron.training.train`) asks its two questions as for any engine;
here both are answered by the kernels of :mod:`gradwise.neuron._cuda_kernel`:

* rows that fit in the GPU's free memory are copied there once, on the first pass, and stay
  for the whole run: a full pass is then one kernel over all N rows, and a mini-batch is an
  index range into that copy (the range [lo, hi) of the chunk's rows, or of its shuffled
  order, itself copied once per chunk and epoch), so a step moves d + 2 numbers to the host
  and θ back, never rows;
* rows that do not fit are streamed on every pass, a chunk at a time, through two pinned
  host buffers on two CUDA streams: while the GPU works on chunk k, chunk k + 1 is copied in.

Chunks, batches and their order follow :mod:`gradwise.neuron.chunks` exactly, so the updates
are those of ``engine="memory"``, to float round-off (the GPU adds its sums in another order).
Other sums over the rows (the standardisation's moments, the CLI's metrics) are folded on
the host, from the rows the engine was given. ``pip install 'gradwise[gpu]'``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from gradwise.errors import InputError
from gradwise.neuron import _validation as checks
from gradwise.neuron import gpu
from gradwise.neuron.chunks import Job, Sums, Walk, batch_order, walk_batches
from gradwise.neuron.derivation import derive
from gradwise.neuron.engines import local
from gradwise.neuron.kernel import phi_delta_source

T = TypeVar("T")
Tick = Callable[[int], None]

HEADROOM = 256 << 20
"""Bytes of free GPU memory left to the kernels' buffers (and to other programs)."""
STREAM_FIX = "Fix: stream smaller chunks with a smaller --chunk-rows (chunk_rows=)"


def open_engine(data: Any, target: str | None, features: list[str] | None,
                chunk_rows: int) -> CudaEngine:
    """The engine for ``(X, y)`` on the host or on the GPU, or for a data file (read a chunk
    at a time, as ``engine="stream"`` reads it).

    Raises:
        InputError: no usable GPU (the message says what is missing), bad arrays.
    """
    gpu.require()
    if isinstance(data, tuple) and len(data) == 2 and gpu.is_device_array(data[0]):
        return CudaEngine(_DeviceRows(*data, chunk_rows))
    if isinstance(data, (str, Path)):
        return CudaEngine(local.FileEngine(Path(data), target, features, chunk_rows))
    return CudaEngine(local.MemoryEngine(data, target, features, chunk_rows, name="cuda"))


class CudaEngine:
    """Rows from ``host`` (arrays, a file, or arrays already on the GPU), worked on by the GPU.

    Args:
        host: a chunked engine (:mod:`gradwise.neuron.engines.local`) that reads the rows.
    """

    name = "cuda"

    def __init__(self, host: Any) -> None:
        self.host, self.names, self.features = host, host.names, host.features
        self.chunk_rows = host.chunk_rows
        if host.rows is None:  # a CSV: count its rows once, to size the copy
            host.fold(lambda X, y: len(y), lambda rows: None)
        self.rows: int | None = host.rows
        self.n: int = host.rows  # N, known from here on
        self.cuda = gpu.require()
        self.streams = [self.cuda.stream(), self.cuda.stream()]
        self.kernels: dict[str, list[Any]] = {}  # two per phi_delta source, one per stream
        self.staging: _Staging | None = None
        self.X = self.y = None  # the resident copy, once made
        self.resident = isinstance(host, _DeviceRows) or self._fits()
        if isinstance(host, _DeviceRows):
            self.X, self.y = host.X, host.y

    def full_pass(self, theta: np.ndarray, job: Job, tick: Tick) -> Sums:
        """The sums of c and ∇c over every row at θ: one kernel over the resident copy, or
        chunk by chunk as they stream in."""
        kernels = self._kernels(job)
        if self.resident:
            X, y = self._resident()
            total = _sums(kernels[0].sums(X, y, theta), self.n, job)
            tick(self.n)
        else:
            total = self._streamed_pass(kernels, theta, job, tick)
        if not (np.isfinite(total.cost) and np.isfinite(total.gradient).all()):
            self._refuse_not_finite()  # as the kernel refuses nan/inf rows on the CPU
        return total

    def epoch(self, walk: Walk, job: Job, epoch: int, tick: Tick) -> Walk:
        """One mini-batch epoch from ``walk``: the chunks in order, each batch on the GPU."""
        kernels = self._kernels(job)
        for chunk, (slot, X, y) in enumerate(self._chunks()):
            walk = self._run_chunk(kernels[slot], X, y, walk, job, epoch, chunk)
            tick(X.shape[0])
            if walk.status is not None:
                break
        return walk

    def fold(self, work: Callable[[np.ndarray, np.ndarray], T], tick: Tick) -> T:
        """``work(X, y)`` of every chunk of rows, on the host, added up in chunk order."""
        return self.host.fold(work, tick)  # type: ignore[no-any-return]

    def sample(self, rows: int) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``rows`` first rows, on the host."""
        return self.host.sample(rows)  # type: ignore[no-any-return]

    def close(self) -> None:
        """Let go of the GPU's copy and buffers (numba frees them)."""
        self.X = self.y = self.staging = None
        self.kernels.clear()

    def _refuse_not_finite(self) -> None:
        """The CPU kernel's InputError for the first nan/inf of y, then of X (rows counted
        from the first); nothing when the rows are finite (φ itself overflowed)."""
        if self.resident:
            from gradwise.neuron import _cuda_launch

            _cuda_launch.raise_if_not_finite(*self._resident())
            return
        first = 0
        for X, y in self.host.chunks():
            for name, values in (("y", y), ("X", X)):
                bad = np.argwhere(~np.isfinite(values))
                if bad.size:
                    cell = (first + int(bad[0][0]), *map(int, bad[0][1:]))
                    checks.refuse_not_finite(name, cell, float(values[tuple(bad[0])]),
                                             None if name == "X" else len(bad))
            first += len(y)

    # -- where the rows are --------------------------------------------------------------

    def _fits(self) -> bool:
        """Whether all rows fit on the GPU; if not, whether two chunks do (else InputError)."""
        free, _ = gpu.memory()
        if self.n * (self.features + 1) * 8 + HEADROOM <= free:
            return True
        gpu.require_room(2 * self.chunk_rows * (self.features + 1) * 8 + HEADROOM,
                         f"streaming chunks of {self.chunk_rows:,} rows", STREAM_FIX)
        return False

    def _resident(self) -> tuple[Any, Any]:
        """The rows on the GPU, copied there from the host on first use."""
        if self.X is None:
            needed = self.n * (self.features + 1) * 8
            with gpu.out_of_memory(f"the {self.n:,} rows", needed, STREAM_FIX):
                X = self.cuda.device_array((self.n, self.features), dtype=np.float64)
                y = self.cuda.device_array(self.n, dtype=np.float64)
                for _ in self._staged(X, y):
                    pass
                self.cuda.synchronize()
            self.X, self.y, self.staging = X, y, None  # the pinned buffers are done with
        return self.X, self.y

    def _chunks(self) -> Iterator[tuple[int, Any, Any]]:
        """(slot, X, y) on the GPU for each chunk in order: views of the resident copy, or
        the chunks streamed through two slots (chunk k + 1 copied in while k is used)."""
        if self.resident:
            X, y = self._resident()
            for lo in range(0, self.n, self.chunk_rows):
                yield 0, X[lo : lo + self.chunk_rows], y[lo : lo + self.chunk_rows]
            return
        yield from self._staged()

    def _staged(self, X: Any = None, y: Any = None) -> Iterator[tuple[int, Any, Any]]:
        """The host's chunks copied to the GPU through the pinned buffers, one chunk ahead:
        into ``X`` and ``y`` at their rows when given, else into the slot's own buffers."""
        if self.staging is None:
            self.staging = _Staging(self.cuda, self.chunk_rows, self.features, self.streams)
        ahead, lo = None, 0
        for k, chunk in enumerate(self.host.chunks()):
            landed = self.staging.copy(chunk, k % 2, X, y, lo)
            lo += len(chunk[1])
            if ahead is not None:
                yield ahead
            ahead = landed
        if ahead is not None:
            yield ahead

    # -- the work ------------------------------------------------------------------------

    def _kernels(self, job: Job) -> list[Any]:
        """The job's two kernels (one per stream), reading x as the job standardises it."""
        from gradwise.neuron._cuda_launch import Kernel

        source = phi_delta_source(derive(job.activation, job.cost))
        if source not in self.kernels:
            dtype = np.float64 if self.X is None else self.X.dtype
            self.kernels[source] = [Kernel(source, self.features, dtype, stream)
                                    for stream in self.streams]
        for kernel in self.kernels[source]:
            kernel.standardize(job.scaling)
        return self.kernels[source]

    def _streamed_pass(self, kernels: list[Any], theta: np.ndarray, job: Job,
                       tick: Tick) -> Sums:
        """Each chunk's sums queued on its slot's stream; a slot's previous sums are read
        before it is used again, so the chunks' sums are added in chunk order."""
        total = Sums(0, 0.0, np.zeros(self.features + 1))
        queued: deque[tuple[int, int]] = deque()  # (slot, rows) of the chunks in flight
        for slot, X, y in self._chunks():
            if queued and queued[0][0] == slot:
                total += _sums(kernels[slot].finish(), queued.popleft()[1], job)
            kernels[slot].start(X, y, theta)
            queued.append((slot, X.shape[0]))
            tick(X.shape[0])
        while queued:
            slot, rows = queued.popleft()
            total += _sums(kernels[slot].finish(), rows, job)
        return total

    def _run_chunk(self, kernel: Any, X: Any, y: Any, walk: Walk, job: Job, epoch: int,
                   chunk: int) -> Walk:
        """:func:`gradwise.neuron.chunks.run_chunk`'s batches, each an index range on the GPU."""
        order = batch_order(X.shape[0], job, epoch, chunk)
        rows = None if order is None else self.cuda.to_device(order, stream=kernel.stream)

        def batch_gradient(lo: int, hi: int, theta: np.ndarray) -> tuple[float, np.ndarray]:
            if rows is None:
                sums = kernel.sums(X[lo:hi], y[lo:hi], theta)
            else:
                sums = kernel.sums(X, y, theta, order=rows[lo:hi])
            return _means(sums, hi - lo, job)

        return walk_batches(walk, job, X.shape[0], batch_gradient)


def _means(sums: np.ndarray, rows: int, job: Job) -> tuple[float, np.ndarray]:
    """(C, ∇C) from [Σc, Σδ, Σδ·x], as :func:`gradwise.neuron.chunks.cost_gradient` gives
    them: without an intercept, b's component is 0."""
    means = sums / rows
    return float(means[0]), np.append(means[2:], means[1] if job.fit_intercept else 0.0)


def _sums(sums: np.ndarray, rows: int, job: Job) -> Sums:
    gradient = np.append(sums[2:], sums[1] if job.fit_intercept else 0.0)
    return Sums(rows, float(sums[0]), gradient)


class _Staging:
    """Two pinned host buffers and, when streaming, two GPU buffers of one chunk each."""

    def __init__(self, cuda: Any, rows: int, features: int, streams: list[Any]) -> None:
        self.cuda, self.streams, self.shape = cuda, streams, (rows, features)
        self.host = [(cuda.pinned_array((rows, features)), cuda.pinned_array(rows))
                     for _ in range(2)]
        self.device: list[Any] = []  # made on the first streamed chunk (not for a copy)
        self.copied: list[Any] = [None, None]

    def _device(self, slot: int) -> tuple[Any, Any]:
        if not self.device:
            rows, features = self.shape
            needed = 2 * rows * (features + 1) * 8
            with gpu.out_of_memory(f"streaming chunks of {rows:,} rows", needed, STREAM_FIX):
                self.device = [(self.cuda.device_array((rows, features)),
                                self.cuda.device_array(rows)) for _ in range(2)]
        return self.device[slot]  # type: ignore[no-any-return]

    def copy(self, chunk: tuple[np.ndarray, np.ndarray], slot: int, X: Any, y: Any,
             lo: int) -> tuple[int, Any, Any]:
        """Start copying ``chunk`` to the GPU on the slot's stream; its (slot, X, y) there."""
        if self.copied[slot] is not None:
            self.copied[slot].synchronize()  # the slot's last copy has left its pinned buffer
        rows = len(chunk[1])
        host_X, host_y = self.host[slot][0][:rows], self.host[slot][1][:rows]
        host_X[:], host_y[:] = chunk
        to_X, to_y = self._device(slot) if X is None else (X[lo:], y[lo:])
        to_X, to_y = to_X[:rows], to_y[:rows]
        stream = self.streams[slot]
        to_X.copy_to_device(host_X, stream=stream)
        to_y.copy_to_device(host_y, stream=stream)
        event = self.cuda.event()
        event.record(stream)
        self.copied[slot] = event
        return slot, to_X, to_y


class _DeviceRows(local._ChunkedEngine):
    """Rows already on the GPU, as a chunked engine for the host's folds: each chunk is
    copied to the host when a fold or a sample reads it."""

    name = "cuda"

    def __init__(self, X: Any, y: Any, chunk_rows: int) -> None:
        self.X, self.y = gpu.device_view(X), gpu.device_view(y)
        if len(self.X.shape) != 2 or tuple(self.y.shape) != (self.X.shape[0],) or (
                self.X.shape[0] == 0) or np.dtype(self.X.dtype) not in (np.float32, np.float64):
            raise InputError(f"X must have shape (N, d), float32 or float64, with N >= 1 and y "
                             f"shape (N,); received X {tuple(self.X.shape)} {self.X.dtype} and "
                             f"y {tuple(self.y.shape)}. Fix: y = y.ravel()")
        rows, self.features = (int(v) for v in self.X.shape)
        self.rows: int | None = rows
        self.names, self.chunk_rows = None, chunk_rows

    def chunks(self) -> local.Chunks:
        for lo in range(0, self.X.shape[0], self.chunk_rows):
            hi = lo + self.chunk_rows
            yield (self.X[lo:hi].copy_to_host().astype(np.float64),
                   self.y[lo:hi].copy_to_host().astype(np.float64))
