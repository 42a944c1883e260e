"""The neuron's cost and gradient on a GPU: gradwise's CUDA kernel beside PyTorch, JAX and CuPy.

C(w, b) = mean((y − σ(X·w + b))²) and its gradient, on the same X and y already on the GPU
(one allocation, shared with each library without a copy where it can import it), for
10⁷ and 10⁸ rows × 10 features, float32 and float64: the median ms of a call, the GB/s of X
read, and that as a share of the card's memory bandwidth measured here (a device-to-device
copy of X: bytes read and written per second). Then one end-to-end line: 100 full-batch
epochs of ``gradwise.train`` on 10⁸ rows, ``engine="cuda"`` against the CPU engine
(``memory``) on the same machine, copies to the GPU included.

Needs a CUDA GPU, numba-cuda and gradwise's own dependencies; each peer (torch, jax, cupy)
runs only where importable. From a clone: ``PYTHONPATH=src python benchmarks/bench_gpu.py``.
Goals on an H200 at 10⁸ × 10: gradwise ≥ 2× torch.compile in both precisions (float32 ≤ 1.5
ms, float64 ≤ 2.9 ms), ≥ 4× JAX in float32; end to end ≥ 30× the CPU engine.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

GOALS = {"torch.compile": 2.0, "jax jit": 4.0}  # gradwise ≥ this × faster (float32 for jax)
PEERS = ("torch", "jax", "cupy")


def refuse_without_a_gpu() -> None:
    """One line and exit 2 where no GPU can run gradwise's kernels."""
    from gradwise.neuron import gpu

    _, problem = gpu.usable()
    if problem is None and gpu.simulated():
        problem = "numba's CUDA simulator is on (NUMBA_ENABLE_CUDASIM=1); unset it"
    if problem is not None:
        print(f"bench_gpu: no usable GPU: {problem}", file=sys.stderr)
        sys.exit(2)


def median_ms(run: Callable[[], object], sync: Callable[[], object], repeats: int) -> float:
    run()  # compile, warm caches
    sync()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def device_data(rows: int, d: int, dtype: type) -> tuple[object, object, np.ndarray, float]:
    """X (rows, d) and y (rows,) as numba device arrays, filled a block at a time."""
    from numba import cuda

    rng = np.random.default_rng(0)
    X, y = cuda.device_array((rows, d), dtype=dtype), cuda.device_array(rows, dtype=dtype)
    step = 1 << 22
    for lo in range(0, rows, step):
        hi = min(rows, lo + step)
        X[lo:hi].copy_to_device(rng.standard_normal((hi - lo, d), dtype=np.float32)
                                .astype(dtype))
        y[lo:hi].copy_to_device((rng.random(hi - lo) < 0.5).astype(dtype))
    return X, y, rng.normal(size=d) * 0.3, 0.1


def copy_bandwidth(X: object, repeats: int) -> float:
    """Bytes per second a device-to-device copy of X reads and writes."""
    from numba import cuda

    copy = cuda.device_array_like(X)
    ms = median_ms(lambda: copy.copy_to_device(X), cuda.synchronize, repeats)
    return 2 * X.nbytes / (ms / 1e3)  # type: ignore[attr-defined]


def gradwise_runner(X, y, w, b):
    from numba import cuda

    from gradwise.neuron.kernel import cost_and_gradient

    return lambda: cost_and_gradient(X, y, w, b, backend="cuda"), cuda.synchronize


def torch_runners(X, y, w, b) -> dict[str, tuple]:
    if importlib.util.find_spec("torch") is None:
        return {}
    import torch

    X_, y_ = torch.as_tensor(X, device="cuda"), torch.as_tensor(y, device="cuda")

    def cost(w_, b_):
        return ((y_ - torch.sigmoid(X_ @ w_ + b_)) ** 2).mean()

    compiled = torch.compile(cost)

    def run(function):
        w_ = torch.tensor(w, dtype=X_.dtype, device="cuda", requires_grad=True)
        b_ = torch.tensor(b, dtype=X_.dtype, device="cuda", requires_grad=True)
        value = function(w_, b_)
        value.backward()
        return value, w_.grad, b_.grad

    sync = torch.cuda.synchronize
    return {"torch eager": (lambda: run(cost), sync),
            "torch.compile": (lambda: run(compiled), sync)}


def jax_runner(X, y, w, b) -> dict[str, tuple]:
    if importlib.util.find_spec("jax") is None:
        return {}
    import jax

    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    X_, y_ = (_to_jax(a) for a in (X, y))

    def cost(w_, b_, X_, y_):
        return jnp.mean((y_ - jax.nn.sigmoid(X_ @ w_ + b_)) ** 2)

    step = jax.jit(jax.value_and_grad(cost, argnums=(0, 1)))
    w_, b_ = jnp.asarray(w, dtype=X_.dtype), jnp.asarray(b, dtype=X_.dtype)
    return {"jax jit": (lambda: jax.block_until_ready(step(w_, b_, X_, y_)), lambda: None)}


def _to_jax(array):
    """The same memory as a JAX array through DLPack (via CuPy), else a copy."""
    import jax

    try:
        import cupy

        return jax.dlpack.from_dlpack(cupy.asarray(array))
    except Exception:  # noqa: BLE001 - no CuPy or no DLPack path: measure on a copy
        return jax.device_put(array.copy_to_host())


def cupy_runner(X, y, w, b) -> dict[str, tuple]:
    if importlib.util.find_spec("cupy") is None:
        return {}
    import cupy

    X_, y_ = cupy.asarray(X), cupy.asarray(y)
    w_, b_ = cupy.asarray(w, dtype=X_.dtype), X_.dtype.type(b)

    def run():
        s = 1 / (1 + cupy.exp(-(X_ @ w_ + b_)))
        delta = -2 * (y_ - s) * s * (1 - s)
        return cupy.mean((y_ - s) ** 2), X_.T @ delta / len(y_), delta.mean()

    return {"cupy": (run, cupy.cuda.runtime.deviceSynchronize)}


def measure(rows: int, dtype: type, repeats: int) -> list[tuple[str, float | None]]:
    X, y, w, b = device_data(rows, 10, dtype)
    runners = {"gradwise cuda": gradwise_runner(X, y, w, b)}
    for peer in (torch_runners, jax_runner, cupy_runner):
        try:
            runners.update(peer(X, y, w, b))
        except Exception as error:  # noqa: BLE001 - a peer that cannot run is reported, not fatal
            print(f"  ({peer.__name__}: {type(error).__name__}: {error})")
    bandwidth = copy_bandwidth(X, repeats)
    print(f"\n{rows:,} rows x 10, {np.dtype(dtype).name}: X is {X.nbytes / 1e9:.2f} GB; "
          f"device copy bandwidth {bandwidth / 1e12:.2f} TB/s")
    print(f"{'':16}{'median ms':>11}{'GB/s of X':>11}{'of copy bw':>12}{'gradwise faster':>17}")
    results = [(name, median_ms(run, sync, repeats)) for name, (run, sync) in runners.items()]
    ours = results[0][1]
    for name, ms in results:
        rate = X.nbytes / (ms / 1e3)
        goal = f"   goal >= {GOALS[name]}x" if name in GOALS else ""
        print(f"{name:16}{ms:11.3f}{rate / 1e9:11.0f}{rate / bandwidth:12.0%}{ms / ours:16.2f}x"
              f"{goal}")
    return results


def end_to_end(rows: int, epochs: int) -> None:
    """``epochs`` full-batch epochs of gradwise.train on the GPU and on the CPU engine."""
    import gradwise

    rng = np.random.default_rng(1)
    X = rng.standard_normal((rows, 10), dtype=np.float32).astype(np.float64)
    y = (X @ np.linspace(-1, 1, 10) + rng.standard_normal(rows) > 0).astype(np.float64)
    times = {}
    for engine in ("cuda", "memory"):
        start = time.perf_counter()
        fit = gradwise.train((X, y), engine=engine, activation="sigmoid", max_epochs=epochs,
                             tol=None, learning_rate=0.5, chunk_rows=1 << 20)
        times[engine] = time.perf_counter() - start
        print(f"{engine:8} {times[engine]:8.2f} s  ({fit.n_epochs} epochs, "
              f"C {fit.history[-1]:.6g})")
    print(f"end to end: the GPU {times['memory'] / times['cuda']:.1f}x the CPU engine "
          f"(goal >= 30x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="10000000,100000000")
    parser.add_argument("--dtypes", default="float32,float64")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--e2e-rows", type=int, default=100_000_000)
    parser.add_argument("--e2e-epochs", type=int, default=100)
    parser.add_argument("--skip-e2e", action="store_true")
    args = parser.parse_args()
    refuse_without_a_gpu()
    missing = [p for p in PEERS if importlib.util.find_spec(p) is None]
    print(f"peers not installed: {', '.join(missing) or 'none'}")
    for rows in (int(r) for r in args.rows.split(",")):
        for dtype in args.dtypes.split(","):
            measure(rows, np.dtype(dtype).type, args.repeats)
    if not args.skip_e2e:
        print(f"\n{args.e2e_epochs} full-batch epochs of gradwise.train, "
              f"{args.e2e_rows:,} rows x 10")
        end_to_end(args.e2e_rows, args.e2e_epochs)


if __name__ == "__main__":
    main()
