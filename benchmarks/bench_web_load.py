"""A bounded load test of the web playground on loopback (it stops by itself).

Starts ``gradwise serve`` on a free 127.0.0.1 port, then runs two phases of ``--seconds`` each
with ``--clients`` concurrent clients sending the page's mix of requests (gradient, surface,
descend, lr, critical) about ten functions (polynomials, trigonometric, exponential,
Himmelblau, Rosenbrock) at random points with three decimals:

1. benign requests only: goal 0 errors and a p99 gradient latency <= 100 ms;
2. the same, with ``--pathological`` slow-but-valid requests spread over the phase (an exact
   Hessian that passes the time limit): goal a 4xx for each, and a benign p99 <= 300 ms.

A warm-up of ``--warm-up`` seconds comes first and is not scored. Then it stops the server
(SIGINT) and counts the worker processes left (goal 0). Each client waits about ``--think``
seconds between requests (0.25 s: the page's debounce, so a person at the page sends at most a
few requests a second); ``--think 0`` gives a closed-loop stress run instead, with the goal of
at least 400 gradient requests a second (``--only gradient``). Besides latencies it prints what
each kind of request cost the worker in CPU milliseconds (the ``Server-Timing`` header) and the
CPU time of the server and its workers per request, and the load average before and after
(the machine may be shared: compare runs made under the same load).

    .venv/bin/python benchmarks/bench_web_load.py            # about 70 s
    .venv/bin/python benchmarks/bench_web_load.py --seconds 10 --clients 16 --think 0 \
        --only gradient --pathological 0
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]

FUNCTIONS = ["x^2 + y^2", "x^2 + 3y^2", "(1 - x)^2 + 100(y - x^2)^2",
             "(x^2 + y - 11)^2 + (x + y^2 - 7)^2", "sin(x) cos(y)", "exp(-x^2 - y^2)",
             "x^4 - 2x^2 + y^2", "(1 - w)^2", "sin(x)^2 + exp(x y)/10", "log(1 + x^2 + y^2)"]
HEAVY = " + ".join(f"sin({a}*{b}+{c})^3*exp({d}*{a})" for a in "abcdfghjk" for b in "abcd"
                   for c in "abc" for d in "xy")
KINDS = ["gradient", "surface", "descend", "lr", "critical"]
ONLY = None  # --only KIND: one kind of request, to measure its plumbing alone
PATHOLOGICAL = ("hessian", {"expr": HEAVY, "at": ",".join(f"{v}=1/3" for v in "abcdfghjkxy")})


def benign_request(rng: random.Random) -> tuple[str, dict]:
    """One request of the page's mix, as the page sends it: mostly gradients, then the rest."""
    f = rng.choice(FUNCTIONS)
    names = ["w"] if f == "(1 - w)^2" else ["x", "y"]
    start = ",".join(f"{n}={rng.uniform(-2, 2):.3f}" for n in names)
    kind = ONLY or rng.choices(KINDS, weights=[60, 12, 18, 8, 2])[0]
    if kind == "gradient":
        return kind, {"expr": f, "at": start}
    if kind == "surface":
        return kind, {"expr": f, "box": [-3, 3] * len(names), "resolution": 61, "arrows": 9}
    if kind == "descend":  # the page: a thinned path and the table's first page
        eta = 10 ** rng.uniform(-3, -1)
        return kind, {"expr": f, "start": start, "learning_rate": f"{eta:.3g}", "steps": 100,
                      "rows": [0, 50], "path_points": 600}
    if kind == "lr":
        return kind, {"expr": f, "start": start, "method": "gd"}
    within = ",".join(f"{n}=-6:6" for n in names)  # as the page asks: its search box, 2 s
    return kind, {"expr": f, "within": within, "budget": 2}


class Connection:
    """One keep-alive HTTP/1.1 connection, spoken directly on asyncio streams.

    A minimal client on purpose: on a small machine a full client library costs as much CPU as
    the server it measures, and that would be counted as the server's latency.
    """

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: dict) -> tuple[int, float]:
        """The answer's status and the worker's CPU milliseconds (its Server-Timing)."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        data = json.dumps(body).encode()
        self.writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                          f"application/json\r\nContent-Length: {len(data)}\r\n\r\n".encode()
                          + data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        timing = head.lower().split(b"cpu;dur=", 1)
        cpu = float(timing[1].split(b",", 1)[0]) if len(timing) == 2 else math.nan
        length = int(head.lower().split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        await self.reader.readexactly(length)
        if b"connection: close" in head.lower():
            await self.close()
        return status, cpu

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(OSError):
                await self.writer.wait_closed()
            self.reader = self.writer = None


async def client_loop(port: int, rng: random.Random, until: float, think: float,
                      records: list) -> None:
    connection = Connection(port)
    while time.monotonic() < until:
        kind, body = benign_request(rng)
        records.append(await timed(connection, kind, body, benign=True))
        if think:
            await asyncio.sleep(rng.uniform(0.5 * think, 1.5 * think))
    await connection.close()


async def pathological_loop(port: int, count: int, seconds: float, records: list) -> None:
    gap = seconds / (count + 1)
    tasks = []
    for _ in range(count):
        await asyncio.sleep(gap)
        tasks.append(asyncio.create_task(timed(Connection(port), *PATHOLOGICAL, benign=False)))
    records.extend(await asyncio.gather(*tasks))


async def timed(connection: Connection, kind: str, body: dict, benign: bool) -> tuple:
    start = time.perf_counter()
    cpu = math.nan
    try:
        status, cpu = await connection.post(f"/api/{kind}", body)
    except (OSError, asyncio.IncompleteReadError, ValueError, IndexError) as error:
        status = type(error).__name__
        await connection.close()
    if not benign:
        await connection.close()
    return kind, status, time.perf_counter() - start, benign, cpu


async def phase(port: int, clients: int, seconds: float, think: float, pathological: int,
                seed: int) -> list:
    records: list = []
    until = time.monotonic() + seconds
    loops = [client_loop(port, random.Random(seed + i), until, think, records)
             for i in range(clients)]
    if pathological:
        loops.append(pathological_loop(port, pathological, seconds, records))
    await asyncio.gather(*loops)
    return records


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] if ordered else float("nan")


def report(title: str, records: list, seconds: float) -> dict:
    benign = [r for r in records if r[3]]
    errors = [r for r in benign if r[1] != 200]
    print(f"\n{title}: {len(benign)} benign requests, {len(errors)} errors, "
          f"{len(benign) / seconds:.0f} requests/s")
    for kind in KINDS:
        times = [r[2] * 1000 for r in benign if r[0] == kind and r[1] == 200]
        cpu = [r[4] for r in benign if r[0] == kind and r[1] == 200 and not math.isnan(r[4])]
        if times:
            print(f"  {kind:<9} n={len(times):>5}  p50={percentile(times, 50):7.1f} ms  "
                  f"p99={percentile(times, 99):7.1f} ms  {len(times) / seconds:6.0f}/s  "
                  f"worker CPU {statistics.fmean(cpu) if cpu else math.nan:6.2f} ms")
    every = [r[2] * 1000 for r in benign if r[1] == 200]
    print(f"  {'all':<9} n={len(every):>5}  p50={percentile(every, 50):7.1f} ms  "
          f"p99={percentile(every, 99):7.1f} ms")
    slow = [r for r in records if not r[3]]
    if slow:
        statuses = sorted({str(r[1]) for r in slow})
        print(f"  pathological: {len(slow)}, statuses {statuses}, "
              f"slowest answer {max(r[2] for r in slow):.2f} s")
    gradient = [r[2] * 1000 for r in benign if r[0] == "gradient" and r[1] == 200]
    if errors:
        print("  errors:", sorted({str(r[1]) for r in errors}))
    return {"errors": len(errors), "p99_gradient": percentile(gradient, 99),
            "p99_all": percentile(every, 99), "gradient_rate": len(gradient) / seconds,
            "requests": len(records),
            "pathological_4xx": all(isinstance(r[1], int) and 400 <= r[1] < 500 for r in slow)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def workers_left(pids: list[int]) -> list[int]:
    left = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            left.append(pid)
    return left


def descendants(pid: int) -> list[int]:
    found, frontier = [], [pid]
    while frontier:
        parent = frontier.pop()
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == parent:
                    found.append(int(entry.name))
                    frontier.append(int(entry.name))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=0.25,
                        help="seconds a client waits between requests (the page's debounce)")
    parser.add_argument("--warm-up", type=float, default=8.0)
    parser.add_argument("--pathological", type=int, default=10)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=2.0,
                        help="the server's per-computation wall-clock limit")
    parser.add_argument("--only", choices=KINDS)
    args = parser.parse_args()
    global ONLY
    ONLY = args.only

    port = free_port()
    command = [sys.executable, "-m", "gradwise", "serve", "--port", str(port),
               "--timeout", str(args.timeout)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(base + "/api/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    print("the server did not start", file=sys.stderr)
                    return 1
                time.sleep(0.2)
        print(f"server on {base} (pid {server.pid}); {os.cpu_count()} CPUs, load average "
              f"{os.getloadavg()[0]:.2f}; {args.clients} clients, {args.seconds:g} s per "
              f"phase, think {args.think:g} s")
        workers = descendants(server.pid)
        warm = asyncio.run(phase(port, args.clients, args.warm_up, args.think, 0, seed=0))
        print(f"warm-up: {len(warm)} requests in {args.warm_up:g} s (not scored: each worker "
              "meets each function for the first time)")
        first = report("phase 1 (benign)", asyncio.run(
            phase(port, args.clients, args.seconds, args.think, 0, seed=1)), args.seconds)
        second = report(f"phase 2 (with {args.pathological} pathological)", asyncio.run(
            phase(port, args.clients, args.seconds, args.think, args.pathological, seed=2)),
            args.seconds)
        workers += descendants(server.pid)
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    time.sleep(1.0)
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    served = children.ru_utime + children.ru_stime
    requests = len(warm) + first["requests"] + second["requests"]
    print(f"\nCPU seconds: load clients {usage.ru_utime + usage.ru_stime:.1f}, server and "
          f"workers {served:.1f} for {requests:,} requests ({1000 * served / requests:.2f} ms "
          f"a request; {os.cpu_count()} CPUs); load average {os.getloadavg()[0]:.2f} at the end")
    left = workers_left(sorted(set(workers)))
    print(f"\nafter shutdown: {len(left)} of {len(set(workers))} worker processes left {left}")
    goals = {
        "phase 1: 0 errors": first["errors"] == 0,
        "phase 1: p99 gradient <= 100 ms": first["p99_gradient"] <= 100,
        "phase 2: 0 benign errors": second["errors"] == 0,
        "phase 2: benign p99 <= 300 ms": second["p99_all"] <= 300,
        "phase 2: every pathological request got a 4xx": second["pathological_4xx"],
        "no worker processes left": not left,
    }
    if args.think == 0 and args.only == "gradient":
        goals["closed loop: >= 400 gradient requests/s"] = first["gradient_rate"] >= 400
    print()
    for goal, met in goals.items():
        print(f"  {'ok  ' if met else 'MISS'} {goal}")
    return 0 if all(goals.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
