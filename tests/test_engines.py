"""Tests for gradwise.train (neuron/api.py) on the one loop: hand-worked steps, a naive loop."""

from __future__ import annotations

import numpy as np
import pytest

from gradwise.descent.optimizers import Optimizer
from gradwise.errors import InputError
from gradwise.neuron.api import train
from gradwise.neuron.scaling import Moments, Scaling, moments
from gradwise.neuron.training import Fit

RAW = {"standardize": False}
"""Hand calculations work on the raw features (the default standardises them)."""
SIGMOID_RAW = {"activation": "sigmoid", **RAW}


def data(rows=1003, d=3, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, d)) * [1.0, 3.0, 0.5][:d] + [0.0, 5.0, -2.0][:d]
    y = (X @ np.arange(1.0, d + 1) + rng.normal(size=rows) > 8).astype(np.float64)
    return X, y


def naive_sigmoid_gradient(X, y, w, b):
    """An independent reference: C = mean((y − σ(z))²), σ' = σ(1 − σ), written out by hand."""
    s = 1 / (1 + np.exp(-(X @ w + b)))
    delta = -2 * (y - s) * s * (1 - s)
    return np.mean((y - s) ** 2), X.T @ delta / len(y), delta.mean()


def test_two_hand_worked_steps_of_the_notes_rule():
    # identity φ, X = [1, 2], y = [1, 0], η = 0.1, from w = b = 0:
    # step 1: δ = 2(z − y) = [−2, 0], ∂C/∂w = −1, ∂C/∂b = −1, so w = b = 0.1, C = 0.5;
    # step 2: z = [0.2, 0.3], δ = [−1.6, 0.6], ∂C/∂w = −0.2, ∂C/∂b = −0.5, C = 0.365;
    # then w = 0.12, b = 0.15: z = [0.27, 0.39], C = (0.73² + 0.39²) / 2 = 0.3425.
    fit = train((np.array([[1.0], [2.0]]), np.array([1.0, 0.0])), activation="identity",
                learning_rate=0.1, max_epochs=2, **RAW, start=[0.0, 0.0])
    assert isinstance(fit, Fit) and fit.status == "max_steps" and fit.engine == "memory"
    assert fit.weights == pytest.approx([0.12]) and fit.bias == pytest.approx(0.15)
    assert fit.history == pytest.approx((0.5, 0.365, 0.3425))
    assert fit.n_steps == fit.n_epochs == 2 and fit.rows == 2


@pytest.mark.parametrize("chunk_rows", [1, 97, 1003, 5000])
def test_full_batch_matches_a_naive_loop_whatever_the_chunks(chunk_rows):
    X, y = data()
    w, b, costs = np.zeros(3), 0.0, []
    for _ in range(5):
        cost, gw, gb = naive_sigmoid_gradient(X, y, w, b)
        costs.append(cost)
        w, b = w - 0.05 * gw, b - 0.05 * gb
    costs.append(naive_sigmoid_gradient(X, y, w, b)[0])
    fit = train((X, y), learning_rate=0.05, max_epochs=5, chunk_rows=chunk_rows, **SIGMOID_RAW,
                start=np.zeros(4))
    np.testing.assert_allclose(fit.weights, w, rtol=1e-12)
    assert fit.bias == pytest.approx(b, rel=1e-12) and fit.history == pytest.approx(costs)


def test_mini_batch_follows_the_documented_order():
    X, y = data(rows=250)
    R, B, eta = 100, 32, 0.5
    w, b, step = np.zeros(3), 0.0, 0
    for epoch in range(2):
        for chunk, lo in enumerate(range(0, 250, R)):
            Xc, yc = X[lo : lo + R], y[lo : lo + R]
            order = np.random.default_rng([7, epoch, chunk]).permutation(len(yc))
            for start in range(0, len(yc), B):
                rows = order[start : start + B]
                _, gw, gb = naive_sigmoid_gradient(Xc[rows], yc[rows], w, b)
                w, b, step = w - eta * gw, b - eta * gb, step + 1
    fit = train((X, y), learning_rate=eta, max_epochs=2, batch_size=B, chunk_rows=R, seed=7,
                **SIGMOID_RAW, start=np.zeros(4))
    assert fit.n_steps == step == 2 * (4 + 4 + 2)
    np.testing.assert_allclose(fit.weights, w, rtol=1e-10)
    assert fit.bias == pytest.approx(b, rel=1e-10)


def test_same_seed_same_run_other_seed_other_run():
    X, y = data()
    runs = [train((X, y), max_epochs=2, batch_size=50, seed=s, chunk_rows=300) for s in (1, 1, 2)]
    assert np.array_equal(runs[0].weights, runs[1].weights)
    assert not np.array_equal(runs[0].weights, runs[2].weights)


def test_chan_merge_of_chunk_moments_equals_numpy():
    X, _ = data()
    merged = sum((moments(X[lo : lo + 100]) for lo in range(100, 1003, 100)), moments(X[:100]))
    assert isinstance(merged, Moments) and merged.rows == 1003
    np.testing.assert_allclose(merged.mean, X.mean(axis=0), rtol=1e-13)
    np.testing.assert_allclose(Scaling.of_moments(merged).scale, X.std(axis=0), rtol=1e-12)


def test_standardize_trains_on_standardised_features():
    X, y = data()
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    plain = train((Z, y), max_epochs=3, learning_rate=0.5, standardize=False)
    scaled = train((X, y), max_epochs=3, learning_rate=0.5, standardize=True, chunk_rows=64)
    np.testing.assert_allclose(scaled.weights, plain.weights, rtol=1e-10)
    np.testing.assert_allclose(scaled.scaling.offset, X.mean(axis=0), rtol=1e-12)
    raw = Z[:5] @ scaled.weights + scaled.bias
    w, b = scaled.scaling.to_raw(scaled.weights, scaled.bias)
    np.testing.assert_allclose(X[:5] @ w + b, raw, rtol=1e-10)  # the same neuron, raw units
    X[:, 1] = 4.0  # a constant column keeps scale 1 rather than dividing by zero
    assert train((X, y), max_epochs=1, standardize=True).scaling.scale[1] == 1.0


def test_a_schedule_and_an_optimizer_of_the_descent_shape_are_used():
    half_step = Optimizer("half", lambda point: 0, lambda gradient, state, learning_rate: (
        tuple(-learning_rate * g / 2 for g in gradient), state + 1))
    X, y = np.array([[1.0], [2.0]]), np.array([1.0, 0.0])
    fit = train((X, y), activation="identity", method=half_step, max_epochs=2,
                learning_rate=lambda k: 0.2 / (k + 1), **RAW, start=[0.0, 0.0])
    # step 0: η = 0.2, Δ = −0.2·(−1, −1)/2; step 1 uses η_1 = 0.1
    assert fit.trace.coordinates[0][:2] == pytest.approx((0.0, 0.1))
    assert fit.trace.learning_rates == pytest.approx((0.2, 0.1))


def test_divergence_is_a_result_not_an_exception():
    X, y = data()
    fit = train((X * 100, y), activation="identity", learning_rate=10.0, max_epochs=50)
    assert fit.status == "diverged" and fit.n_epochs < 50


def test_start_and_callback():
    X, y = data()
    seen = []
    fit = train((X, y), max_epochs=3, start=[1.0, 1.0, 1.0, 0.5], **SIGMOID_RAW,
                callback=lambda epoch, cost: seen.append((epoch, cost)))
    assert [e for e, _ in seen] == [0, 1, 2, 3] and [c for _, c in seen] == list(fit.history)
    assert fit.history[0] == pytest.approx(naive_sigmoid_gradient(X, y, np.ones(3), 0.5)[0])


def test_progress_bar_goes_to_stderr(capsys):
    X, y = data()
    train((X, y), max_epochs=2, progress=True)
    captured = capsys.readouterr()
    assert captured.out == "" and "training" in captured.err


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"engine": "gpu"}, "engine must be one of 'memory', 'stream', 'dask', 'cuda'; received 'gpu'"),
    ({"max_epochs": -1}, "max_epochs must be a whole number >= 0; received -1"),
    ({"batch_size": 2.5}, "batch_size must be a whole number >= 1; received 2.5"),
    ({"seed": -1}, "seed must be a whole number >= 0; received -1"),
    ({"chunk_rows": True}, "chunk_rows must be a whole number >= 1; received True"),
    ({"learning_rate": 0}, "learning_rate must be a positive number; received 0"),
    ({"method": "sgd"}, "unknown method 'sgd'. Fix: choose one of gd, momentum"),
    ({"backend": "gpu"}, "backend must be one of 'auto', 'numba', 'numpy'; received 'gpu'"),
    ({"start": ([1.0], 0.0)}, "start must be 4 finite numbers (w1, ..., w3, b) for 3 feature"),
    ({"scheduler": "tcp://x:1"}, "scheduler and client are for engine='dask'"),
])
def test_invalid_settings_say_what_and_how_to_fix(kwargs, message):
    with pytest.raises(InputError) as error:
        train(data(), **kwargs)
    assert message in str(error.value)


def test_max_epochs_zero_records_the_start_only():
    fit = train(data(), max_epochs=0, start=[1.0, 1.0, 1.0, 0.5], **SIGMOID_RAW)
    assert fit.n_epochs == fit.n_steps == 0 and len(fit.history) == 1
    assert fit.history[0] == pytest.approx(naive_sigmoid_gradient(*data(), np.ones(3), 0.5)[0])


def test_arrays_given_to_the_stream_engine_are_cut_as_in_memory():
    settings = {"max_epochs": 2, "batch_size": 40, "chunk_rows": 300, "seed": 2}
    streamed, in_memory = (train(data(), engine=e, **settings) for e in ("stream", "memory"))
    assert streamed.engine == "stream" and streamed.weights.tolist() == in_memory.weights.tolist()


def test_convergence_stops_early_with_the_loops_rule():
    X = np.array([[0.0], [1.0], [2.0]])
    fit = train((X, 2 * X[:, 0] + 1), activation="identity", learning_rate=0.3, max_epochs=5000,
                **RAW)
    assert fit.status == "converged" and fit.n_epochs < 5000
    assert max(fit.gradient_norms[-5:]) <= 1e-4 < fit.gradient_norms[-6]
    assert fit.weights == pytest.approx([2.0], abs=1e-3)
    assert fit.bias == pytest.approx(1.0, abs=1e-3)


@pytest.mark.parametrize(("pair", "message"), [
    ([np.ones((2, 1)), np.ones(2)], "data must be (X, y) or the path of a file; received list"),
    ((np.ones(3), np.ones(3)), "X must have shape (N, d) with N >= 1 and y shape (N,)"),
    ((np.ones((3, 2)), np.ones((3, 1))), "received X (3, 2) and y (3, 1). Fix: y = np.ravel(y)"),
])
def test_invalid_arrays(pair, message):
    with pytest.raises(InputError) as error:
        train(pair)
    assert message in str(error.value)
