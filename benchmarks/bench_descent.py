"""Descent benchmarks, side by side in one run; prints medians and ratios against peers.

1. 100,000 plain gradient-descent steps with the whole trace kept (point, value, gradient
   per step), on C = (1 − w)² and on 2-D Rosenbrock, through ``gradwise.minimize`` (parse,
   compile, run, trace, diagnosis: everything), with ``backend="python"`` and
   ``backend="numba"`` (steady state: the kernel loaded). Goal: <= 1 µs a step in 1-D.
   numba's start-up is printed apart: import, a compile, a load from the disk cache, each
   in a fresh process.
2. Peers per step, trace kept: a plain Python loop over SymPy ``lambdify`` (``math``), no
   trace (the floor); PyTorch eager with ``torch.optim.SGD``; JAX calling a jitted step from
   Python. Goal: gradwise >= 100x faster per step than PyTorch and than JAX-from-Python.
   Peers that take hundreds of µs a step run ``--peer-steps`` steps, not 100,000.
3. End to end, compilation included: 10,000 steps of gradwise (fresh caches; numba both
   compiling into an empty cache and loading from the disk cache, numba already imported)
   against a JAX ``lax.scan`` loop (jit + run, jax already imported). Goal: gradwise faster.
4. A sweep of 1,000 learning rates × 1,000 steps, every rate running every step (tol = 0,
   rates that neither converge nor diverge), findings included. Goal: <= 1 s.

Run: python benchmarks/bench_descent.py [--repeat 5] [--peer-steps 3000]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from importlib.util import find_spec

STEPS = 100_000
COST = "C(w) = (1 - w)^2"
ROSENBROCK = "f(x, y) = (1 - x)^2 + 100(y - x^2)^2"
STARTS = {COST: {"w": 3.0}, ROSENBROCK: {"x": -1.2, "y": 1.0}}
RATES = {COST: 1e-6, ROSENBROCK: 1e-4}  # small enough to run all 100,000 steps


def median_seconds(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def gradwise_per_step(text: str, repeat: int, backend: str = "python") -> float | None:
    from gradwise import minimize

    if backend == "numba" and find_spec("numba") is None:
        return None

    def work() -> None:
        r = minimize(text, STARTS[text], learning_rate=RATES[text], max_steps=STEPS, tol=0,
                     backend=backend)
        assert r.n_steps == STEPS and len(r.trace) == STEPS + 1

    work()  # warm the kernel cache, as a training loop would
    return median_seconds(work, repeat) / STEPS


def lambdify_floor(text: str, repeat: int) -> float:
    import sympy

    from gradwise.language.expressions import parse
    from gradwise.language.functions import standard_form

    f = parse(text)
    grads = [sympy.lambdify(f.variables, standard_form(sympy.diff(f.expr, v)), "math")
             for v in f.variables]
    eta = RATES[text]

    def one() -> None:
        d = grads[0]
        w = float(STARTS[text][f.names[0]])
        for _ in range(STEPS):
            w = w - eta * d(w)

    def two() -> None:
        dx, dy = grads
        x, y = (float(STARTS[text][n]) for n in f.names)
        for _ in range(STEPS):
            x, y = x - eta * dx(x, y), y - eta * dy(x, y)

    work = one if len(grads) == 1 else two

    return median_seconds(work, repeat) / STEPS


def torch_per_step(text: str, steps: int, repeat: int) -> float | None:
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)

    def work() -> None:
        params = [torch.tensor(float(v), requires_grad=True, dtype=torch.float64)
                  for v in STARTS[text].values()]
        opt = torch.optim.SGD(params, lr=RATES[text])
        trace = []
        for _ in range(steps):
            opt.zero_grad()
            if len(params) == 1:
                loss = (1 - params[0]) ** 2
            else:
                x, y = params
                loss = (1 - x) ** 2 + 100 * (y - x**2) ** 2
            loss.backward()
            trace.append(([p.item() for p in params], loss.item(),
                          [p.grad.item() for p in params]))
            opt.step()

    work()
    return median_seconds(work, repeat) / steps


def _jax_loss(text: str):
    import jax.numpy as jnp

    if text == COST:
        return lambda p: (1 - p[0]) ** 2
    return lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2 + 0 * jnp.sum(p)


def jax_per_step(text: str, steps: int, repeat: int) -> float | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    loss = _jax_loss(text)
    eta = RATES[text]

    @jax.jit
    def step(p):
        value, g = jax.value_and_grad(loss)(p)
        return p - eta * g, value, g

    def work() -> None:
        p = jnp.array(list(STARTS[text].values()), dtype=jnp.float64)
        trace = []
        for _ in range(steps):
            new, value, g = step(p)
            trace.append((p, value, g))
            p = new
        p.block_until_ready()

    work()
    return median_seconds(work, repeat) / steps


def jax_scan_end_to_end(text: str, steps: int) -> float | None:
    try:
        import jax
        import jax.numpy as jnp
    except ImportError:
        return None
    jax.config.update("jax_enable_x64", True)
    eta = RATES[text]
    start = time.perf_counter()
    loss = _jax_loss(text)

    def body(p, _):
        value, g = jax.value_and_grad(loss)(p)
        return p - eta * g, (p, value, g)

    run = jax.jit(lambda p: jax.lax.scan(body, p, None, length=steps))
    final, trace = run(jnp.array(list(STARTS[text].values()), dtype=jnp.float64))
    final.block_until_ready()
    return time.perf_counter() - start


def gradwise_end_to_end(text: str, steps: int, backend: str = "python",
                        cache_dir: str | None = None) -> float | None:
    """One run from fresh in-memory caches; numba's disk cache is ``cache_dir``."""
    from gradwise import minimize
    from gradwise.descent import compiled, problem
    from gradwise.numeric import kernels

    if backend == "numba":
        if find_spec("numba") is None:
            return None
        from gradwise.descent import _numba_loop

        _numba_loop._loaded.clear()
        os.environ["GRADWISE_CACHE_DIR"] = cache_dir or tempfile.mkdtemp()
    for cache in (kernels._scalar_kernel, compiled._descent_loop, kernels._hessian_kernel,
                  compiled._numba_source, kernels.key, problem._parsed, problem._gradient,
                  problem._check_defined):
        cache.cache_clear()
    start = time.perf_counter()
    minimize(text.replace("f(x, y)", "g(x, y)").replace("C(w)", "D(w)"), STARTS[text],
             learning_rate=RATES[text], max_steps=steps, tol=0, backend=backend)
    seconds = time.perf_counter() - start
    os.environ.pop("GRADWISE_CACHE_DIR", None)
    return seconds


# numba's start-up in a fresh process: import numba, then the first call of one loop
_START_UP = """
import json, sys, time
from gradwise.descent.compiled import descent_loop
from gradwise.language.expressions import parse
f = parse(sys.argv[1])
t0 = time.perf_counter()
import numba
t1 = time.perf_counter()
descent_loop(f, "numba")((3.0,), 0.1, 1.0, 0.0, 1, 1e100, 10)
print(json.dumps([t1 - t0, time.perf_counter() - t1]))
"""


def numba_start_up(repeat: int) -> tuple[float, float, float] | None:
    """Median seconds for: import numba; compile a new loop; load a loop from the disk cache.

    Each in a fresh process, with the helpers of ``gradwise.numeric._numba_math`` already cached
    (as after any earlier numba run).
    """
    if find_spec("numba") is None:
        return None
    imports, compiles, loads = [], [], []
    for i in range(repeat):
        env = dict(os.environ, GRADWISE_CACHE_DIR=tempfile.mkdtemp())
        text = f"(1 - w)^2 + w/{1000 + i}"  # a new expression: nothing cached for it
        for timings in (compiles, loads):
            out = subprocess.run([sys.executable, "-c", _START_UP, text], env=env, check=True,
                                 capture_output=True, text=True).stdout
            seconds_import, seconds_first = json.loads(out)
            imports.append(seconds_import)
            timings.append(seconds_first)
    return statistics.median(imports), statistics.median(compiles), statistics.median(loads)


def sweep_seconds(repeat: int) -> float:
    from gradwise import sweep

    rates = [1e-5 + i * 1e-8 for i in range(1000)]

    def work() -> None:
        rows = sweep(COST, {"w": 3}, rates, max_steps=1000, tol=0)
        assert all(r.n_steps == 1000 for r in rows)

    work()
    return median_seconds(work, repeat)


def show(label: str, seconds: float | None, goal: str = "") -> None:
    text = "not installed" if seconds is None else f"{seconds * 1e6:10.3f} µs"
    print(f"  {label:<44}{text:>16}  {goal}")


def ratio_line(label: str, ours: float, peer: float | None, goal: float) -> None:
    if peer is None:
        print(f"  {label:<44}{'not installed':>16}")
        return
    ratio = peer / ours
    print(f"  {label:<44}{ratio:>14.0f}x   goal >= {goal:.0f}x  "
          f"{'OK' if ratio >= goal else 'MISSED'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--peer-steps", type=int, default=3000)
    args = parser.parse_args()
    start_up = numba_start_up(max(args.repeat // 2, 1))
    if start_up:
        print("numba start-up, each in a fresh process (median): import numba "
              f"{start_up[0]:.2f} s; first call of a loop: compiling {start_up[1]:.2f} s, "
              f"from the disk cache {start_up[2]:.2f} s")
    for text in (COST, ROSENBROCK):
        print(f"\n{text}: {STEPS:,} plain-descent steps, trace kept (per step, median)")
        ours = gradwise_per_step(text, args.repeat)
        fast = gradwise_per_step(text, args.repeat, "numba")
        goal = f"goal <= 1 µs  {'OK' if ours <= 1e-6 else 'MISSED'}" if text == COST else ""
        show("gradwise.minimize, backend='python'", ours, goal)
        goal = "" if fast is None or text != COST else \
            f"goal <= 1 µs  {'OK' if fast <= 1e-6 else 'MISSED'}"
        show("gradwise.minimize, backend='numba' (loaded)", fast, goal)
        show("python loop over lambdify, no trace", lambdify_floor(text, args.repeat))
        torch_s = torch_per_step(text, args.peer_steps, args.repeat)
        jax_s = jax_per_step(text, args.peer_steps, args.repeat)
        show(f"pytorch eager + SGD ({args.peer_steps:,} steps)", torch_s)
        show(f"jax jitted step from python ({args.peer_steps:,} steps)", jax_s)
        for name, seconds in (("python", ours), ("numba", fast)):
            if seconds is not None:
                ratio_line(f"{name}: speed-up over pytorch eager", seconds, torch_s, 100)
                ratio_line(f"{name}: speed-up over jax jitted step", seconds, jax_s, 100)
        end_to_end(text)
    seconds = sweep_seconds(max(args.repeat // 2, 1))
    print(f"\nsweep: 1,000 learning rates × 1,000 steps, all running every step, findings "
          f"included\n  median {seconds:.3f} s   goal <= 1 s  {'OK' if seconds <= 1 else 'MISSED'}")


def end_to_end(text: str) -> None:
    scan = jax_scan_end_to_end(text, 10_000)
    print("  10,000 steps end to end, compilation included (jax lax.scan: "
          f"{'not installed' if scan is None else f'{scan * 1e3:.1f} ms'}):")
    disk = tempfile.mkdtemp()
    runs = [("python", gradwise_end_to_end(text, 10_000)),
            ("numba, compiling", gradwise_end_to_end(text, 10_000, "numba", disk)),
            ("numba, from the disk cache", gradwise_end_to_end(text, 10_000, "numba", disk))]
    for name, seconds in runs:
        if seconds is None:
            print(f"    gradwise {name:<28} not installed")
            continue
        verdict = "" if scan is None else \
            f"{'OK' if seconds < scan else 'MISSED'} ({scan / seconds:.1f}x)"
        print(f"    gradwise {name:<28}{seconds * 1e3:8.1f} ms   {verdict}")


if __name__ == "__main__":
    main()
