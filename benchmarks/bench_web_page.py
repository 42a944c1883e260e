"""The playground's weight in a real browser: one slider move on a 10,000-step run.

Starts ``gradwise serve`` on a free loopback port, opens the page in headless Chromium
(Debian's, through Playwright) on a run of 10,000 steps, then moves the η slider ``--moves``
times, one at a time, and for each move measures in the page:

* time to first paint: from the slider's input event to the first animation frame painted
  after the new paths are drawn (goal: median <= 150 ms);
* time until the animation ends, and the bytes of the /api/descend answers for that move.

The issue's before-figures (the same run, before the page sent a thinned path and rows on
demand): 1.6 MB of JSON per slider move and about 14 s until the animation ended on 2 cores.

    .venv/bin/python benchmarks/bench_web_page.py            # about 30 s
    .venv/bin/python benchmarks/bench_web_page.py --moves 20 --device phone
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
DEVICES = {"desktop": {"viewport": {"width": 1200, "height": 900}},
           "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True,
                     "is_mobile": True}}
PAGE = "/?f=x%5E2%20%2B%2010y%5E2&start=x%3D2%2Cy%3D1&eta=0.0001&steps=10000"

# In the page: the time of each slider input, and of the first frame painted after the runs
# that answer it have been drawn (player.js draws the first frame in loadRuns).
INSTRUMENT = """(() => {
  window.bench = { input: 0, painted: 0, ended: 0 };
  document.getElementById('eta-slider').addEventListener('input', () => {
    bench.input = performance.now(); bench.painted = 0; bench.ended = 0;
  });
  const load = loadRuns;
  loadRuns = function (runs) {
    load(runs);
    const painted = () => { bench.painted = performance.now(); };
    const drawn = () => requestAnimationFrame(player.drawing ? drawn : painted);
    requestAnimationFrame(drawn);
    const ended = () => (player.playing || player.drawing ? requestAnimationFrame(ended)
                                                            : (bench.ended = performance.now()));
    requestAnimationFrame(ended);
  };
})()"""


def wait_for(page, condition: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not page.evaluate(condition):
        if time.monotonic() > deadline:
            raise TimeoutError(condition)
        time.sleep(0.01)


def measure(base: str, moves: int, device: str) -> list[tuple[float, float, int]]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader"])
        page = browser.new_context(**DEVICES[device]).new_page()
        page.goto(base + PAGE)
        wait_for(page, "document.getElementById('steps-table').dataset.run === runKey()"
                       " && !player.playing && !player.drawing")
        page.evaluate(INSTRUMENT)
        sizes: list[int] = []
        page.on("response", lambda r: sizes.append(len(r.body()))
                if r.url.endswith("/api/descend") else None)
        page.locator("#eta-slider").focus()
        results = []
        for _ in range(moves):
            sizes.clear()
            page.keyboard.press("ArrowRight")
            wait_for(page, "bench.painted > 0 && bench.ended > 0")
            first, ended = page.evaluate("[bench.painted - bench.input, bench.ended - bench.input]")
            results.append((first, ended, sum(sizes)))
        browser.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--moves", type=int, default=10)
    parser.add_argument("--device", choices=list(DEVICES), default="desktop")
    args = parser.parse_args()
    with httpx.Client() as client, _server() as base:
        client.get(base + "/")
        print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at the start; "
              f"{args.moves} slider moves on a 10,000-step run ({args.device})")
        results = measure(base, args.moves, args.device)
    first = [r[0] for r in results]
    ended = [r[1] for r in results]
    sent = [r[2] for r in results]
    print(f"time to first paint: median {statistics.median(first):.0f} ms, "
          f"max {max(first):.0f} ms (goal: median <= 150 ms)")
    print(f"until the animation ends: median {statistics.median(ended) / 1000:.2f} s "
          "(before: about 14 s)")
    print(f"JSON per slider move: median {statistics.median(sent) / 1000:.1f} KB "
          "(before: 1.6 MB)")
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")
    return 0 if statistics.median(first) <= 150 else 1


class _server:
    """``gradwise serve`` on a free loopback port, stopped on leaving the block."""

    def __enter__(self) -> str:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gradwise", "serve", "--port", str(port)], cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert self.process.stdout is not None
        self.process.stdout.readline()  # the banner: the port accepts connections now
        return f"http://127.0.0.1:{port}"

    def __exit__(self, *exc_info: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
