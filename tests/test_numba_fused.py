"""Tests for gradwise.neuron._numba_fused: the one-loop pass for up to 16 features."""

from __future__ import annotations

import platform

import numpy as np
import pytest

numba = pytest.importorskip("numba")

from gradwise.neuron import _numba_fused, _numba_kernel  # noqa: E402
from gradwise.neuron.derivation import derive  # noqa: E402
from gradwise.neuron.kernel import cost_and_gradient, phi_delta_source  # noqa: E402

SIGMOID = phi_delta_source(derive("sigmoid"))
ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "softplus"]
# every activation with the notes' squared error; the log loss where it is defined (σ in (0, 1))
CASES = [(a, "squared_error") for a in ACTIVATIONS] + [("sigmoid", "log_loss")]
ROWS = _numba_kernel.ROWS_PER_TASK + 700  # a whole task, then a task of one part block


def _reference(X, y, w, b):
    """An independent NumPy pass in float64 with the hand-written σ' = σ(1 − σ)."""
    X = X.astype(np.float64)
    s = 1 / (1 + np.exp(-(X @ w + b)))
    delta = -2 * (y - s) * s * (1 - s)
    return np.concatenate(([np.sum((y - s) ** 2), delta.sum()], X.T @ delta))


def test_the_fused_pass_exists_up_to_its_number_of_features_and_no_further():
    assert hasattr(_numba_kernel.compiled(SIGMOID, 16), "by_fused_rows")
    assert not hasattr(_numba_kernel.compiled(SIGMOID, 17), "by_fused_rows")
    assert not hasattr(_numba_kernel.compiled(SIGMOID), "by_fused_rows")


def _means(X, y, w, b, activation="sigmoid", cost="squared_error"):
    """(C, ∇w C, ∂C/∂b) in float64 from NumPy with hand-written φ' (independent of SymPy)."""
    X, y = X.astype(np.float64), y.astype(np.float64)
    z = X @ w + b
    s = 1 / (1 + np.exp(-z))
    if cost == "log_loss":  # sigmoid only: δ = σ − y
        c, delta = -(y * np.log(s) + (1 - y) * np.log1p(-s)), s - y
    else:
        phi, dphi = {
            "identity": (z, np.ones_like(z)),
            "sigmoid": (s, s * (1 - s)),
            "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2),
            "relu": (np.maximum(z, 0), (z > 0).astype(float)),
            "softplus": (np.logaddexp(0, z), s),
        }[activation]
        c, delta = (y - phi) ** 2, -2 * (y - phi) * dphi
    return c.mean(), X.T @ delta / len(y), delta.mean()


def _data(d, dtype, seed=0):
    rng = np.random.default_rng(seed + d)
    X = rng.normal(size=(ROWS, d)).astype(dtype)
    y = (rng.random(ROWS) < 0.5).astype(dtype)  # 0 or 1: a target for either cost
    return X, y, rng.normal(size=d) / np.sqrt(d)


def _assert_close(got, want, dtype):
    """float64: 1e-12 relative; float32 data: the kernel's stated 1e-5 of the largest gradient
    component (1e-6 relative for the cost), against float64 on the same float32 values."""
    if dtype == np.float64:
        assert float(got[0]) == pytest.approx(want[0], rel=1e-12)
        scale = max(np.abs(want[1]).max(), abs(want[2]))
        np.testing.assert_allclose(got[1], want[1], rtol=1e-12, atol=1e-13 * scale)
        assert float(got[2]) == pytest.approx(want[2], rel=1e-12, abs=1e-13 * scale)
    else:
        assert got[0].dtype == got[1].dtype == got[2].dtype == np.float32
        assert float(got[0]) == pytest.approx(want[0], rel=1e-6)
        scale = max(np.abs(want[1]).max(), abs(want[2]))
        np.testing.assert_allclose(got[1], want[1], rtol=0, atol=1e-5 * scale)
        assert abs(float(got[2]) - want[2]) <= 1e-5 * scale


# Each d is a kernel of its own, compiled in seconds on a cold cache (CI): the fused loop is
# tested at its edges (1, 16), a few counts between them, and past its edge (17, 23).
@pytest.mark.parametrize("d", [1, 2, 3, 7, 16, 17, 23])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [0.0, -0.4])
def test_every_number_of_features_matches_the_reference(d, dtype, bias):
    # 1..16 features take the fused loop generated for that d, 17 and 23 the three-loop pass
    X, y, w = _data(d, dtype)
    assert hasattr(_numba_kernel.compiled(SIGMOID, d), "by_fused_rows") == (d <= 16)
    got = cost_and_gradient(X, y, w, bias, backend="numba")
    _assert_close(got, _means(X, y, w, bias), dtype)


@pytest.mark.parametrize(("activation", "cost"), CASES)
@pytest.mark.parametrize("d", [3, 17])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("bias", [0.0, 0.3])
def test_every_activation_and_cost_matches_the_reference(activation, cost, d, dtype, bias):
    X, y, w = _data(d, dtype, seed=100)
    got = cost_and_gradient(X, y, w, bias, activation, backend="numba", cost=cost)
    _assert_close(got, _means(X, y, w, bias, activation, cost), dtype)


@pytest.mark.parametrize(("activation", "cost"), CASES)
@pytest.mark.parametrize("d", [3, 17])
def test_the_gradient_matches_finite_differences(activation, cost, d):
    # central differences with one Richardson step: error O(h⁴) + rounding ≈ 1e-11 here.
    # relu: the cost is quadratic in z on each side of the kink, so the differences are exact
    # but for rows whose z lies within h of 0 (about 2 of 4796 rows at h = 1e-3, each moving
    # the slope by ~1e-5): a small h makes that unlikely, at the price of more rounding
    X, y, w = _data(d, np.float64, seed=200)
    b, h = 0.3, (1e-6 if activation == "relu" else 1e-3)
    tolerance = 1e-7 if activation == "relu" else 1e-9

    def cost_at(w_, b_):
        return float(cost_and_gradient(X, y, w_, b_, activation, backend="numba",
                                       cost=cost)[0])

    def slope(shift):  # the derivative along (Δw, Δb) = shift
        def central(t):
            return (cost_at(w + t * shift[:-1], b + t * shift[-1])
                    - cost_at(w - t * shift[:-1], b - t * shift[-1])) / (2 * t)
        return (4 * central(h / 2) - central(h)) / 3

    _, grad_w, grad_b = cost_and_gradient(X, y, w, b, activation, backend="numba", cost=cost)
    exact = np.append(grad_w, grad_b)
    for j, shift in enumerate(np.eye(d + 1)):
        assert exact[j] == pytest.approx(slope(shift), rel=tolerance, abs=tolerance)


@pytest.mark.parametrize("d", [1, 16])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_the_fused_pass_agrees_with_the_three_loop_pass_and_the_reference(d, dtype):
    rng = np.random.default_rng(d)
    n = 4096 + 700  # a whole task of four blocks, then a task of one part block
    X, y = rng.normal(size=(n, d)).astype(dtype), rng.random(n).astype(dtype)
    w, b = rng.normal(size=d) * 0.5, -0.2
    module = _numba_kernel.compiled(SIGMOID, d)
    fused = module.by_fused_rows(X, y, w, b, _numba_kernel.ROWS_PER_TASK,
                                 _numba_kernel.FUSED_BLOCK_ROWS)
    rows = module.by_rows(X, y, w, b, _numba_kernel.ROWS_PER_TASK, 256)
    want = _reference(X, y.astype(np.float64), w, b)
    # float32: z and δ·x in float32 within a block (the kernel's stated 1e-5 of the largest)
    atol = (1e-12 if dtype == np.float64 else 1e-5) * np.abs(want).max()
    np.testing.assert_allclose(fused, want, rtol=0, atol=atol)
    np.testing.assert_allclose(fused, rows, rtol=0, atol=atol)


def test_seventeen_features_take_the_three_loop_pass_with_the_same_result():
    rng = np.random.default_rng(17)
    X, y = rng.normal(size=(5000, 17)), rng.random(5000)
    w = rng.normal(size=17) * 0.3
    got = cost_and_gradient(X, y, w, 0.1, backend="numba")
    want = _reference(X, y, w, 0.1) / 5000
    np.testing.assert_allclose(got[1], want[2:], rtol=1e-12, atol=1e-15)
    assert float(got[0]) == pytest.approx(want[0], rel=1e-12)


@numba.njit(fastmath={"reassoc"})
def _wide_sum(x):
    _numba_fused.wide_vectors()
    s = 0.0
    for v in x:
        s += v * v
    return s


@pytest.mark.skipif(platform.machine() not in ("x86_64", "AMD64"), reason="reads x86 assembly")
def test_wide_vectors_lets_llvm_use_512_bit_registers_where_the_cpu_has_them():
    assert _wide_sum(np.arange(4.0)) == 14.0
    features = numba.core.codegen.get_host_cpu_features()
    if "+avx512f" not in features.split(",") or not _numba_fused.WIDE:
        pytest.skip("no AVX-512, or a CPU that slows its clock for it: nothing to check")
    assert "zmm" in _wide_sum.inspect_asm(_wide_sum.signatures[0])


# float32 rows take phi_delta32: φ, c and δ in float32, from the same printed source
_CUSTOM = ["sqrt(z**2 + 1)", "Abs(z)", "exp(z)*pi/2 + E", "Max(z, 0)**2"]


@pytest.mark.parametrize(("activation", "cost"), CASES + [(a, "squared_error") for a in _CUSTOM])
def test_the_float32_phi_delta_computes_in_float32(activation, cost):
    # a float literal or a float64 helper anywhere in the printed text would widen the row to
    # float64 (numba: float32 · float64 is float64), halving the rows per vector
    import sympy

    if activation in _CUSTOM:
        activation = sympy.sympify(activation, locals={"z": sympy.Symbol("z", real=True)})
    module = _numba_kernel.compiled(phi_delta_source(derive(activation, cost)))
    phi, c, delta = module.phi_delta32(np.float32(0.7), np.float32(1.0))
    signature = module.phi_delta32.nopython_signatures[0]
    assert str(signature.return_type) == "UniTuple(float32 x 3)"
    want = module.phi_delta(0.7, 1.0)
    np.testing.assert_allclose([phi, c, delta], want, rtol=1e-6)


def test_single_precision_wraps_numbers_but_not_integer_exponents():
    source = "def phi_delta(z, y):\n    t0 = pi*exp(z)\n    return t0, z**2 + 0.5, e*z**-2"
    assert _numba_kernel.single_precision(source, constants=True) == (
        "def phi_delta32(z, y):\n    t0 = PI32*exp32(z)\n"
        "    return t0, z**2 + f32(0.5), E32*z**-f32(2)"
    )


@pytest.mark.parametrize("activation", ["sigmoid", "relu"])
def test_float32_over_many_blocks_stays_within_its_tolerance(activation):
    # float32 partial sums of c and δ within each block of 1024 rows (float64 across blocks):
    # many tasks and blocks, and targets far from φ so that c and δ do not cancel
    rng = np.random.default_rng(7)
    n = 30 * _numba_kernel.ROWS_PER_TASK + 333
    X = rng.normal(size=(n, 5)).astype(np.float32)
    y = (3.0 + rng.random(n)).astype(np.float32)
    w = rng.normal(size=5) / 2
    got = cost_and_gradient(X, y, w, 0.1, activation, backend="numba")
    _assert_close(got, _means(X, y, w, 0.1, activation), np.float32)
