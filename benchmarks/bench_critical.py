"""Critical points and global minima: gradwise beside SciPy, side by side in one run.

For each standard function and box, three methods look for the local minima and the global
minimum:

* gradwise: ``gradwise.extrema(f, box)`` with the default 5 s budget (every critical point
  certified by interval arithmetic where the budget allows, and the global extremes
  certified by branch and bound);
* SciPy ``shgo(f, bounds, sampling_method="sobol")`` (default options), its local minima
  ``res.xl``;
* a multistart: ``scipy.optimize.minimize(f, x0, method="L-BFGS-B", bounds=...)`` from
  400 Sobol points (the same generator, seed 0), distinct local minima kept.

The truth is gradwise's certified search with a budget of 120 s (a proof, so it can serve:
each point the only zero of ∇f in a tiny box, the rest of the box excluded); where even
that is not complete (Easom's flat far field), the table says so. A method finds a minimum
when one of its points is within 10⁻⁴ of it (max norm); a proven count that is not listed
(more than 2,000 points) counts as found. "certified": "list + min" when every critical
point and the global minimum are proven, "min only" when the minimum is. Times are medians
of ``--repeat`` runs, after a warm-up (gradwise's interval kernels compiled, or loaded from
numba's cache, before the first). Goal: gradwise finds all, certified, in at most 2×
shgo's time while shgo misses points.

Run: python benchmarks/bench_critical.py [--repeat 3]   (SciPy: pip install -e '.[bench]')
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np

FUNCTIONS = {
    "Himmelblau": ("(x^2 + y - 11)^2 + (x + y^2 - 7)^2", [(-5, 5), (-5, 5)]),
    "six-hump camel": ("(4 - 2.1x^2 + x^4/3)x^2 + x y + (-4 + 4y^2)y^2", [(-3, 3), (-2, 2)]),
    "Rastrigin": ("20 + x^2 - 10cos(2pi x) + y^2 - 10cos(2pi y)", [(-5.12, 5.12)] * 2),
    "Styblinski-Tang": ("(x^4 - 16x^2 + 5x + y^4 - 16y^2 + 5y)/2", [(-5, 5), (-5, 5)]),
    "Goldstein-Price": ("(1 + (x + y + 1)^2 (19 - 14x + 3x^2 - 14y + 6x y + 3y^2))"
                        " (30 + (2x - 3y)^2 (18 - 32x + 12x^2 + 48y - 36x y + 27y^2))",
                        [(-2, 2), (-2, 2)]),
    "Branin": ("(y - 5.1/(4pi^2) x^2 + 5/pi x - 6)^2 + 10(1 - 1/(8pi))cos(x) + 10",
               [(-5, 10), (0, 15)]),
    "Bohachevsky": ("x^2 + 2y^2 - 0.3cos(3pi x) - 0.4cos(4pi y) + 0.7", [(-100, 100)] * 2),
    "Easom": ("-cos(x) cos(y) exp(-((x - pi)^2 + (y - pi)^2))", [(-100, 100)] * 2),
    "Levy N.13": ("sin(3pi x)^2 + (x - 1)^2 (1 + sin(3pi y)^2) + (y - 1)^2 (1 + sin(2pi y)^2)",
                  [(-10, 10), (-10, 10)]),
}
STARTS = 400
NEAR = 1e-4


def signed(text: str) -> str:
    """The variables in the order x, y, whatever appears first (Branin's body starts with y)."""
    return "f(x, y) = " + text


def box_text(bounds) -> str:
    return ",".join(f"{n}={lo}:{hi}" for n, (lo, hi) in zip("xy", bounds))


def numeric(text: str):
    """f as a NumPy function of one point, from gradwise's own parse (no text to SymPy)."""
    import sympy

    from gradwise import parse
    from gradwise.language.functions import standard_form

    f = parse(text)
    g = sympy.lambdify(f.variables, standard_form(f.expr), "numpy")
    return lambda p: float(g(*p))


def truth(text: str, bounds):
    """The certified minima: from the proven roots themselves, since a box with more than
    2,000 critical points (Levy N.13 has 3,653) lists none of them."""
    from gradwise import parse
    from gradwise.critical.definite import hessian_signs
    from gradwise.critical.extrema import extrema
    from gradwise.critical.search import Plan, investigate, parse_box

    e = extrema(text, box_text(bounds), budget=120)
    f = parse(text)
    work = investigate(f, parse_box(box_text(bounds), f), Plan(time.monotonic(), 120.0))
    roots = work.zeros.roots
    inside = np.all((roots.mean(axis=2) >= np.array(bounds)[:, 0])
                    & (roots.mean(axis=2) <= np.array(bounds)[:, 1]), axis=1)
    kinds = np.array(hessian_signs(work.system, roots[inside]).kinds)
    minima = roots[inside].mean(axis=2)[kinds == "minimum"]
    return minima, e.minimum.value, work.result.certified


def run_gradwise(text: str, bounds):
    import gradwise

    e = gradwise.extrema(text, box_text(bounds))
    minima = np.array([p.point for p in e.critical.of_kind("minimum")]).reshape(-1, 2)
    if e.critical.count and not len(e.critical.points):  # counted, proven, not listed
        minima = (e.critical.kinds or {}).get("minimum", 0)
    proof = "list + min" if e.critical.certified and e.minimum.certified else \
        "min only" if e.minimum.certified else "no"
    return minima, e.minimum.value, proof


def run_shgo(text: str, bounds):
    from scipy.optimize import shgo

    f = numeric(text)
    res = shgo(f, bounds, sampling_method="sobol")
    return np.atleast_2d(res.xl), float(res.fun), "no"


def run_multistart(text: str, bounds):
    from scipy.optimize import minimize
    from scipy.stats import qmc

    f = numeric(text)
    low, high = np.array(bounds, dtype=float).T
    starts = qmc.scale(qmc.Sobol(2, seed=0).random(STARTS), low, high)
    found: list[np.ndarray] = []
    best = np.inf
    for x0 in starts:
        res = minimize(f, x0, method="L-BFGS-B", bounds=bounds)
        best = min(best, float(res.fun))
        if not any(np.max(np.abs(res.x - q)) < NEAR for q in found):
            found.append(res.x)
    return np.array(found).reshape(-1, 2), best, "no"


METHODS = {"gradwise": run_gradwise, "shgo (sobol)": run_shgo,
           f"multistart ×{STARTS}": run_multistart}


def found_count(true_minima: np.ndarray, points) -> int:
    if isinstance(points, int):  # a proven count of the minima, without their list
        return points
    if not len(points):
        return 0
    return sum(bool(np.any(np.max(np.abs(points - m), axis=1) < NEAR)) for m in true_minima)


def timed(method, text, bounds, repeat: int):
    method(text, bounds)  # warm-up: imports, the SymPy worker, caches
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = method(text, bounds)
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", help="names of functions to run")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # SciPy's optimizers warn about their own tolerances
    from gradwise.numeric.tapes import warm

    warm()  # the interval kernels compiled (or loaded) before anything is timed
    header = ("| function | true minima | method | median s | ÷ shgo | minima found | "
              "global min | certified |")
    print(header)
    print("|" + " --- |" * 8)
    for name, (body, bounds) in FUNCTIONS.items():
        if args.only and name not in args.only:
            continue
        text = signed(body)
        minima, best, proven = truth(text, bounds)
        rows = {m: timed(fn, text, bounds, args.repeat) for m, fn in METHODS.items()}
        shgo_time = rows["shgo (sobol)"][0]
        for method, (seconds, (points, low, certified)) in rows.items():
            hit = found_count(minima, points)
            right = "yes" if abs(low - best) <= 1e-6 * max(1.0, abs(best)) else f"no ({low:.6g})"
            total = f"{len(minima)}" + ("" if proven else " (not all proven)")
            print(f"| {name} | {total} | {method} | {seconds:.3f} | {seconds / shgo_time:.2f}× "
                  f"| {hit}/{len(minima)} | {right} | {certified} |")


if __name__ == "__main__":
    main()
