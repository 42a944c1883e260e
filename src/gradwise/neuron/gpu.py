"""The GPU as the neuron sees it: whether one is usable (and if not, what is missing), arrays
on it, its memory, and what it needs to run a kernel.

The kernels (:mod:`gradwise.neuron._cuda_kernel`, launched by
:mod:`gradwise.neuron._cuda_launch`) are compiled by numba-cuda (``pip install
'gradwise[gpu]'``). With ``NUMBA_ENABLE_CUDASIM=1`` numba's simulator runs them on the CPU,
one Python thread per GPU thread: that is how the tests run them without a GPU. Nothing
here picks the GPU by itself; it is used only when asked for (``backend="cuda"``,
``engine="cuda"``).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from gradwise.errors import InputError

THREADS = 256
"""Threads per block: a power of two (the block's tree of sums halves it)."""
BLOCKS_PER_SM = 8
"""Blocks launched per multiprocessor at most; each block then loops over its share of rows."""

INSTALL = "Fix: pip install 'gradwise[gpu]'"
NO_GPU = "Fix: run on a machine with an NVIDIA GPU and its driver, or use engine 'memory'"


@lru_cache(maxsize=1)
def usable() -> tuple[Any, str | None]:
    """``(numba.cuda, None)`` when a GPU (or numba's simulator) can run kernels, else
    ``(None, what is missing)``: numba-cuda, the CUDA driver, or a device."""
    if importlib.util.find_spec("numba_cuda") is None:
        return None, f"numba-cuda is not installed. {INSTALL}"
    # a mini-batch of 256 rows is one block by design: numba's advice to launch more is noise
    os.environ.setdefault("NUMBA_CUDA_LOW_OCCUPANCY_WARNINGS", "0")
    from numba import cuda
    from numba.cuda.core import config

    # (numba.cuda may have been imported before us, its configuration read)
    config.CUDA_LOW_OCCUPANCY_WARNINGS = int(os.environ["NUMBA_CUDA_LOW_OCCUPANCY_WARNINGS"])

    try:
        count = len(cuda.gpus)
    except Exception as error:  # noqa: BLE001 - the driver's own error, of whatever class, says why
        return None, f"{driver_problem(str(error))}. {NO_GPU}"
    if count == 0:
        return None, f"the CUDA driver found no GPU. {NO_GPU}"
    return cuda, None


def driver_problem(message: str) -> str:
    """What is missing, from the text of numba's error at driver start-up."""
    if "cannot be found" in message or "libcuda" in message:
        return "no CUDA driver was found (libcuda)"
    if "NO_DEVICE" in message or "no CUDA-capable device" in message:
        return "the CUDA driver found no GPU"
    first = next((line for line in message.splitlines() if line.strip()), message)
    return f"the CUDA driver did not start ({first.strip()})"


def require() -> Any:
    """``numba.cuda``, or an InputError that names what is missing."""
    cuda, problem = usable()
    if cuda is None:
        raise InputError(f"no usable GPU: {problem}")
    return cuda


def is_device_array(obj: Any) -> bool:
    """Whether ``obj`` lives on a GPU: ``__cuda_array_interface__`` (CuPy, PyTorch, numba) or
    a simulated numba device array. Imports nothing."""
    return hasattr(obj, "__cuda_array_interface__") or (
        hasattr(obj, "copy_to_host") and hasattr(obj, "copy_to_device"))


def device_view(obj: Any) -> Any:
    """A numba device array over the memory of ``obj``, without a copy."""
    cuda = require()
    return obj if cuda.devicearray.is_cuda_ndarray(obj) else cuda.as_cuda_array(obj)


def memory() -> tuple[float, float]:
    """(free, total) bytes of the current GPU (infinite in the simulator)."""
    free, total = require().current_context().get_memory_info()
    return float(free), float(total)


def require_room(needed: int, what: str, fix: str) -> None:
    """An InputError when ``needed`` bytes will not fit in the GPU's free memory."""
    free, total = memory()
    if needed > free:
        raise InputError(f"{what} needs {needed:,} bytes of GPU memory; {int(free):,} of "
                         f"{int(total):,} bytes are free. {fix}")


@contextmanager
def out_of_memory(what: str, needed: int, fix: str) -> Iterator[None]:
    """Turn the driver's out-of-memory error into the same InputError as :func:`require_room`
    (other programs may take memory between the check and the allocation)."""
    try:
        yield
    except Exception as error:
        if not _out_of_memory(error):
            raise
        free, total = memory()
        raise InputError(f"{what} needs {needed:,} bytes of GPU memory; the GPU ran out "
                         f"({int(free):,} of {int(total):,} bytes free). {fix}") from None


def _out_of_memory(error: Exception) -> bool:
    """Whether numba's CudaAPIError says CUDA_ERROR_OUT_OF_MEMORY (code 2)."""
    return getattr(error, "code", None) == 2 or "OUT_OF_MEMORY" in str(error)


def simulated() -> bool:
    """Whether numba's CUDA simulator stands in for the GPU (``NUMBA_ENABLE_CUDASIM=1``)."""
    require()
    from numba.cuda.core import config

    return bool(config.ENABLE_CUDASIM)


def max_blocks() -> int:
    """Blocks per launch: enough to fill every multiprocessor several times over."""
    device = require().get_current_device()
    return max(1, getattr(device, "MULTIPROCESSOR_COUNT", 1) * BLOCKS_PER_SM)
