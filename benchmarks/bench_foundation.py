"""Foundation benchmarks, side by side in one run; prints medians and ratios.

1. Whole-process time of ``gradwise grad "x^2 + y^2" --at x=2,y=2`` and of
   ``gradwise grad "x^2 + y^2" --steps`` and ``gradwise graph`` for the notes' neuron (its
   table and backward pass, no picture), against ``python -c "import sympy"`` (goal: each
   ratio <= 1.3, so nothing heavy loads).
2. The 100-variable Rosenbrock function at a point: the gradient built and evaluated
   exactly (goal: <= 1 s), and its computation graph with the forward and backward passes
   (``gradwise.graph``, goal: <= 0.5 s), parse included in both; and its steps, every
   partial derivative derived rule by rule (goal: <= 1 s; the gradient they end on is
   computed first, not counted).
3. ``gradwise.check`` of a right 10-component answer, in-process (goal: <= 0.5 s); one with a
   slip in a component is timed beside it (the slips are searched only for a wrong one).

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


COMMANDS = {
    "gradwise grad": ["grad", "x^2 + y^2", "--at", "x=2,y=2"],
    "gradwise grad --steps": ["grad", "x^2 + y^2", "--steps"],
    "gradwise graph (neuron)": ["graph", "(y - sigmoid(w x + b))^2", "--at", "x=1,y=1,b=0,w=3"],
}


def startup(repeat: int) -> None:
    ours = {name: [sys.executable, "-m", "gradwise", *args] for name, args in COMMANDS.items()}
    peer = [sys.executable, "-c", "import sympy"]
    for command in ours.values():
        process_seconds(command)  # warm the file cache
    times: dict[str, list[float]] = {name: [] for name in [*ours, "import sympy"]}
    for _ in range(repeat):  # interleaved, so machine noise hits all alike
        for name, command in ours.items():
            times[name].append(process_seconds(command))
        times["import sympy"].append(process_seconds(peer))
    print(f"{'whole process':<46}{'median s':>6}")
    for name, values in times.items():
        print(f"  {name:<44}{statistics.median(values):>6.3f}")
    peer_s = statistics.median(times["import sympy"])
    for name in ours:
        ratio = statistics.median(times[name]) / peer_s
        label = f"ratio {name}/sympy-import"
        print(f"  {label:<44}{ratio:>6.2f}   goal <= 1.30  {'OK' if ratio <= 1.3 else 'MISSED'}")


def rosenbrock_text(n: int) -> str:
    terms = [f"100(x{i + 1} - x{i}^2)^2 + (1 - x{i})^2" for i in range(1, n)]
    return " + ".join(terms)


def rosenbrock(repeat: int) -> None:
    from gradwise.calculus.gradients import gradient
    from gradwise.calculus.graph import graph

    text = rosenbrock_text(100)
    point = {f"x{i}": 0.5 + i / 1000 for i in range(1, 101)}
    runs: dict[str, list[float]] = {"gradient": [], "graph": []}
    for _ in range(max(3, repeat // 3)):  # interleaved, as above
        start = time.perf_counter()
        floats = gradient(text).at(point).values
        runs["gradient"].append(time.perf_counter() - start)
        start = time.perf_counter()
        g = graph(text, at=point)
        runs["graph"].append(time.perf_counter() - start)
    assert len(floats) == 100 and g.gradient_values == floats
    print(f"\n100-variable Rosenbrock at a point ({len(g.nodes)} graph nodes), parse included")
    for name, label, goal in [("gradient", "gradient, exact value", 1.0),
                              ("graph", "graph + forward + backward", 0.5)]:
        best = statistics.median(runs[name])
        print(f"  {label:<30}median {best:.3f} s   goal <= {goal} s  "
              f"{'OK' if best <= goal else 'MISSED'}")


def rosenbrock_steps(repeat: int) -> None:
    from gradwise.calculus.gradients import gradient

    g = gradient(rosenbrock_text(100))
    runs = []
    for _ in range(max(3, repeat // 3)):
        start = time.perf_counter()
        s = g.steps()
        runs.append(time.perf_counter() - start)
    assert len(s.derivations) == 100
    best = statistics.median(runs)
    print("\n100-variable Rosenbrock: every partial derivative rule by rule (Gradient.steps)")
    print(f"  median {best:.3f} s   goal <= 1.0 s  {'OK' if best <= 1.0 else 'MISSED'}")


def check_ten(repeat: int) -> None:
    from gradwise.calculus.check import check
    from gradwise.calculus.gradients import gradient
    from gradwise.language.notation import show

    text = rosenbrock_text(10)
    right = [show(c) for c in gradient(text).components]
    slipped = [right[0].replace("400", "200", 1), *right[1:]]  # one wrong component
    print("\ngradwise.check of a 10-component answer (Rosenbrock in 10 variables), in-process")
    for name, answer in (("right", right), ("one component wrong", slipped)):
        runs = []
        for _ in range(max(3, repeat // 3)):
            start = time.perf_counter()
            result = check(text, ", ".join(answer))
            runs.append(time.perf_counter() - start)
        assert result.correct == (name == "right")
        best = statistics.median(runs)
        goal = f"goal <= 0.5 s  {'OK' if best <= 0.5 else 'MISSED'}" if name == "right" else ""
        print(f"  {name:<22} median {best:.3f} s   {goal}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    startup(args.repeat)
    rosenbrock(args.repeat)
    rosenbrock_steps(args.repeat)
    check_ten(args.repeat)
