"""The GPU the CUDA tests run on: numba's simulator in CI, a real one where asked for.

The simulator runs every GPU thread as a Python thread, so the tests launch small blocks
(8 threads, 2 blocks: "more rows than threads" from 17 rows) and shorten the interpreter's
thread switch interval, which takes a launch from about 0.3 s to 0.03 s. It also shares each
block's ``cuda.shared.array`` between threads through a dict filled without a lock, so two
threads arriving together can each get their own array and the block's sums come out wrong
now and then (measured: 1 to 4 wrong calls in 60); the fixture fills it under a lock.
"""

import sys
import threading
import traceback

import pytest

SIMULATOR_THREADS = 8
SIMULATOR_BLOCKS = 2


@pytest.fixture
def cuda_device(monkeypatch):
    """``gradwise.neuron.gpu``, ready to run kernels (skips where no GPU is usable)."""
    from gradwise.neuron import gpu

    cuda, problem = gpu.usable()
    if cuda is None:
        pytest.skip(f"no usable GPU: {problem}")
    if gpu.simulated():
        monkeypatch.setattr(gpu, "THREADS", SIMULATOR_THREADS)
        monkeypatch.setattr(gpu, "BLOCKS_PER_SM", SIMULATOR_BLOCKS)
        _lock_shared_arrays(monkeypatch)
        interval = sys.getswitchinterval()
        sys.setswitchinterval(1e-4)
        yield gpu
        sys.setswitchinterval(interval)
    else:
        yield gpu


def _lock_shared_arrays(monkeypatch):
    """The simulator's allocation of static shared arrays, keyed as it keys them (by the
    kernel's file and line), made under a lock."""
    import numpy as np
    from numba.cuda import types
    from numba.cuda.np import numpy_support
    from numba.cuda.simulator import kernelapi

    lock = threading.Lock()
    dynamic = kernelapi.FakeCUDAShared.array

    def array(self, shape, dtype, alignment=None):
        if shape == 0 or alignment is not None:
            return dynamic(self, shape, dtype, alignment)
        caller = tuple(traceback.extract_stack(sys._getframe(1), limit=1)[-1])[0:2]
        if isinstance(dtype, types.Type):
            dtype = numpy_support.as_dtype(dtype)
        with lock:
            if caller not in self._allocations:
                self._allocations[caller] = np.empty(shape, dtype)
            return self._allocations[caller]

    monkeypatch.setattr(kernelapi.FakeCUDAShared, "array", array)
