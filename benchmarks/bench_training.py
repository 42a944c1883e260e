"""One epoch of mini-batch training (batch 256): gradwise beside scikit-learn, PyTorch and JAX.

The same float64 regression data (N rows × d features, y = X·w + noise), the identity
neuron and its squared error, plain SGD with a constant learning rate, shuffled:

* gradwise ``gradwise.train`` (the one training loop, memory engine, one chunk of 2²⁰ rows so
  the shuffle is global as in the peers): kernel gradient per batch, the descent's ``gd``
  update per step, plus the full-data cost and gradient recorded at the start and the end
  (two fused passes) and the findings; "epoch only" subtracts a zero-epoch run (those extras
  alone);
* gradwise ``NeuronRegressor.fit`` (adds validation and standardising X);
* scikit-learn ``SGDRegressor(max_iter=1)``: its Cython epoch, one sample per step (it has no
  mini-batches), a different algorithm, shown as the usual peer;
* a PyTorch loop (``nn.Linear`` + ``optim.SGD``, float64, one thread) and a JAX
  ``lax.scan`` epoch (jit).

Peers run only if importable. Prints medians of several runs and the ratio to gradwise's
``train``, and each run's final mean squared error, to show the work done was the same.

    python benchmarks/bench_training.py --rows 1048576 --features 20
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np

from gradwise.neuron.api import train

BATCH, RATE = 256, 0.01


def median_seconds(run: Callable[[], float], repeats: int) -> tuple[float, float]:
    """(median seconds, last result) after one warm-up run (compilation, caches)."""
    run()
    times, result = [], float("nan")
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def mse(X: np.ndarray, y: np.ndarray, w: np.ndarray, b: float) -> float:
    return float(np.mean((y - X @ w - b) ** 2))


def gradwise_train(X: np.ndarray, y: np.ndarray, epochs: int = 1) -> Callable[[], float]:
    def run() -> float:
        # the peers' work: raw features, from zero (train's defaults standardise, start random)
        fit = train((X, y), activation="identity", learning_rate=RATE, max_epochs=epochs,
                    batch_size=BATCH, tol=None, seed=0, chunk_rows=len(y), standardize=False,
                    start=np.zeros(X.shape[1] + 1))
        return mse(X, y, fit.weights, fit.bias)

    return run


def gradwise_estimator(X: np.ndarray, y: np.ndarray) -> Callable[[], float] | None:
    if importlib.util.find_spec("sklearn") is None:
        return None
    from gradwise.neuron.estimators import NeuronRegressor

    def run() -> float:
        neuron = NeuronRegressor(learning_rate=RATE, max_epochs=1, batch_size=BATCH, tol=None,
                                 chunk_rows=len(y),
                                 start=np.zeros(X.shape[1] + 1)).fit(X, y)
        return mse(X, y, neuron.weights_, neuron.bias_)

    return run


def sklearn_sgd(X: np.ndarray, y: np.ndarray) -> Callable[[], float] | None:
    if importlib.util.find_spec("sklearn") is None:
        return None
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.linear_model import SGDRegressor

    def run() -> float:
        model = SGDRegressor(max_iter=1, tol=None, penalty=None, learning_rate="constant",
                             eta0=RATE, shuffle=True, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)  # one epoch on purpose
            model.fit(X, y)
        return mse(X, y, model.coef_, float(model.intercept_[0]))

    return run


def torch_loop(X: np.ndarray, y: np.ndarray) -> Callable[[], float] | None:
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    # one thread: a 256-row step is too small to share, and on a 2-core machine torch's
    # default 2 threads measured ~40 ms a step against ~0.6 ms with one
    torch.set_num_threads(1)
    X_, y_ = torch.from_numpy(X), torch.from_numpy(y)

    def run() -> float:
        torch.manual_seed(0)
        layer = torch.nn.Linear(X.shape[1], 1, dtype=torch.float64)
        torch.nn.init.zeros_(layer.weight), torch.nn.init.zeros_(layer.bias)
        optimizer = torch.optim.SGD(layer.parameters(), lr=RATE)
        order = torch.randperm(len(y_))
        for lo in range(0, len(y_), BATCH):
            rows = order[lo : lo + BATCH]
            optimizer.zero_grad()
            loss = torch.mean((y_[rows] - layer(X_[rows]).squeeze(1)) ** 2)
            loss.backward()
            optimizer.step()
        w = layer.weight.detach().numpy().ravel()
        return mse(X, y, w, float(layer.bias.detach()[0]))

    return run


def jax_scan(X: np.ndarray, y: np.ndarray) -> Callable[[], float] | None:
    if importlib.util.find_spec("jax") is None or len(y) % BATCH:
        return None
    import jax

    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    def cost(theta, Xb, yb):
        return jnp.mean((yb - Xb @ theta[:-1] - theta[-1]) ** 2)

    def step(theta, batch):
        return theta - RATE * jax.grad(cost)(theta, *batch), None

    @jax.jit
    def epoch(theta, key, X_, y_):
        order = jax.random.permutation(key, len(y_)).reshape(-1, BATCH)
        return jax.lax.scan(step, theta, (X_[order], y_[order]))[0]

    X_, y_ = jax.device_put(X), jax.device_put(y)
    theta0, key = jnp.zeros(X.shape[1] + 1), jax.random.PRNGKey(0)

    def run() -> float:
        theta = np.asarray(jax.block_until_ready(epoch(theta0, key, X_, y_)))
        return mse(X, y, theta[:-1], float(theta[-1]))

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1 << 20)
    parser.add_argument("--features", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(args.rows, args.features))
    y = X @ rng.normal(size=args.features) + 0.5 + rng.normal(scale=0.1, size=args.rows)
    print(f"one epoch, batch {BATCH}, η = {RATE}, {args.rows:,} rows × {args.features} "
          f"features, float64; start MSE {mse(X, y, np.zeros(args.features), 0.0):.4g}")
    base, base_mse = median_seconds(gradwise_train(X, y), args.repeats)
    extras, _ = median_seconds(gradwise_train(X, y, epochs=0), args.repeats)
    rows = [("gradwise train (epoch + 2 records)", base, base_mse),
            ("gradwise train, epoch only", base - extras, base_mse)]
    peers = {"gradwise NeuronRegressor.fit": gradwise_estimator,
             "sklearn SGDRegressor (batch 1)": sklearn_sgd, "torch loop": torch_loop,
             "jax lax.scan (jit)": jax_scan}
    for name, make in peers.items():
        runner = make(X, y)
        if runner is not None:
            rows.append((name, *median_seconds(runner, args.repeats)))
    print(f"{'run':38} {'seconds':>9} {'÷ gradwise':>11} {'final MSE':>11}")
    for name, seconds, final in rows:
        print(f"{name:38} {seconds:9.4f} {seconds / base:11.2f} {final:11.4g}")


if __name__ == "__main__":
    main()
