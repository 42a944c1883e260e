"""Tests for gradwise.neuron.kernel and .derivation: hand-worked numbers first, then oracles."""

from __future__ import annotations

import math
import tracemalloc
from importlib.util import find_spec

import numpy as np
import pytest
import sympy

from gradwise.errors import InputError
from gradwise.language.expressions import parse
from gradwise.language.functions import sigmoid
from gradwise.neuron.derivation import derive
from gradwise.neuron.kernel import cost_and_gradient, phi_delta_source

ACTIVATIONS = ["identity", "sigmoid", "tanh", "relu", "softplus"]
NUMBA = pytest.mark.skipif(find_spec("numba") is None, reason="numba is not installed")
BACKENDS = ["numpy", pytest.param("numba", marks=NUMBA)]


def reference(X, y, w, b, activation):
    """An independent NumPy implementation with hand-written derivatives φ'."""
    z = X @ w + b
    s = 1 / (1 + np.exp(-z))
    phi, dphi = {
        "identity": (z, np.ones_like(z)),
        "sigmoid": (s, s * (1 - s)),
        "tanh": (np.tanh(z), 1 - np.tanh(z) ** 2),
        "relu": (np.maximum(z, 0), (z > 0).astype(float)),
        "softplus": (np.log1p(np.exp(z)), s),
    }[activation]
    delta = -2 * (y - phi) * dphi
    return np.mean((y - phi) ** 2), X.T @ delta / len(y), delta.mean()


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(1001, 5))
    return X, rng.random(1001), rng.normal(size=5) * 0.5, 0.25


@pytest.mark.parametrize("backend", BACKENDS)
def test_notes_single_sample_sigmoid(backend):
    # x = 1, y = 1, b = 0, w = 3: ∂C/∂w = −2(1 − σ(3))·σ(3)(1 − σ(3)) ≈ −0.00429
    s = 1 / (1 + math.exp(-3))
    cost, grad_w, grad_b = cost_and_gradient(np.array([[1.0]]), [1.0], [3.0], 0.0, backend=backend)
    assert grad_w[0] == pytest.approx(-2 * (1 - s) * s * (1 - s), rel=1e-14)
    assert round(float(grad_w[0]), 5) == -0.00429
    assert grad_b == pytest.approx(grad_w[0], rel=1e-14)
    assert cost == pytest.approx((1 - s) ** 2, rel=1e-14)


@pytest.mark.parametrize("backend", BACKENDS)
def test_notes_identity_at_w_3(backend):
    # C = (1 − w)² so C(3) = 4 and ∂C/∂w = 2w − 2 = 4
    cost, grad_w, _ = cost_and_gradient(np.array([[1.0]]), [1.0], [3.0], 0.0, "identity",
                                        backend=backend)
    assert (float(cost), grad_w.tolist()) == (4.0, [4.0])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_matches_independent_reference(data, activation, backend):
    got = cost_and_gradient(*data, activation, backend=backend)
    want = reference(*data, activation)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got[2], want[2], rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_gradient_matches_central_differences(data, activation):
    X, y, w, b = data
    h = 1e-6
    _, grad_w, grad_b = cost_and_gradient(X, y, w, b, activation)
    cost = lambda w_, b_: float(cost_and_gradient(X, y, w_, b_, activation)[0])  # noqa: E731
    for j, step in enumerate(np.eye(len(w)) * h):
        central = (cost(w + step, b) - cost(w - step, b)) / (2 * h)
        assert grad_w[j] == pytest.approx(central, rel=1e-6)
    assert grad_b == pytest.approx((cost(w, b + h) - cost(w, b - h)) / (2 * h), rel=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_float32_returns_float32_close_to_float64(data, backend):
    X, y, w, b = data
    got = cost_and_gradient(X.astype(np.float32), y.astype(np.float32), w, b, backend=backend)
    want = cost_and_gradient(X.astype(np.float32).astype(np.float64), y.astype(np.float32), w, b)
    assert got[0].dtype == got[1].dtype == got[2].dtype == np.float32
    np.testing.assert_allclose(got[1], want[1], rtol=1e-5, atol=1e-7)
    assert got[0] == pytest.approx(want[0], rel=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_fortran_order_and_strided_views_agree_with_c_order(data, backend):
    X, y, w, b = data
    want = cost_and_gradient(X, y, w, b, backend=backend)
    wide = np.zeros((len(X), 2 * X.shape[1]))
    wide[:, ::2] = X
    strided = wide[:, ::2]  # neither C nor Fortran contiguous
    assert not strided.flags.c_contiguous and not strided.flags.f_contiguous
    for layout in (np.asfortranarray(X), strided):
        got = cost_and_gradient(layout, y, w, b, backend=backend)
        np.testing.assert_allclose(got[1], want[1], rtol=1e-13, atol=1e-16)


@NUMBA
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_numba_and_numpy_back_ends_agree(data, activation):
    fast = cost_and_gradient(*data, activation, backend="numba")
    slow = cost_and_gradient(*data, activation, backend="numpy")
    for a, b in zip(fast, slow, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-16)


@pytest.mark.parametrize("backend", BACKENDS)
def test_custom_sympy_activation_equals_named_one(data, backend):
    z = sympy.Symbol("z")  # no assumptions, as a parser would make it
    custom = cost_and_gradient(*data, 1 / (1 + sympy.exp(-z)), backend=backend)
    named = cost_and_gradient(*data, "sigmoid", backend=backend)
    for a, b in zip(custom, named, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_custom_activation_matches_hand_derivative(data, backend):
    X, y, w, b = data
    z = sympy.Symbol("z")
    _, grad_w, _ = cost_and_gradient(X, y, w, b, z**3 / 3 + sympy.Abs(z), backend=backend)
    zz = X @ w + b
    delta = -2 * (y - (zz**3 / 3 + np.abs(zz))) * (zz**2 + np.sign(zz))
    np.testing.assert_allclose(grad_w, X.T @ delta / len(y), rtol=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_sigmoid_is_stable_for_huge_z(backend):
    X = np.array([[1000.0], [-1000.0], [800.0]])
    cost, grad_w, grad_b = cost_and_gradient(X, [0.0, 0.0, 1.0], [1.0], 0.0, backend=backend)
    assert float(cost) == pytest.approx(1 / 3) and grad_w.tolist() == [0.0] and grad_b == 0.0


def test_numpy_back_end_has_no_n_by_d_temporaries():
    X = np.random.default_rng(0).normal(size=(400_000, 10))
    y = np.zeros(len(X))
    tracemalloc.start()
    cost_and_gradient(X, y, np.ones(10), 0.0, backend="numpy")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 0.25 * X.nbytes


def test_derivation_is_sympy_diff_and_explains_the_chain_rule():
    d = derive("sigmoid")
    zs, ys = sympy.symbols("z y", real=True)
    assert sympy.simplify(d.delta - sympy.diff((ys - sigmoid(zs)) ** 2, zs)) == 0
    assert "∂C/∂z = ∂C/∂ŷ · φ'(z) = −2·(1 − σ(z))·(y − σ(z))·σ(z)" in d.explain()
    assert "sigmoid(z)" in phi_delta_source(d)


def test_relu_derivative_at_zero_is_zero():
    assert derive("relu").delta.subs(sympy.Symbol("z", real=True), 0) == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((np.ones((2, 2), dtype=int), [0, 1], [1, 1], 0), "float64 or float32"),
        ((np.ones(3), [0, 1, 1], [1], 0), "2-D"),
        ((np.ones((0, 2)), [], [1, 1], 0), "at least one row"),
        ((np.ones((2, 2)), [0, 1, 1], [1, 1], 0), "shape (2,)"),
        ((np.ones((2, 2)), [0, 1], [1, 1, 1], 0), "weights must be 2 real numbers"),
        ((np.ones((2, 2)), [0, "a"], [1, 1], 0), "y must be 2 real numbers"),
        ((np.ones((2, 2)), [0, np.inf], [1, 1], 0), "y[1] is inf"),
        ((np.ones((2, 2)), [0, 1], [1, np.nan], 0), "weights[1] is nan"),
        ((np.ones((2, 2)), [0, 1], [1, 1], float("nan")), "bias[0] is nan"),
        ((np.ones((2, 2)), [0, 1], [1, 1], [1, 2]), "bias must be one real number"),
    ],
)
def test_bad_input_raises_input_error(args, message):
    with pytest.raises(InputError) as info:
        cost_and_gradient(*args)
    assert message in str(info.value)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_x_names_the_cell(backend, bad):
    X = np.ones((300, 3))
    X[123, 2] = bad
    with pytest.raises(InputError, match=rf"X\[123, 2\] is {bad!r}; expected finite numbers"):
        cost_and_gradient(X, np.ones(300), [0.0, 0.0, 0.0], 0.0, backend=backend)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize(("activation", "cost"), [("identity", "squared_error"),
                                                  ("relu", "squared_error"),
                                                  ("sigmoid", "log_loss")])
@pytest.mark.parametrize("z", [0.0, 800.0, -800.0])  # log loss: softplus(∓z) is 0 at one end
def test_non_finite_y_names_the_cell(backend, bad, activation, cost, z):
    # y is checked only when the sums come out non-finite: they must, whatever φ(z) is
    X = np.ones((5000, 3))
    X[4321] = z / 3
    y = np.ones(5000)
    y[4321] = bad
    with pytest.raises(InputError, match=rf"y\[4321\] is {bad!r}; expected finite numbers"):
        cost_and_gradient(X, y, [1.0, 1.0, 1.0], 0.0, activation, backend=backend, cost=cost)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_square_root_in_the_activation_compiles(backend):
    # SymPy prints z/sqrt(1 + z²) with sqrt(...), which neither back end used to bind
    X = np.array([[0.5], [-1.0]])
    y = np.array([0.2, -0.3])
    cost, grad_w, grad_b = cost_and_gradient(X, y, [2.0], 0.0, parse("z/sqrt(1 + z^2)").expr,
                                             backend=backend)
    z = X[:, 0] * 2.0
    phi, dphi = z / np.sqrt(1 + z**2), (1 + z**2) ** -1.5
    delta = -2 * (y - phi) * dphi
    assert float(cost) == pytest.approx(np.mean((y - phi) ** 2), rel=1e-14)
    assert float(grad_w[0]) == pytest.approx(np.mean(delta * X[:, 0]), rel=1e-13)
    assert float(grad_b) == pytest.approx(np.mean(delta), rel=1e-13)


def test_unknown_activation_suggests_a_name():
    with pytest.raises(InputError, match="did you mean 'sigmoid'"):
        cost_and_gradient(np.ones((1, 1)), [1.0], [1.0], 0.0, "sigmod")


def test_custom_activation_with_other_symbols_is_refused():
    z, k = sympy.symbols("z k")
    with pytest.raises(InputError, match="only the symbol z; .* also uses k"):
        derive(k * z)


def test_uncompilable_derivative_is_refused():
    z = sympy.Symbol("z")
    with pytest.raises(InputError, match="cannot compile"):
        derive(sympy.sign(z))  # its derivative is a DiracDelta


def test_unknown_backend_is_refused():
    with pytest.raises(InputError, match="backend must be"):
        cost_and_gradient(np.ones((1, 1)), [1.0], [1.0], 0.0, backend="gpu")


# -- the log-loss option (issue 5): same derivation, same kernel, another cost -------------

@pytest.mark.parametrize("backend", BACKENDS)
def test_log_loss_matches_an_independent_reference(data, backend):
    X, _, w, b = data
    y = (np.arange(len(X)) % 3 == 0).astype(float)
    p = 1 / (1 + np.exp(-(X @ w + b)))
    cost, grad_w, grad_b = cost_and_gradient(X, y, w, b, cost="log_loss", backend=backend)
    np.testing.assert_allclose(cost, -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)),
                               rtol=1e-12)
    np.testing.assert_allclose(grad_w, X.T @ (p - y) / len(y), rtol=1e-12)
    np.testing.assert_allclose(grad_b, np.mean(p - y), rtol=1e-12)


def test_log_loss_gradient_matches_central_differences(data):
    X, _, w, b = data
    y = (np.arange(len(X)) % 2).astype(float)
    cost = lambda b_: float(cost_and_gradient(X, y, w, b_, cost="log_loss")[0])  # noqa: E731
    h = 1e-6
    grad_b = cost_and_gradient(X, y, w, b, cost="log_loss")[2]
    assert grad_b == pytest.approx((cost(b + h) - cost(b - h)) / (2 * h), rel=1e-7)


@pytest.mark.parametrize("backend", BACKENDS)
def test_log_loss_of_a_saturated_sigmoid_is_finite(backend):
    # σ(800) is exactly 1.0 in floats; ln(1 − σ) would be −inf, softplus(800) is 800
    cost, grad_w, _ = cost_and_gradient(np.array([[800.0]]), [0.0], [1.0], 0.0,
                                        cost="log_loss", backend=backend)
    assert float(cost) == pytest.approx(800.0) and grad_w.tolist() == [800.0]


def test_log_loss_explains_its_own_chain_rule():
    lines = derive("sigmoid", cost="log_loss").explain()
    assert lines[0].startswith("C = −(y·ln ŷ + (1 − y)·ln(1 − ŷ))")
    assert lines[3] == "∂C/∂z = ∂C/∂ŷ · φ'(z) = −y + σ(z)"


def test_unknown_cost_is_refused():
    with pytest.raises(InputError, match="unknown cost 'hinge'; expected one of squared_error"):
        derive("sigmoid", cost="hinge")


# -- the blocked numba pass: several tasks, a part block, float32 rows ---------------------

@NUMBA
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("layout", ["C", "F"])
def test_numba_over_several_tasks_and_a_part_block_matches_the_reference(activation, layout):
    rng = np.random.default_rng(11)
    n = 3 * 4096 + 300  # three whole tasks (16 blocks each) and a last task of 1 block + 44 rows
    X = np.asarray(rng.normal(size=(n, 7)), order=layout)
    y, w = rng.random(n), rng.normal(size=7) * 0.5
    got = cost_and_gradient(X, y, w, -0.3, activation, backend="numba")
    want = reference(X, y, w, -0.3, activation)
    np.testing.assert_allclose(got[0], want[0], rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(got[2], want[2], rtol=1e-12, atol=1e-15)


@NUMBA
@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("layout", ["C", "F"])
def test_numba_float32_is_within_its_stated_tolerance_of_float64(activation, layout):
    # float32 rows: z = X·w and δ·x in float32, φ and δ in float64 (in float32 in the fused
    # loop: C order, up to 16 features), sums float32 within a block (256 rows; 1024 in the
    # fused loop) and float64 beyond; stated tolerance: 1e-5 of
    # the largest gradient component (1e-6 relative for the cost) against float64 on the same
    # float32 data
    rng = np.random.default_rng(12)
    n = 2 * 4096 + 1000
    X = np.asarray(rng.normal(size=(n, 10)), order=layout).astype(np.float32)
    y, w = rng.random(n).astype(np.float32), rng.normal(size=10) * 0.5
    got = cost_and_gradient(X, y, w, 0.2, activation, backend="numba")
    want = reference(X.astype(np.float64), y.astype(np.float64), w, 0.2, activation)
    scale = np.abs(want[1]).max()
    assert got[0].dtype == got[1].dtype == np.float32
    np.testing.assert_allclose(got[1], want[1], rtol=0, atol=1e-5 * scale)
    assert abs(float(got[2]) - want[2]) <= 1e-5 * scale
    assert float(got[0]) == pytest.approx(want[0], rel=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_custom_activation_dividing_by_zero_gives_nan_not_an_exception(backend):
    z = sympy.Symbol("z")
    X = np.array([[0.0], [1.0]])  # z = 0 on the first row: φ = 1/z
    cost, grad_w, grad_b = cost_and_gradient(X, [1.0, 1.0], [1.0], 0.0, 1 / z, backend=backend)
    assert not np.isfinite(float(cost)) and not np.isfinite(float(grad_b))
