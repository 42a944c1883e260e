"""Foundation benchmarks, side by side in one run; prints medians and ratios.

1. Whole-process time of ``gradwise grad "x^2 + y^2" --at x=2,y=2`` against
   ``python -c "import sympy"`` (goal: ratio <= 1.3, so nothing heavy loads on the way).
2. Building and evaluating the gradient of the 100-variable Rosenbrock function
   (goal: <= 1 s), exactly and in floats.

Run: python benchmarks/bench_foundation.py [--repeat 15]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def process_seconds(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup(repeat: int) -> None:
    ours = [sys.executable, "-m", "gradwise", "grad", "x^2 + y^2", "--at", "x=2,y=2"]
    peer = [sys.executable, "-c", "import sympy"]
    process_seconds(ours)  # warm the file cache and the parser-table cache
    times: dict[str, list[float]] = {"gradwise grad": [], "import sympy": []}
    for _ in range(repeat):  # interleaved, so machine noise hits both alike
        times["gradwise grad"].append(process_seconds(ours))
        times["import sympy"].append(process_seconds(peer))
    ours_s, peer_s = (statistics.median(v) for v in times.values())
    print(f"{'whole process':<34}{'median s':>10}")
    for name, values in times.items():
        print(f"  {name:<32}{statistics.median(values):>10.3f}")
    ratio = ours_s / peer_s
    print(f"  ratio gradwise/sympy-import     {ratio:>10.2f}   goal <= 1.30  "
          f"{'OK' if ratio <= 1.3 else 'MISSED'}")


def rosenbrock_text(n: int) -> str:
    terms = [f"100(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, n)]
    return " + ".join(terms)


def rosenbrock(repeat: int) -> None:
    from gradwise.calculus.gradients import gradient

    text = rosenbrock_text(100)
    point = {f"x{i}": 0.5 + i / 1000 for i in range(1, 101)}
    runs = []
    for _ in range(max(3, repeat // 3)):
        start = time.perf_counter()
        value = gradient(text).at(point)
        floats = value.values
        runs.append(time.perf_counter() - start)
    assert len(floats) == 100
    best = statistics.median(runs)
    print("\n100-variable Rosenbrock: parse + gradient + exact value at a point")
    print(f"  median {best:.3f} s   goal <= 1.0 s  {'OK' if best <= 1.0 else 'MISSED'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    startup(args.repeat)
    rosenbrock(args.repeat)
