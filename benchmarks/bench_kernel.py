"""Value and gradient of the mean sigmoid squared-error cost: gradwise's kernel beside its peers.

C(w, b) = mean((y − σ(X·w + b))²) over N rows × d features, float64 and float32, each peer
only if importable. Prints medians of several runs (the machine is noisy) and ratios to
gradwise, plus gradwise's extra peak memory as a share of X. Then, for each thread count
numba may use here, the numba kernel beside a parallel read floor (a ``prange`` sum over X
on the same threads: no kernel can read X faster), and the NumPy fallback beside numba;
``--against main=../main/src`` times another checkout's kernel in turn with this one there.

    python benchmarks/bench_kernel.py --rows 10000000
    python benchmarks/bench_kernel.py --threads-only --against main=/path/to/main/src
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import numpy as np

from gradwise.neuron.kernel import cost_and_gradient

GOALS = {"jax": 1.0, "torch eager": 0.5, "X.sum() (read floor)": 2.5}
FLOOR_GOAL = 1.5  # the numba kernel ÷ the parallel read floor, on every thread count
FALLBACK_GOAL = 1.5  # the NumPy back end ÷ numba


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


def parallel_read_floor() -> Callable[[np.ndarray], float]:
    """A numba ``prange`` sum of every value of X, rows split over the threads: the least
    time in which anything that reads X once can run on those threads."""
    from numba import njit, prange

    @njit(parallel=True, fastmath=True, cache=True)
    def floor(X):  # pragma: no cover - compiled
        flat = X.reshape(-1)
        tasks = (flat.size + 65535) // 65536
        total = 0.0
        for t in prange(tasks):
            s = flat.dtype.type(0)
            for k in range(t * 65536, min(flat.size, (t + 1) * 65536)):
                s += flat[k]
            total += s
        return total

    return floor  # type: ignore[no-any-return]


def by_threads(dtype, rows: int, d: int, repeats: int,
               kernels: dict[str, Callable[..., object]]) -> None:
    """Each kernel against the read floor and the NumPy fallback, per thread count.

    The machine may be shared, so each call of a kernel is timed right beside a call of the
    floor, the kernels taking turns, and "/ floor" is the median of those per-call ratios:
    load that comes and goes slows both sides of a pair alike."""
    import numba

    rng = np.random.default_rng(0)
    X = rng.normal(size=(rows, d)).astype(dtype)
    y = (rng.random(rows) < 0.5).astype(dtype)
    w, b = rng.normal(size=d) * 0.3, 0.1
    floor = parallel_read_floor()
    numpy_ms = median_seconds(lambda: cost_and_gradient(X, y, w, b, backend="numpy"), repeats)
    names = list(kernels)
    for threads in range(1, numba.config.NUMBA_NUM_THREADS + 1):  # type: ignore[attr-defined]
        numba.set_num_threads(threads)
        runs = {name: (lambda k=k: k(X, y, w, b, backend="numba")) for name, k in kernels.items()}
        for run in (*runs.values(), lambda: floor(X)):
            run()  # compile / warm caches
        times: dict[str, list[float]] = {name: [] for name in names}
        ratios: dict[str, list[float]] = {name: [] for name in names}
        floors: list[float] = []
        for r in range(repeats):
            for name in names[r % len(names):] + names[:r % len(names)]:
                ours, least = _seconds(runs[name]), _seconds(lambda: floor(X))
                times[name].append(ours)
                ratios[name].append(ours / least)
                floors.append(least)
        least = statistics.median(floors)
        for name in names:
            ours = statistics.median(times[name])
            print(f"{np.dtype(dtype).name:8}{threads:8}  {name:12}{ours * 1e3:10.1f}"
                  f"{least * 1e3:10.1f}{statistics.median(ratios[name]):10.2f}x"
                  f"{X.nbytes / least / 1e9:8.1f}{numpy_ms * 1e3:10.1f}{numpy_ms / ours:9.2f}x")
    numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]


def _seconds(run: Callable[[], object]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


def checkout_kernel(src: str) -> Callable[..., object]:
    """``cost_and_gradient`` of the gradwise in another checkout's ``src`` folder (say main's,
    to compare a change with it in one process, on the same data and the same load).

    Both packages are called ``gradwise``, so that checkout's modules are imported on their
    own and put in ``sys.modules`` for each of its calls (the kernel imports some lazily)."""
    ours = _gradwise_modules()
    for name in ours:
        del sys.modules[name]
    sys.path.insert(0, src)
    try:
        kernel = importlib.import_module("gradwise.neuron.kernel")
        theirs = _gradwise_modules()
    finally:
        sys.path.remove(src)
        for name in _gradwise_modules():
            del sys.modules[name]
        sys.modules.update(ours)
    if not str(kernel.__file__).startswith(str(Path(src).resolve())):
        raise SystemExit(f"--against: no gradwise package under {src}")

    def run(*args: object, **kwargs: object) -> object:
        saved = _gradwise_modules()
        sys.modules.update(theirs)
        try:
            return kernel.cost_and_gradient(*args, **kwargs)
        finally:
            sys.modules.update(saved)

    return run


def _gradwise_modules() -> dict[str, ModuleType]:
    return {name: module for name, module in sys.modules.items()
            if name == "gradwise" or name.startswith("gradwise.")}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--features", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--against", action="append", default=[], metavar="NAME=SRC",
                        help="also time the kernel of the gradwise in another checkout's src "
                             "folder, in turn with this one, per thread count (repeatable)")
    parser.add_argument("--threads-only", action="store_true",
                        help="only the per-thread-count table (no peers)")
    args = parser.parse_args()
    kernels: dict[str, Callable[..., object]] = {"this": cost_and_gradient}
    for spec in args.against:
        name, _, src = spec.rpartition("=")
        kernels[name or src] = checkout_kernel(src)
    print(f"N = {args.rows:,} rows x d = {args.features}, median of {args.repeats} runs\n")
    if not args.threads_only:
        results = {np.dtype(dt).name: measure(dt, args.rows, args.features, args.repeats)
                   for dt in (np.float64, np.float32)}
        report(results)
    print(f"\nper thread count (goals: numba <= {FLOOR_GOAL}x the read floor, NumPy fallback "
          f"<= {FALLBACK_GOAL}x numba)")
    print(f"{'dtype':8}{'threads':>8}  {'kernel':12}{'numba ms':>10}{'floor ms':>10}"
          f"{'/ floor':>11}{'GB/s':>8}{'NumPy ms':>10}{'/ numba':>10}")
    for dtype in (np.float64, np.float32):
        by_threads(dtype, args.rows, args.features, args.repeats, kernels)


if __name__ == "__main__":
    main()
