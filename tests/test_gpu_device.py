"""The CUDA back end and engine on a real GPU, at full launch size and realistic row counts.

Skipped unless a GPU is usable and numba's simulator is off, so CI (which simulates) skips it:

    NUMBA_ENABLE_CUDASIM=0 python -m pytest tests/test_gpu_device.py

The simulated tests (test_cuda_kernel.py, test_cuda_engine.py) cover the same code with tiny
blocks; these check what the simulator cannot: the compiled code, 256-thread blocks, many
blocks per multiprocessor, real streams and events, and arrays from CuPy and PyTorch.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from gradwise.errors import InputError
from gradwise.neuron import gpu
from gradwise.neuron.api import train
from gradwise.neuron.kernel import cost_and_gradient

if os.environ.get("NUMBA_ENABLE_CUDASIM") != "0":
    pytest.skip("the CUDA tests ran on numba's simulator; on a machine with a GPU run "
                "NUMBA_ENABLE_CUDASIM=0 python -m pytest tests/test_gpu_device.py",
                allow_module_level=True)
_, PROBLEM = gpu.usable()
if PROBLEM is not None:
    pytest.skip(f"no usable GPU: {PROBLEM}", allow_module_level=True)

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "softplus"]


def data(rows, features=10, seed=0, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features)).astype(dtype)
    y = (rng.random(rows) < 0.5).astype(dtype)
    return X, y, rng.normal(size=features) * 0.3, 0.1


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("order", ["C", "F"])
def test_a_million_rows_agree_with_the_cpu_kernel(activation, order):
    X, y, w, b = data(1_000_003)
    want = cost_and_gradient(X, y, w, b, activation, backend="numba")
    got = cost_and_gradient(np.asarray(X, order=order), y, w, b, activation, backend="cuda")
    for g, v in zip(got, want):
        np.testing.assert_allclose(g, v, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("features", [1, 10, 37, 600])
def test_float32_within_1e_5_of_float64(features):
    X, y, w, b = data(300_001, features, dtype=np.float32)
    got = cost_and_gradient(X, y, w, b, backend="cuda")
    want = cost_and_gradient(X.astype(np.float64), y.astype(np.float64), w, b, backend="numpy")
    scale = np.abs(want[1]).max()
    assert np.abs(got[1] - want[1]).max() <= 1e-5 * scale
    assert abs(float(got[0]) - float(want[0])) <= 1e-5 * float(want[0])


@pytest.mark.parametrize("library", ["cupy", "torch"])
def test_arrays_of_other_libraries_are_read_in_place(library):
    module = pytest.importorskip(library)
    X, y, w, b = data(100_000)
    if library == "cupy":
        X_gpu, y_gpu = module.asarray(X), module.asarray(y)
    else:
        X_gpu, y_gpu = module.from_numpy(X).cuda(), module.from_numpy(y).cuda()
    got = cost_and_gradient(X_gpu, y_gpu, w, b, backend="cuda")
    want = cost_and_gradient(X, y, w, b, backend="numpy")
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("settings", [
    {"max_epochs": 5, "learning_rate": 0.5, "standardize": True},
    {"max_epochs": 1, "batch_size": 4096, "method": "adam", "learning_rate": 0.01},
    {"max_epochs": 1, "batch_size": 1000, "shuffle": False},
])
@pytest.mark.parametrize("streamed", [False, True])
def test_training_makes_the_memory_engines_updates(monkeypatch, settings, streamed):
    X, y, _, _ = data(200_000, 8)
    want = train((X, y), engine="memory", chunk_rows=50_000, **settings)
    if streamed:
        from gradwise.neuron.engines import cuda as engine

        monkeypatch.setattr(gpu, "memory", lambda: (engine.HEADROOM + 8e6, 1e12))
    got = train((X, y), engine="cuda", chunk_rows=50_000, **settings)
    assert got.n_steps == want.n_steps
    np.testing.assert_allclose(got.history, want.history, rtol=1e-9)
    np.testing.assert_allclose(got.weights, want.weights, rtol=1e-8, atol=1e-12)


def test_more_than_the_gpu_holds_is_an_input_error_with_the_bytes():
    free, total = gpu.memory()
    with pytest.raises(InputError, match=r"needs [\d,]+ bytes of GPU memory; [\d,]+ of "
                                         r"[\d,]+ bytes are free"):
        gpu.require_room(int(total) * 2, "this", "Fix: stream")
    cuda = gpu.require()
    with pytest.raises(InputError, match="the GPU ran out"), gpu.out_of_memory(
            "this", int(total) * 2, "Fix: stream"):
        cuda.device_array(int(total) * 2 // 8)
