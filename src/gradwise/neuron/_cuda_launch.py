"""The CUDA back end of ``cost_and_gradient(..., backend="cuda")``, and the launches under it.

A :class:`Kernel` owns what one launch needs besides X and y (θ, the standardisation, each
block's partial sums, the total, and a pinned host copy of it) and reuses them on every
call, so the steps of a training run allocate nothing. Each call is two launches on the
kernel's stream, the rows' sums per block and then their total, and one copy of d + 2
numbers back to the host: :meth:`Kernel.start` queues them, :meth:`Kernel.finish` waits
for them, so a caller can queue work on two kernels (two streams) before waiting on either.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from gradwise.neuron import _cuda_kernel, gpu
from gradwise.neuron import _validation as checks


class Kernel:
    """The kernels of one ``phi_delta`` for X with ``features`` columns of ``dtype``.

    Args:
        source: the printed ``phi_delta`` (:func:`gradwise.neuron.kernel.phi_delta_source`).
        features: d.
        dtype: X's dtype on the GPU, float32 or float64.
        stream: the CUDA stream to queue on (a new one by default).
    """

    def __init__(self, source: str, features: int, dtype: Any, stream: Any = None) -> None:
        cuda = gpu.require()
        self.threads, self.blocks = gpu.THREADS, gpu.max_blocks()
        self.module = _cuda_kernel.compiled(source, features, np.dtype(dtype).name,
                                            self.threads)
        self.stream = stream if stream is not None else cuda.stream()
        self.theta_host = cuda.pinned_array(features + 1, dtype=np.float64)
        self.result = cuda.pinned_array((1, features + 2), dtype=np.float64)
        self.theta = cuda.device_array(features + 1, dtype=np.float64)
        self.partial = cuda.device_array((self.blocks, features + 2), dtype=np.float64)
        self.out = cuda.device_array((1, features + 2), dtype=np.float64)
        self.scaling = cuda.to_device(np.stack([np.zeros(features), np.ones(features)]))
        self.scaled = False

    def standardize(self, scaling: Any) -> None:
        """Read every x as (x − offset) / scale from now on, for a
        :class:`~gradwise.neuron.scaling.Scaling` (``None``: x as it is)."""
        self.scaled = scaling is not None
        if scaling is not None:
            self.scaling.copy_to_device(np.stack([scaling.offset, scaling.scale]).astype(
                np.float64))

    def sums(self, X: Any, y: Any, theta: np.ndarray, order: Any = None) -> np.ndarray:
        """[Σc, Σδ, Σδ·x₁, …, Σδ·x_d] over the rows of X (or the rows ``order`` of it)."""
        self.start(X, y, theta, order)
        return self.finish()

    def start(self, X: Any, y: Any, theta: np.ndarray, order: Any = None) -> None:
        """Queue the sums on the stream; :meth:`finish` waits for them."""
        self.theta_host[:] = theta
        self.theta.copy_to_device(self.theta_host, stream=self.stream)
        rows = X.shape[0] if order is None else order.shape[0]
        blocks = min(self.blocks, -(-rows // self.threads))
        kernel, data = self._kernel(X, y, order)
        kernel[blocks, self.threads, self.stream](*data, self.theta, self.scaling, self.scaled,
                                                 self.partial)
        self.module.total[1, self.threads, self.stream](self.partial, blocks, self.out)
        self.out.copy_to_host(self.result, stream=self.stream)

    def finish(self) -> np.ndarray:
        """The sums queued by :meth:`start`, once the stream has run them."""
        self.stream.synchronize()
        return self.result[0].copy()

    def _kernel(self, X: Any, y: Any, order: Any) -> tuple[Any, tuple]:
        if order is not None:
            return self.module.gathered_sums, (X, y, order)
        if X.is_f_contiguous() and not X.is_c_contiguous():
            return self.module.column_sums, (X.T, y)
        return self.module.row_sums, (X, y)


# -- backend="cuda" ------------------------------------------------------------------------

KEPT_KERNELS = 8
CALL_FIX = ("Fix: train with engine='cuda' (--engine cuda), which streams X in chunks of "
            "chunk_rows rows (--chunk-rows) when it does not fit, or pass fewer rows")


def validated(X: Any, y: Any, weights: Any, bias: Any) -> tuple:
    """``(X, y, w, b)`` checked with the CPU back ends' messages, before any copy to the
    GPU: arrays already there by shape and dtype; arrays on the host by value as well."""
    if not gpu.is_device_array(X):
        X, y, w, b = checks.validated(X, y, weights, bias)
        checks.raise_if_not_finite(X)
        return X, y, w, b
    X = gpu.device_view(X)
    n, d = checks.check_shape(X.ndim, tuple(X.shape), X.dtype, X)
    if gpu.is_device_array(y):
        y = gpu.device_view(y)
        checks.check_targets_shape(tuple(y.shape), y.dtype, n)
    else:
        y = checks.targets(y, n)
    return X, y, checks.real_weights(weights, d), checks.real_bias(bias)


def sums(X: Any, y: Any, w: np.ndarray, b: float, source: str) -> np.ndarray:
    """[Σc, Σδ, Σδ·x₁, …, Σδ·x_d] over the rows, on the GPU; host arrays are copied there
    first (once), arrays already there are read in place."""
    cuda = gpu.require()
    needed = sum(a.nbytes for a in (X, y) if isinstance(a, np.ndarray))
    if needed:
        gpu.require_room(needed, "copying X and y to the GPU", CALL_FIX)
    with gpu.out_of_memory("copying X and y to the GPU", needed, CALL_FIX):
        if isinstance(X, np.ndarray):
            X = cuda.to_device(X if X.flags.c_contiguous or X.flags.f_contiguous
                               else np.ascontiguousarray(X))
        if isinstance(y, np.ndarray):
            y = cuda.to_device(y)
        return _kernel(source, X.shape[1], np.dtype(X.dtype).name).sums(X, y, np.append(w, b))


_calls = threading.local()


def _kernel(source: str, features: int, dtype: str) -> Kernel:
    """This thread's :class:`Kernel` for these arguments, kept, so that repeated calls (a
    loop over steps) allocate nothing: pinned memory alone takes about a millisecond."""
    kernels = _calls.__dict__.setdefault("kernels", {})
    key = (source, features, dtype, gpu.THREADS, gpu.BLOCKS_PER_SM)
    if key not in kernels:
        if len(kernels) >= KEPT_KERNELS:
            kernels.pop(next(iter(kernels)))  # the oldest
        kernels[key] = Kernel(source, features, dtype)
    return kernels[key]  # type: ignore[no-any-return]


def raise_if_not_finite(X: Any, y: Any) -> None:
    """The InputError naming the first nan/inf of y, then of X, as the CPU back ends do."""
    if not isinstance(y, np.ndarray):  # a host y was checked before the copy
        flat, count = _first_not_finite(y.reshape(y.shape[0], 1))
        if count:
            checks.refuse_not_finite("y", (flat,), float(y[flat]), count)
    if isinstance(X, np.ndarray):
        checks.raise_if_not_finite(X)
        return
    flat, count = _first_not_finite(X)
    if count:
        i, j = divmod(flat, X.shape[1])
        checks.refuse_not_finite("X", (i, j), float(X[i, j]))


def _first_not_finite(values: Any) -> tuple[int, int]:
    """(flat index of the first nan/inf, how many) of a 2-D device array."""
    cuda = gpu.require()
    found = cuda.to_device(np.array([values.size, 0], dtype=np.int64))
    blocks = min(gpu.max_blocks(), -(-values.size // gpu.THREADS))
    _cuda_kernel.first_not_finite[blocks, gpu.THREADS](values, found)
    first, count = found.copy_to_host().tolist()
    return first, count
