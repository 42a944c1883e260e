"""The CUDA back end of the kernel, ``backend="cuda"``, against the CPU kernel.

Run on numba's CUDA simulator (see ``_cuda_support.py``) on small arrays, or on a real GPU
with ``NUMBA_ENABLE_CUDASIM=0``. The oracle is the CPU kernel's NumPy back end, itself
checked against hand-worked numbers and an independent implementation in test_kernel.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from gradwise.errors import InputError
from gradwise.language.expressions import parse
from gradwise.neuron import _cuda_kernel, gpu, kernel
from gradwise.neuron.derivation import derive
from gradwise.neuron.kernel import cost_and_gradient, phi_delta_source
from gradwise.neuron.scaling import Scaling

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "softplus"]


def data(rows, features, seed=3, dtype=np.float64):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, features)).astype(dtype)
    y = (rng.random(rows) < 0.5).astype(dtype)
    return X, y, rng.normal(size=features) * 0.5, 0.25


def assert_same(got, want, rtol=1e-12):
    np.testing.assert_allclose(float(got[0]), float(want[0]), rtol=rtol, atol=1e-15)
    np.testing.assert_allclose(got[1], want[1], rtol=rtol, atol=1e-15)
    np.testing.assert_allclose(float(got[2]), float(want[2]), rtol=rtol, atol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_every_activation_agrees_with_the_cpu_kernel(cuda_device, activation):
    X, y, w, b = data(41, 5)
    assert_same(cost_and_gradient(X, y, w, b, activation, backend="cuda"),
                cost_and_gradient(X, y, w, b, activation, backend="numpy"))


@pytest.mark.parametrize("activation", ["sigmoid", parse("(1 + tanh(z))/2").expr])
def test_log_loss_agrees_with_the_cpu_kernel(cuda_device, activation):
    X, y, w, b = data(23, 3)
    assert_same(cost_and_gradient(X, y, w, b, activation, backend="cuda", cost="log_loss"),
                cost_and_gradient(X, y, w, b, activation, backend="numpy", cost="log_loss"))


@pytest.mark.parametrize("text", ["z/(1 + abs(z))", "z/sqrt(1 + z^2)", "log(1 + exp(z))"])
def test_custom_activations_run_the_same_printed_source(cuda_device, text):
    X, y, w, b = data(19, 2)
    activation = parse(text).expr
    assert_same(cost_and_gradient(X, y, w, b, activation, backend="cuda"),
                cost_and_gradient(X, y, w, b, activation, backend="numpy"))


@pytest.mark.parametrize(("rows", "features"), [(1, 1), (1, 4), (17, 3), (50, 1), (33, 7)])
def test_odd_sizes_and_more_rows_than_threads(cuda_device, rows, features):
    threads = gpu.THREADS * gpu.max_blocks()
    X, y, w, b = data(rows, features)
    assert_same(cost_and_gradient(X, y, w, b, backend="cuda"),
                cost_and_gradient(X, y, w, b, backend="numpy"))
    if cuda_device.simulated():
        assert threads < 17  # the grid-stride loop gives some threads several rows


def test_fortran_order_reads_columns(cuda_device):
    X, y, w, b = data(29, 4)
    want = cost_and_gradient(X, y, w, b, backend="numpy")
    assert_same(cost_and_gradient(np.asfortranarray(X), y, w, b, backend="cuda"), want)
    cuda = cuda_device.require()
    on_gpu = cuda.to_device(np.asfortranarray(X))
    assert on_gpu.is_f_contiguous() and not on_gpu.is_c_contiguous()
    assert_same(cost_and_gradient(on_gpu, y, w, b, backend="cuda"), want)


def test_strided_host_array_is_copied_contiguous(cuda_device):
    X, y, w, b = data(21, 6)
    view = X[:, ::2]
    assert_same(cost_and_gradient(view, y, w[:3], b, backend="cuda"),
                cost_and_gradient(np.ascontiguousarray(view), y, w[:3], b, backend="numpy"))


def test_rows_too_wide_for_shared_memory_are_read_directly(cuda_device, monkeypatch):
    monkeypatch.setattr(_cuda_kernel, "TILE_BYTES", 0)
    module = _cuda_kernel.compiled(phi_delta_source(derive("sigmoid")), 3, "float64",
                                   gpu.THREADS)
    assert module.TILED is False
    X, y, w, b = data(37, 3)
    assert_same(cost_and_gradient(X, y, w, b, backend="cuda"),
                cost_and_gradient(X, y, w, b, backend="numpy"))


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
def test_float32_sums_in_float64(cuda_device, activation):
    X, y, w, b = data(45, 6, dtype=np.float32)
    cost, grad_w, grad_b = cost_and_gradient(X, y, w, b, activation, backend="cuda")
    assert grad_w.dtype == np.float32 and isinstance(cost, np.float32)
    want = cost_and_gradient(X.astype(np.float64), y.astype(np.float64), w, b, activation,
                             backend="numpy")
    scale = np.abs(want[1]).max()
    assert np.abs(grad_w - want[1]).max() <= 1e-5 * scale
    assert abs(float(grad_b) - float(want[2])) <= 1e-5 * scale
    assert float(cost) == pytest.approx(float(want[0]), rel=1e-5)


def test_arrays_on_the_gpu_are_read_in_place(cuda_device, monkeypatch):
    cuda = cuda_device.require()
    X, y, w, b = data(26, 3)
    X_gpu, y_gpu = cuda.to_device(X), cuda.to_device(y)
    copied, to_device = [], cuda.to_device

    def recorded(array, *args, **kwargs):
        copied.append(np.shape(array))
        return to_device(array, *args, **kwargs)

    monkeypatch.setattr(cuda, "to_device", recorded)
    assert_same(cost_and_gradient(X_gpu, y_gpu, w, b, backend="cuda"),
                cost_and_gradient(X, y, w, b, backend="numpy"))
    assert_same(cost_and_gradient(X_gpu[5:20], y_gpu[5:20], w, b, backend="cuda"),
                cost_and_gradient(X[5:20], y[5:20], w, b, backend="numpy"))
    assert not {(26, 3), (26,), (15, 3), (15,)} & set(copied)  # only θ-sized buffers


def test_shuffled_rows_and_standardisation_in_the_kernel(cuda_device):
    from gradwise.neuron._cuda_launch import Kernel

    cuda = cuda_device.require()
    X, y, w, b = data(40, 3)
    X = X * [1.0, 30.0, 0.01] + [5.0, -200.0, 1.0]
    scaling = Scaling(X.mean(axis=0), X.std(axis=0))
    order = np.random.default_rng(1).permutation(40)[:13]
    sums = Kernel(phi_delta_source(derive("tanh")), 3, np.float64)
    sums.standardize(scaling)
    got = sums.sums(cuda.to_device(X), cuda.to_device(y), np.append(w, b),
                    order=cuda.to_device(order))
    want = cost_and_gradient(scaling.apply(X)[order], y[order], w, b, "tanh", backend="numpy")
    np.testing.assert_allclose(got[[0, 2, 3, 4, 1]] / 13,
                               [want[0], *want[1], want[2]], rtol=1e-12)


# -- bad input: the CPU back ends' errors, before anything is copied -----------------------

BAD = [
    (np.ones((2, 2), dtype=int), [0, 1], [1, 1], 0),
    (np.ones(3), [0, 1, 1], [1], 0),
    (np.ones((0, 2)), [], [1, 1], 0),
    (np.ones((2, 2)), [0, 1, 1], [1, 1], 0),
    (np.ones((2, 2)), [0, 1], [1, 1, 1], 0),
    (np.ones((2, 2)), [0, "a"], [1, 1], 0),
    (np.ones((2, 2)), [0, np.inf], [1, 1], 0),
    (np.ones((2, 2)), [0, 1], [1, np.nan], 0),
    (np.ones((2, 2)), [0, 1], [1, 1], float("nan")),
    (np.ones((2, 2)), [0, 1], [1, 1], [1, 2]),
    (np.array([[1.0, 2.0], [np.nan, 1.0]]), [0, 1], [1, 1], 0),
    (np.ones((2, 2), dtype=np.float16), [0, 1], [1, 1], 0),
]


def _message(args, backend):
    with pytest.raises(InputError) as info:
        cost_and_gradient(*args, backend=backend)
    return str(info.value)


@pytest.mark.parametrize("args", BAD)
def test_bad_host_input_is_refused_as_on_the_cpu_before_any_copy(cuda_device, monkeypatch,
                                                                 args):
    cpu = _message(args, "numpy")
    cuda = cuda_device.require()
    monkeypatch.setattr(cuda, "to_device", lambda *a, **k: pytest.fail("copied to the GPU"))
    assert _message(args, "cuda") == cpu


# The simulator computes with NumPy scalars, which warn on nan and inf where a GPU does not.
SIMULATED_NAN = pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning",
                                           "ignore:overflow:RuntimeWarning")


@SIMULATED_NAN
@pytest.mark.parametrize(("cell", "bad"), [((3, 1), np.nan), ((0, 0), np.inf)])
def test_non_finite_x_on_the_gpu_is_named_as_on_the_cpu(cuda_device, cell, bad):
    X, y, w, b = data(11, 2)
    X[cell] = bad
    X[8, 0] = -np.inf  # a later bad cell: the first is named
    cuda = cuda_device.require()
    assert _message((cuda.to_device(X), y, w, b), "cuda") == _message((X, y, w, b), "numpy")


@SIMULATED_NAN
def test_non_finite_y_on_the_gpu_is_named_and_counted_as_on_the_cpu(cuda_device):
    X, y, w, b = data(9, 2)
    y[[4, 7]] = [np.inf, np.nan]
    cuda = cuda_device.require()
    message = _message((cuda.to_device(X), cuda.to_device(y), w, b), "cuda")
    assert message == _message((X, y, w, b), "numpy")
    assert "y[4] is inf" in message and "the 2 nan/inf" in message


def test_bad_arrays_on_the_gpu_are_refused_by_shape_and_dtype(cuda_device):
    cuda = cuda_device.require()
    X = cuda.to_device(np.ones((3, 2), dtype=np.int64))
    assert "float64 or float32" in _message((X, [0, 1, 1], [1, 1], 0), "cuda")
    X = cuda.to_device(np.ones((3, 2)))
    y = cuda.to_device(np.ones(4))
    assert _message((X, y, [1, 1], 0), "cuda") == _message((np.ones((3, 2)), np.ones(4),
                                                            [1, 1], 0), "numpy")


def test_too_little_gpu_memory_says_how_much_and_how_to_stream(cuda_device, monkeypatch):
    monkeypatch.setattr(gpu, "memory", lambda: (1000.0, 4000.0))
    X, y, w, b = data(100, 2)
    message = _message((X, y, w, b), "cuda")
    assert "needs 2,400 bytes of GPU memory; 1,000 of 4,000 bytes are free" in message
    assert "--chunk-rows" in message


def test_out_of_memory_from_the_driver_becomes_the_same_message(cuda_device, monkeypatch):
    class CudaAPIError(Exception):
        code = 2  # CUDA_ERROR_OUT_OF_MEMORY

    monkeypatch.setattr(gpu, "memory", lambda: (10.0, 4000.0))
    ran_out = r"needs 99 bytes of GPU memory; the GPU ran out \(10 of 4,000 bytes free\)\."
    with pytest.raises(InputError, match=ran_out), gpu.out_of_memory("this", 99, "Fix: stream"):
        raise CudaAPIError("[2] Call to cuMemAlloc results in CUDA_ERROR_OUT_OF_MEMORY")
    with pytest.raises(ValueError, match="other"), gpu.out_of_memory("this", 99, "Fix"):
        raise ValueError("other")


# -- no usable GPU -------------------------------------------------------------------------

def test_without_numba_cuda_the_error_says_what_to_install(monkeypatch):
    import importlib.util

    find = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "numba_cuda" else find(name, *a))
    gpu.usable.cache_clear()
    try:
        with pytest.raises(InputError, match=r"^no usable GPU: numba-cuda is not installed\. "
                                             r"Fix: pip install 'gradwise\[gpu\]'$"):
            cost_and_gradient(np.ones((2, 1)), [1, 0], [1], 0, backend="cuda")
    finally:
        gpu.usable.cache_clear()


@pytest.mark.parametrize(("driver_says", "we_say"), [
    ("Error at driver init: \n\nCUDA driver library cannot be found.\nEnsure that a "
     "compatible NVIDIA driver is installed", "no CUDA driver was found (libcuda)"),
    ("Error at driver init: Call to cuInit results in CUDA_ERROR_NO_DEVICE (100)",
     "the CUDA driver found no GPU"),
    ("\nCall to cuInit results in CUDA_ERROR_UNKNOWN (999)\n",
     "the CUDA driver did not start (Call to cuInit results in CUDA_ERROR_UNKNOWN (999))"),
])
def test_what_is_missing_is_named(driver_says, we_say):
    assert gpu.driver_problem(driver_says) == we_say


def test_auto_never_picks_the_gpu():
    assert kernel._backend("auto", 10**12) in ("numba", "numpy")
