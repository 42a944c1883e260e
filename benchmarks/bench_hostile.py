"""How fast hostile text is refused: every item of the one hostile list, best of 5 each.

Each refusal should take milliseconds (the limits are checked before any SymPy object is
built); the goal is <= 50 ms for every item. The unit tests only guard against hangs (2 s).

Run: python benchmarks/bench_hostile.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import importlib.util
import time
from pathlib import Path

from gradwise import ParseError, parse

GOAL = 0.05


def hostile_list() -> dict[str, str]:
    """The one list, from tests/test_hostile.py."""
    path = Path(__file__).resolve().parents[1] / "tests" / "test_hostile.py"
    spec = importlib.util.spec_from_file_location("test_hostile", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.HOSTILE


def best(text: str, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            parse(text)
        except ParseError:
            pass
        else:
            raise AssertionError(f"accepted: {text!r}")
        times.append(time.perf_counter() - start)
    return min(times)


def main(repeat: int) -> None:
    parse("x")  # build the parser's tables first
    results = {name: best(text, repeat) for name, text in hostile_list().items()}
    width = max(map(len, results))
    for name, seconds in sorted(results.items(), key=lambda item: -item[1]):
        print(f"  {name:<{width}}  {seconds * 1000:8.2f} ms")
    slowest = max(results.values())
    print(f"slowest of {len(results)}: {slowest * 1000:.2f} ms   goal <= {GOAL * 1000:.0f} ms  "
          f"{'OK' if slowest <= GOAL else 'MISSED'}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    main(parser.parse_args().repeat)
