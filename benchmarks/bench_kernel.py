"""Value and gradient of the mean sigmoid squared-error cost: gradwise's kernel beside its peers.

C(w, b) = mean((y − σ(X·w + b))²) over N rows × d features, float64 and float32, each peer
only if importable. Prints medians of several runs (the machine is noisy) and ratios to
gradwise, plus gradwise's extra peak memory as a share of X.

    python benchmarks/bench_kernel.py --rows 10000000
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from collections.abc import Callable

import numpy as np

from gradwise.neuron.kernel import cost_and_gradient

GOALS = {"jax": 1.0, "torch eager": 0.5, "X.sum() (read floor)": 2.5}


def median_seconds(run: Callable[[], object], repeats: int) -> float:
    run()  # compile / warm caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain_numpy(X, y, w, b):
    z = X @ w + b
    s = 1 / (1 + np.exp(-z))
    delta = -2 * (y - s) * s * (1 - s)
    return np.mean((y - s) ** 2), X.T @ delta / len(y), delta.mean()


def jax_runner(X, y, w, b) -> Callable[[], object] | None:
    if importlib.util.find_spec("jax") is None:
        return None
    import jax

    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    cost = lambda w_, b_, X_, y_: jnp.mean((y_ - jax.nn.sigmoid(X_ @ w_ + b_)) ** 2)  # noqa: E731
    step = jax.jit(jax.value_and_grad(cost, argnums=(0, 1)))
    args = [jax.device_put(a) for a in (w.astype(X.dtype), X.dtype.type(b), X, y)]
    return lambda: jax.block_until_ready(step(*args))


def torch_runner(X, y, w, b) -> Callable[[], object] | None:
    if importlib.util.find_spec("torch") is None:
        return None
    import torch

    X_, y_ = torch.from_numpy(X), torch.from_numpy(y)

    def run():
        w_ = torch.tensor(w, dtype=X_.dtype, requires_grad=True)
        b_ = torch.tensor(b, dtype=X_.dtype, requires_grad=True)
        cost = ((y_ - torch.sigmoid(X_ @ w_ + b_)) ** 2).mean()
        cost.backward()
        return cost.item(), w_.grad, b_.grad

    return run


def extra_peak_bytes(run: Callable[[], object]) -> int:
    """Peak resident memory during ``run`` above the memory before it (Linux /proc)."""
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # reset the peak (VmHWM) to the current resident size
    before = _status_kib("VmRSS")
    run()
    return (_status_kib("VmHWM") - before) * 1024


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(field + ":"))


def measure(dtype, rows: int, d: int, repeats: int) -> dict[str, float | None]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, d)).astype(dtype)
    y = (rng.random(rows) < 0.5).astype(dtype)
    w, b = rng.normal(size=d) * 0.3, 0.1
    runners = {
        "gradwise": lambda: cost_and_gradient(X, y, w, b),
        "X.sum() (read floor)": X.sum,
        "jax": jax_runner(X, y, w, b),
        "torch eager": torch_runner(X, y, w, b),
        "plain NumPy": lambda: plain_numpy(X, y, w.astype(dtype), dtype(b)),
    }
    times = {k: (median_seconds(r, repeats) if r else None) for k, r in runners.items()}
    times["memory"] = extra_peak_bytes(runners["gradwise"]) / X.nbytes
    return times


def report(results: dict[str, dict[str, float | None]]) -> None:
    names = [k for k in next(iter(results.values())) if k != "memory"]
    print(f"{'':22}" + "".join(f"{dt:>30}" for dt in results))
    print(f"{'':22}" + "".join(f"{'median ms':>14}{'gradwise / it':>16}" for _ in results))
    for name in names:
        cells = ""
        for times in results.values():
            t, ours = times[name], times["gradwise"]
            cells += f"{'not installed':>30}" if t is None else f"{t * 1e3:14.1f}{ours / t:15.2f}x"
        goal = f"   goal <= {GOALS[name]}x" if name in GOALS else ""
        print(f"{name:22}{cells}{goal}")
    memory = "".join(f"{times['memory']:29.1%} " for times in results.values())
    print(f"{'extra memory / X':22}{memory}   goal <= 10%")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    print(f"N = {args.rows:,} rows x d = {args.features}, median of {args.repeats} runs\n")
    results = {np.dtype(dt).name: measure(dt, args.rows, args.features, args.repeats)
               for dt in (np.float64, np.float32)}
    report(results)


if __name__ == "__main__":
    main()
